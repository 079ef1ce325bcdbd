/**
 * close-period on a small generated city whose month is open with some evaluations unfinished: nothing before
 * the close time, then exactly what the API's close stores (expired, counters, rankings, published), also when
 * the close crashes half-way (in the expiry or in the ranking) and resumes a day later.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../../../shared/app/periods.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { runJobInline } from '../../../shared/jobs/runner.ts';
import { getPeriod } from '../../../shared/store/period-store.ts';
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
let viaApi: Item[];

beforeAll(async () => {
  base = await smallCity('close', { staff: 260, units: 15, lastPeriod: PERIOD });
  const twin = await freshTable('close-api');
  await writeCity(twin, base.city);
  await closePeriod(twin, PERIOD, CLOSES);
  viaApi = await dump(twin, closed);
});

describe('close-period', () => {
  it('does nothing before the close time, on the daily schedule or when asked by name', async () => {
    const before = await dump(base.db);
    const daily = await runJobInline(base.db, 'close-period', {
      now: new Date(CLOSES.getTime() - 60_000),
      trigger: { kind: 'scheduled', id: 'day-before' },
    });
    expect(daily.runs).toEqual([]);
    const named = await runJobInline(base.db, 'close-period', {
      target: PERIOD,
      now: new Date(CLOSES.getTime() - 60_000),
    });
    expect(named.runs[0]).toMatchObject({ state: 'skipped' });
    expect(await dump(base.db)).toEqual(before);
  });

  it('at the close time expires what was not approved, ranks and publishes, as the API close does', async () => {
    const unfinished = (await dump(base.db, ofType('Evaluation'))).filter(
      (e) => e.status !== 'APPROVED',
    ).length;
    expect(unfinished).toBeGreaterThan(0);
    const report = await runJobInline(base.db, 'close-period', {
      now: CLOSES,
      trigger: { kind: 'scheduled', id: CLOSES.toISOString() },
    });
    expect(report.runs[0]).toMatchObject({ state: 'new', status: 'DONE', summary: { expired: unfinished } });
    expect(await dump(base.db, closed)).toEqual(viaApi);
    const period = await getPeriod(base.db, PERIOD);
    expect(period).toMatchObject({
      status: 'CLOSED',
      closedAt: CLOSES.toISOString(),
      publishedAt: CLOSES.toISOString(),
    });
    expect(period?.appealDeadline).toBeTruthy();
    // The next day's schedule finds nothing to close.
    const before = await dump(base.db);
    const nextDay = new Date(CLOSES.getTime() + 86_400_000);
    expect((await runJobInline(base.db, 'close-period', { now: nextDay })).runs).toEqual([]);
    expect(await dump(base.db)).toEqual(before);
  });

  const crashes = [
    {
      name: 'in the expiry, after its work',
      fault: crashAfter(4, 'work-done', (s) => s.startsWith('expire#')),
    },
    {
      name: 'in the ranking, after a checkpoint',
      fault: crashAfter(5, 'checkpointed', (s) => s.startsWith('rank#')),
    },
  ];
  for (const crash of crashes) {
    it(`crashes ${crash.name}, resumes the next day, and stores exactly the uninterrupted close`, async () => {
      const db = await freshTable('close-crash');
      await writeCity(db, base.city);
      const crashing = runJobInline(db, 'close-period', { now: CLOSES, concurrency: 2, fault: crash.fault });
      await expect(crashing).rejects.toBeInstanceOf(InjectedCrash);
      expect((await getPeriod(db, PERIOD))?.status).toBe('CLOSING');
      const nextDay = new Date(CLOSES.getTime() + 86_400_000);
      const resumed = await runJobInline(db, 'close-period', { now: nextDay });
      expect(resumed.runs[0]).toMatchObject({ state: 'resumed', status: 'DONE' });
      expect(await dump(db, closed)).toEqual(viaApi);
    });
  }
});
