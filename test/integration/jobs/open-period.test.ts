/**
 * open-period on a small generated org: the job's drafts are exactly those the API's `openPeriod` creates (per
 * unit, on the slice of the org each unit needs), a rerun changes nothing, and a crash resumes to exactly the
 * uninterrupted result with counters that never double count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openPeriod } from '../../../shared/app/periods.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { runJobInline } from '../../../shared/jobs/runner.ts';
import { getRun } from '../../../shared/jobs/runs.ts';
import { getPeriod } from '../../../shared/store/period-store.ts';
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
/** What the API leaves behind, for comparison: the org and what opening created (the actor differs). */
const comparable = (items: Item[]) =>
  items.map((i) => {
    const { openedBy: _o, actorId: _a, ...rest } = i;
    return rest;
  });

let org: SmallCity;
let viaApi: Item[];

beforeAll(async () => {
  org = await smallCity('open', { staff: 300, units: 18, orgOnly: true });
  // The same org in a second table, opened by the API's use case at the same instant.
  const twin = await freshTable('open-api');
  await writeCity(twin, org.city, true);
  await openPeriod(twin, PERIOD, undefined, OPENS.toISOString(), 'hn-hr');
  viaApi = await dump(twin, opened);
});

describe('open-period', () => {
  it('creates the same drafts, history and counters as the API opening the period', async () => {
    const report = await runJobInline(org.db, 'open-period', { target: PERIOD, now: OPENS });
    expect(report.runs[0]).toMatchObject({ state: 'new', status: 'DONE' });
    const items = await dump(org.db, opened);
    expect(comparable(items)).toEqual(comparable(viaApi));
    const drafts = items.filter(ofType('Evaluation'));
    const active = org.city.employees.filter((e) => e.active);
    // Everyone active has a draft but the city's own head, whom nobody above approves.
    expect(drafts).toHaveLength(active.length - 1);
    expect(report.runs[0]?.summary).toMatchObject({ created: drafts.length, skipped: 1 });
    expect((await getPeriod(org.db, PERIOD))?.skipped.map((s) => s.employeeId)).toEqual([
      org.city.employees[0]?.id,
    ]);
    for (const counters of items.filter(ofType('UnitPeriod'))) {
      const unitDrafts = drafts.filter((d) => d.unitId === counters.unitId).length;
      expect(counters.evaluated).toBe(unitDrafts);
      expect(counters.n_DRAFT).toBe(unitDrafts);
    }
  });

  it('changes nothing when run again, whether the run is finished or started over', async () => {
    const before = await dump(org.db);
    const again = await runJobInline(org.db, 'open-period', { target: PERIOD, now: new Date() });
    expect(again.runs[0]?.state).toBe('done');
    expect(await dump(org.db)).toEqual(before);
    const fresh = await runJobInline(org.db, 'open-period', { target: PERIOD, now: new Date(), fresh: true });
    expect(fresh.runs[0]?.summary).toMatchObject({ created: 0 });
    expect(await dump(org.db, domainOnly)).toEqual(before.filter(domainOnly));
  });

  for (const point of ['work-done', 'checkpointed'] as const) {
    it(`crashes after 6 units (${point}) and resumes to exactly the uninterrupted opening`, async () => {
      const db = await freshTable(`open-crash-${point}`);
      await writeCity(db, org.city, true);
      const crashing = runJobInline(db, 'open-period', {
        target: PERIOD,
        now: OPENS,
        concurrency: 3,
        fault: crashAfter(6, point),
      });
      await expect(crashing).rejects.toBeInstanceOf(InjectedCrash);
      const partial = (await dump(db, ofType('Evaluation'))).length;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(viaApi.filter(ofType('Evaluation')).length);
      expect((await getRun(db, 'open-period', PERIOD))?.status).toBe('RUNNING');

      const resumed = await runJobInline(db, 'open-period', { target: PERIOD, now: new Date() });
      expect(resumed.runs[0]).toMatchObject({ state: 'resumed', status: 'DONE' });
      expect(comparable(await dump(db, opened))).toEqual(comparable(viaApi));
    });
  }
});
