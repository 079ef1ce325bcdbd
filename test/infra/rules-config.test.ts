/**
 * The rules a stage configures (cycles, who evaluates heads of top-level units, the income table): checked at synth
 * with the functions' own schemas, and passed to every function as the environment it reads at cold start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadStageConfig } from '../../infra/config.ts';
import { ruleEnvironment } from '../../infra/constructs/app-function.ts';
import { readConfig } from '../../shared/config.ts';
import { props, resources, type SynthesisedApp, synth } from './support.ts';

const RULES = {
  cycle: [
    { from: null, cycle: 'monthly' },
    { from: '2026-07', cycle: 'quarterly' },
  ],
  cycleByCategory: { worker: 'monthly' },
  topHeadApprover: { kind: 'body', id: 'ban-thuong-vu', name: 'Ban Thường vụ', members: ['tv-01'] },
  incomeTable: {
    items: [
      {
        id: 'extraIncome',
        label: 'Thu nhập tăng thêm',
        per: 'month',
        base: 2340000,
        byGrade: { A: 1, B: 0.8 },
      },
    ],
  },
};
const stages = { dev: RULES };

describe('rules in the stage configuration', () => {
  it('reach the functions as the variables they read, with the same meaning', () => {
    const env = ruleEnvironment(loadStageConfig((key) => ({ stages })[key as 'stages']));
    expect(Object.keys(env).sort()).toEqual([
      'CYCLE_BY_CATEGORY',
      'EVALUATION_CYCLE',
      'INCOME_TABLE',
      'TOP_HEAD_APPROVER',
    ]);
    const read = readConfig({ TABLE_NAME: 'x-table', ...env });
    expect(read.cycles).toEqual({
      default: RULES.cycle,
      byCategory: { worker: [{ from: null, cycle: 'monthly' }] },
    });
    expect(read.topHeadApprover).toEqual(RULES.topHeadApprover);
    // Coefficients as written (0.8), not as the functions hold them (80 hundredths).
    expect(read.incomeTable?.items[0]?.byGrade).toEqual({ A: 100, B: 80 });
    // A word stays a word.
    const plain = ruleEnvironment(
      loadStageConfig((key) => ({ stages: { dev: { cycle: 'quarterly' } } })[key as 'stages']),
    );
    expect(plain).toEqual({ EVALUATION_CYCLE: 'quarterly' });
    expect(ruleEnvironment(loadStageConfig(() => undefined))).toEqual({});
  });

  it('refuses at synth what a function would refuse at start, naming the key', () => {
    const load = (dev: Record<string, unknown>) => () =>
      loadStageConfig((key) => ({ stages: { dev } })[key as 'stages']);
    expect(load({ cycle: [{ from: '2026-08', cycle: 'quarterly' }] })).toThrow(ConfigError);
    expect(load({ cycle: [{ from: '2026-08', cycle: 'quarterly' }] })).toThrow(/cycle/);
    expect(load({ cycleByCategory: { soldier: 'monthly' } })).toThrow(/cycleByCategory/);
    expect(load({ topHeadApprover: 'mayor' })).toThrow(/topHeadApprover/);
    expect(
      load({ incomeTable: { items: [{ id: 'x', label: 'X', per: 'month', byGrade: { A: 1.5 } }] } }),
    ).toThrow(/incomeTable/);
  });
});

describe('in the synthesised stacks', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth({ stages: JSON.stringify(stages) });
  }, 120_000);
  afterAll(() => app?.cleanup());

  it('every API and job function gets the rules in its environment', () => {
    const functions = [
      ...resources(app.templates.app, 'AWS::Lambda::Function'),
      ...resources(app.templates.jobs, 'AWS::Lambda::Function'),
    ].filter(
      ([, f]) =>
        (props(f).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.TABLE_NAME,
    );
    // The API's functions and the five jobs (open-period opens by the cycles, with the approver of top-level heads).
    expect(functions.length).toBeGreaterThanOrEqual(5 + 8);
    for (const [id, f] of functions) {
      const vars = (props(f).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars.TOP_HEAD_APPROVER, id).toBe(JSON.stringify(RULES.topHeadApprover));
      expect(vars.INCOME_TABLE, id).toBe(JSON.stringify(RULES.incomeTable));
      expect(vars.EVALUATION_CYCLE, id).toBe(JSON.stringify(RULES.cycle));
    }
  });
});
