/**
 * Periods on the in-memory store, with the jobs run inline as `npm start` runs them: opening again adds only staff
 * hired since, closing expires and publishes, "compute now" answers with the run to follow.
 */
import { describe, expect, it } from 'vitest';
import {
  closePeriodForCaller,
  computeRankingsForCaller,
  openPeriodForCaller,
  readRankingRun,
} from '../../../shared/app/periods/periods.ts';
import { demoCity } from './support.ts';

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('period use cases', () => {
  it('open again: drafts only for staff added since; close: what was not approved expires, published', async () => {
    const { as, store, period } = await demoCity();
    const hr = as('hn-hr', ['hr']);
    const head = await store.org.getEmployee('stc-ns-01');
    if (!head) throw new Error('demo employee missing');
    await store.org.putEmployee(
      { ...head, id: 'stc-ns-08', name: 'Người Mới Đến' },
      {
        at: new Date().toISOString(),
        actorId: 'test',
        action: 'create',
        entity: 'employee',
        entityId: 'stc-ns-08',
      },
    );
    const opened = await openPeriodForCaller(hr, period, undefined);
    // The demo's 40 staff (the city's head evaluated by the top unit's HR) and the newcomer.
    expect(total(opened.period.counts)).toBe(41);
    expect((await openPeriodForCaller(hr, period, undefined)).period.counts).toEqual(opened.period.counts);

    const closed = await closePeriodForCaller(hr, period);
    expect(closed).toMatchObject({ handedOff: false, period: { status: 'CLOSED' } });
    // The demo approved two; the 39 others, drafts included, expire.
    expect(closed.period.counts.APPROVED).toBe(2);
    expect(closed.period.counts.EXPIRED).toBe(39);
    expect((await store.periods.get(period))?.publishedAt).toBeTruthy();
  });

  it('"compute rankings now" answers with a run, which the job then finishes', async () => {
    const { as, period } = await demoCity();
    const hr = as('hn-hr', ['hr']);
    const started = await computeRankingsForCaller(hr, period);
    expect(started).toMatchObject({ period, status: 'RUNNING' });
    await expect
      .poll(async () => (await readRankingRun(hr, period, started.runId)).status, { timeout: 10_000 })
      .toBe('DONE');
    const older = await computeRankingsForCaller(hr, period);
    expect((await readRankingRun(hr, period, started.runId)).status).toBe('SUPERSEDED');
    await expect
      .poll(async () => (await readRankingRun(hr, period, older.runId)).status, { timeout: 10_000 })
      .toBe('DONE');
  });

  it('ten "compute now" at once: one run for all of them, none refused', async () => {
    const { as, period } = await demoCity();
    const hr = as('hn-hr', ['hr']);
    const started = await Promise.all(Array.from({ length: 10 }, () => computeRankingsForCaller(hr, period)));
    expect(new Set(started.map((run) => run.runId)).size).toBeLessThanOrEqual(2);
    for (const run of started) expect(['RUNNING', 'DONE']).toContain(run.status);
  });
});
