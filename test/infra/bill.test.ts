/**
 * The monthly bill in BENCHMARKS.md is what `npm run bench -- bill` prints for the stacks as they are (the alarm
 * count comes from the synthesised prod example), and its conclusions hold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BillOptions, billMarkdown, fromProdExample, monthlyBill, total } from '../../bench/bill.ts';
import { REPO_ROOT } from '../../infra/bundling.ts';

describe('the monthly bill', () => {
  let example: Pick<BillOptions, 'alarmMetrics' | 'backupDays' | 'reminderLeadDays'>;
  beforeAll(() => {
    example = fromProdExample();
  });

  it('is in BENCHMARKS.md exactly as the code computes it (up to the formatter’s column alignment)', () => {
    // Biome pads table cells and rules to align the columns.
    const normalise = (line: string) => line.replace(/-{3,}/g, '---').replace(/\s+/g, ' ').trim();
    const benchmarks = new Set(
      readFileSync(join(REPO_ROOT, 'BENCHMARKS.md'), 'utf8').split('\n').map(normalise),
    );
    for (const line of billMarkdown(example).split('\n'))
      expect(benchmarks.has(normalise(line)), line).toBe(true);
  });

  it('counts every service the issue lists', () => {
    const services = monthlyBill({ ...example, scale: 1, auth: 'oidc' }).map((l) => l.service);
    for (const s of [
      'Identity',
      'API Gateway',
      'Lambda',
      'DynamoDB requests',
      'DynamoDB storage',
      'AWS Backup',
      'CloudWatch Logs',
      'CloudWatch alarms',
      'CloudWatch metrics',
      'X-Ray',
      'CloudFront',
      'AWS WAF',
      'SQS',
      'EventBridge Scheduler',
      'SES',
    ]) {
      expect(
        services.some((name) => name.startsWith(s)),
        s,
      ).toBe(true);
    }
  });

  it("stays under 50 USD for Hanoi on the city's own sign-in as built, and says what a longer reminder window costs", () => {
    const asBuilt = total(monthlyBill({ ...example, scale: 1, auth: 'oidc' }));
    expect(example.reminderLeadDays).toBe(0);
    expect(asBuilt).toBeLessThan(50);
    // A three-day window sends three times the mail: over the target, and the page says so.
    const threeDays = total(monthlyBill({ ...example, scale: 1, auth: 'oidc', reminderLeadDays: 2 }));
    expect(threeDays).toBeGreaterThan(asBuilt + 15);
    expect(readFileSync(join(REPO_ROOT, 'BENCHMARKS.md'), 'utf8')).toContain('under 50');
  });

  it('prices Cognito Plus at about 3,400 USD for 170,000 users, Lite far less', () => {
    const identity = (auth: BillOptions['auth']) => monthlyBill({ ...example, scale: 1, auth })[0]?.usd ?? 0;
    expect(identity('plus')).toBeCloseTo(3400, 0);
    expect(identity('essentials')).toBeCloseTo(2400, 0);
    expect(identity('lite')).toBeCloseTo(817, 0);
    expect(identity('oidc')).toBe(0);
  });
});
