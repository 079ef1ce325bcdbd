/**
 * open-period on a small generated org: a draft for every active employee (per unit, on the slice of the org each
 * unit needs) with its history and counters, a rerun changes nothing, and a crash resumes to exactly the
 * uninterrupted result with counters that never double count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { freshTable } from '../../support/table.ts';
import {
  crashAfter,
  domainOnly,
  dump,
  InjectedCrash,
  type Item,
  ofType,
  type SmallCity,
  smallCity,
  writeCity,
} from './support.ts';

const PERIOD = '2026-05';
const OPENS = new Date(deadlinesFor(PERIOD).opensAt);
const opened = ofType('Period', 'Evaluation', 'HistoryEvent', 'UnitPeriod');
/** What an opening leaves behind, for comparison. */
const comparable = (items: Item[]) => items;

let org: SmallCity;
let uninterrupted: Item[];

beforeAll(async () => {
  org = await smallCity('open', { staff: 300, units: 18, orgOnly: true });
  // The same org in a second table, opened at the same instant without interruption, many units at once.
  const twin = await freshTable('open-twin');
  await writeCity(twin.store, org.city, true);
  await runJobInline(twin.store, 'open-period', { target: PERIOD, now: OPENS, concurrency: 8 });
  uninterrupted = await dump(twin.db, opened);
});

describe('open-period', () => {
  it('creates a draft, its history and the unit counters for every active employee, one unit at a time', async () => {
    const report = await runJobInline(org.store, 'open-period', {
      target: PERIOD,
      now: OPENS,
      concurrency: 1,
    });
    expect(report.runs[0]).toMatchObject({ state: 'new', status: 'DONE' });
    const items = await dump(org.db, opened);
    expect(comparable(items)).toEqual(comparable(uninterrupted));
    for (const history of items.filter(ofType('HistoryEvent'))) expect(history.actorId).toBe('system');
    const drafts = items.filter(ofType('Evaluation'));
    const active = org.city.employees.filter((e) => e.active);
    // Everyone active has a draft, the city's own head too: the top unit's HR evaluates them (the default).
    expect(drafts).toHaveLength(active.length);
    expect(report.runs[0]?.summary).toMatchObject({ created: drafts.length, skipped: 0 });
    expect((await org.store.periods.get(PERIOD))?.skipped).toEqual([]);
    const head = drafts.find((d) => d.employeeId === org.city.employees[0]?.id);
    expect(head).toMatchObject({ approverId: `hr@${org.city.employees[0]?.unitId}` });
    for (const counters of items.filter(ofType('UnitPeriod'))) {
      const unitDrafts = drafts.filter((d) => d.unitId === counters.unitId).length;
      expect(counters.evaluated).toBe(unitDrafts);
      expect(counters.n_DRAFT).toBe(unitDrafts);
    }
  });

  it('changes nothing when run again, whether the run is finished or started over', async () => {
    const before = await dump(org.db);
    const again = await runJobInline(org.store, 'open-period', { target: PERIOD, now: new Date() });
    expect(again.runs[0]?.state).toBe('done');
    expect(await dump(org.db)).toEqual(before);
    const fresh = await runJobInline(org.store, 'open-period', {
      target: PERIOD,
      now: new Date(),
      fresh: true,
    });
    expect(fresh.runs[0]?.summary).toMatchObject({ created: 0 });
    expect(await dump(org.db, domainOnly)).toEqual(before.filter(domainOnly));
  });

  for (const point of ['work-done', 'checkpointed'] as const) {
    it(`crashes after 6 units (${point}) and resumes to exactly the uninterrupted opening`, async () => {
      const { db, store } = await freshTable(`open-crash-${point}`);
      await writeCity(store, org.city, true);
      const crashing = runJobInline(store, 'open-period', {
        target: PERIOD,
        now: OPENS,
        concurrency: 3,
        fault: crashAfter(6, point),
      });
      await expect(crashing).rejects.toBeInstanceOf(InjectedCrash);
      const partial = (await dump(db, ofType('Evaluation'))).length;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(uninterrupted.filter(ofType('Evaluation')).length);
      expect((await store.runs.get('open-period', PERIOD))?.status).toBe('RUNNING');

      const resumed = await runJobInline(store, 'open-period', { target: PERIOD, now: new Date() });
      expect(resumed.runs[0]).toMatchObject({ state: 'resumed', status: 'DONE' });
      expect(comparable(await dump(db, opened))).toEqual(comparable(uninterrupted));
    });
  }
});
