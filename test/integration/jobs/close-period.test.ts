/**
 * close-period on a small generated city whose month is open with some evaluations unfinished: nothing before
 * the close time, then expired, counters, rankings and publication, exactly the same when the close crashes
 * half-way (a unit's work done but not checkpointed, or after a checkpoint) and resumes a day later.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { freshTable } from '../../support/table.ts';
import {
  crashAfter,
  dump,
  InjectedCrash,
  type Item,
  ofType,
  type SmallCity,
  smallCity,
  writeCity,
} from './support.ts';

const PERIOD = '2026-03';
const CLOSES = new Date(deadlinesFor(PERIOD).closesAt);
const closed = ofType(
  'Period',
  'Evaluation',
  'HistoryEvent',
  'UnitPeriod',
  'RankingSnapshot',
  'SubunitRankingSnapshot',
);

let base: SmallCity;
let uninterrupted: Item[];

beforeAll(async () => {
  base = await smallCity('close', { staff: 260, units: 15, lastPeriod: PERIOD });
  // The same city closed by hand at the close time (an admin through the API starts this very run).
  const twin = await freshTable('close-twin');
  await writeCity(twin.store, base.city);
  await runJobInline(twin.store, 'close-period', { target: PERIOD, now: CLOSES });
  uninterrupted = await dump(twin.db, closed);
});

describe('close-period', () => {
  it('does nothing before the close time, on the daily schedule or when asked by name', async () => {
    const before = await dump(base.db);
    const daily = await runJobInline(base.store, 'close-period', {
      now: new Date(CLOSES.getTime() - 60_000),
      trigger: { kind: 'scheduled', id: 'day-before' },
    });
    expect(daily.runs).toEqual([]);
    const named = await runJobInline(base.store, 'close-period', {
      target: PERIOD,
      now: new Date(CLOSES.getTime() - 60_000),
    });
    expect(named.runs[0]).toMatchObject({ state: 'skipped' });
    expect(await dump(base.db)).toEqual(before);
  });

  it('at the close time expires what was not approved, ranks and publishes', async () => {
    const unfinished = (await dump(base.db, ofType('Evaluation'))).filter(
      (e) => e.status !== 'APPROVED',
    ).length;
    expect(unfinished).toBeGreaterThan(0);
    const report = await runJobInline(base.store, 'close-period', {
      now: CLOSES,
      trigger: { kind: 'scheduled', id: CLOSES.toISOString() },
    });
    expect(report.runs[0]).toMatchObject({ state: 'new', status: 'DONE', summary: { expired: unfinished } });
    expect(await dump(base.db, closed)).toEqual(uninterrupted);
    const period = await base.store.periods.get(PERIOD);
    expect(period).toMatchObject({
      status: 'CLOSED',
      closedAt: CLOSES.toISOString(),
      publishedAt: CLOSES.toISOString(),
    });
    expect(period?.appealDeadline).toBeTruthy();
    // The next day's schedule finds nothing to close.
    const before = await dump(base.db);
    const nextDay = new Date(CLOSES.getTime() + 86_400_000);
    expect((await runJobInline(base.store, 'close-period', { now: nextDay })).runs).toEqual([]);
    expect(await dump(base.db)).toEqual(before);
  });

  const crashes = [
    { name: "after a unit's expiry and ranking, before its checkpoint", fault: crashAfter(4, 'work-done') },
    { name: 'after a checkpoint', fault: crashAfter(5, 'checkpointed') },
  ];
  for (const crash of crashes) {
    it(`crashes ${crash.name}, resumes the next day, and stores exactly the uninterrupted close`, async () => {
      const { db, store } = await freshTable('close-crash');
      await writeCity(store, base.city);
      // One step at a time: a crash stops the run there, as a crashed process would.
      const crashing = runJobInline(store, 'close-period', {
        now: CLOSES,
        concurrency: 1,
        fault: crash.fault,
      });
      await expect(crashing).rejects.toBeInstanceOf(InjectedCrash);
      expect((await store.periods.get(PERIOD))?.status).toBe('CLOSING');
      const nextDay = new Date(CLOSES.getTime() + 86_400_000);
      const resumed = await runJobInline(store, 'close-period', { now: nextDay });
      expect(resumed.runs[0]).toMatchObject({ state: 'resumed', status: 'DONE' });
      expect(await dump(db, closed)).toEqual(uninterrupted);
    });
  }
});
