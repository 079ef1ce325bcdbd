/**
 * annual-rollup on a small generated city with seven months: each employee's stored year equals the API's annual
 * report, a transfer carries the months to the new unit (and a later rollup moves the result, never duplicates
 * it), fewer than 6 months is not classified, reruns change nothing and a crash resumes to the same result.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeAnnual } from '../../../shared/app/annual.ts';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import type { Employee } from '../../../shared/store/entities.ts';
import { keys } from '../../../shared/store/keys.ts';
import { crashAfter, dump, InjectedCrash, type Item, ofType, type SmallCity, smallCity } from './support.ts';

const YEAR = 2026;
const T = new Date('2026-12-10T02:00:00.000+07:00');
const annual = ofType('AnnualResult');

let city: SmallCity;
let mover: Employee;
let from: string;
let to: string;
let shortId: string;
let first: Item[];

/**
 * Every stored annual result, through the store: a unit's results for a year are one item (rows inside it), so
 * the raw items are per unit, not per person.
 */
const storedResults = async () =>
  (await Promise.all(city.city.units.map((u) => city.store.rankings.listUnitAnnual(u.id, YEAR)))).flat();

async function transfer(employeeId: string, unitId: string) {
  const e = await city.store.org.getEmployee(employeeId);
  if (!e) throw new Error('employee missing');
  await city.store.org.putEmployee(
    { ...e, unitId, supervisorId: null },
    {
      at: T.toISOString(),
      actorId: 'test',
      action: 'transfer',
      entity: 'employee',
      entityId: employeeId,
    },
  );
}

beforeAll(async () => {
  city = await smallCity('annual', { staff: 200, units: 12, months: 7, lastPeriod: '2026-07' });
  const staff = city.city.employees.filter((e) => !e.isUnitHead && e.active);
  mover = staff[3] as Employee;
  from = mover.unitId;
  to = (city.city.units.find((u) => u.id !== from && u.parentId !== null) ?? city.city.units[1])?.id ?? '';
  await transfer(mover.id, to);
  // Someone who joined in May: only three months evaluated.
  shortId = (staff.find((e) => e.unitId !== from && e.id !== mover.id) as Employee).id;
  for (const period of ['2026-01', '2026-02', '2026-03', '2026-04']) {
    await city.db.doc.send(
      new DeleteCommand({ TableName: city.db.tableName, Key: keys.evaluationKey(shortId, period) }),
    );
  }
  await runJobInline(city.store, 'annual-rollup', { target: String(YEAR), now: T });
  first = await dump(city.db, annual);
});

describe('annual-rollup', () => {
  it("stores every employee's year as the API's annual report computes it", async () => {
    expect(first.length).toBeGreaterThan(0);
    expect(await storedResults()).toHaveLength(city.city.employees.length);
    for (const unit of city.city.units) {
      const api = await computeAnnual(city.store, unit.id, YEAR);
      const stored = await city.store.rankings.listUnitAnnual(unit.id, YEAR);
      expect(
        stored.map(({ employeeId, name, average, monthsCounted, grade, classified }) => ({
          employeeId,
          name,
          average,
          monthsCounted,
          grade,
          classified,
        })),
      ).toEqual(api.sort((a, b) => a.employeeId.localeCompare(b.employeeId)));
    }
  });

  it('carries a transfer: the months from the old unit count in the new one', async () => {
    const inNew = (await city.store.rankings.listUnitAnnual(to, YEAR)).find((r) => r.employeeId === mover.id);
    expect(inNew?.monthsCounted).toBeGreaterThanOrEqual(6);
    expect(inNew?.classified).toBe(true);
    expect(
      (await city.store.rankings.listUnitAnnual(from, YEAR)).some((r) => r.employeeId === mover.id),
    ).toBe(false);
  });

  it('does not classify a year of fewer than 6 months', async () => {
    const short = (await storedResults()).find((r) => r.employeeId === shortId);
    expect(short).toMatchObject({ monthsCounted: 3, classified: false, grade: null });
  });

  it('changes nothing for a repeated schedule, and crashes resume to the same stored results', async () => {
    const trigger = { kind: 'scheduled', id: T.toISOString() } as const;
    await runJobInline(city.store, 'annual-rollup', { target: String(YEAR), now: T, trigger });
    const before = await dump(city.db);
    const again = await runJobInline(city.store, 'annual-rollup', {
      target: String(YEAR),
      now: new Date(),
      trigger,
    });
    expect(again.runs[0]?.state).toBe('done');
    expect(await dump(city.db)).toEqual(before);

    const crashing = runJobInline(city.store, 'annual-rollup', {
      target: String(YEAR),
      now: T,
      fresh: true,
      concurrency: 2,
      fault: crashAfter(4, 'work-done'),
    });
    await expect(crashing).rejects.toBeInstanceOf(InjectedCrash);
    expect((await city.store.runs.get('annual-rollup', String(YEAR)))?.status).toBe('RUNNING');
    const resumed = await runJobInline(city.store, 'annual-rollup', {
      target: String(YEAR),
      now: new Date(),
    });
    expect(resumed.runs[0]).toMatchObject({ state: 'resumed', status: 'DONE' });
    expect(resumed.runs[0]?.summary).toMatchObject({ employees: city.city.employees.length });
    expect(await dump(city.db, annual)).toEqual(first);
  });

  it('moves, never duplicates, a result when the person transfers again before a later rollup', async () => {
    await transfer(mover.id, from);
    await runJobInline(city.store, 'annual-rollup', { target: String(YEAR), now: T });
    const items = await storedResults();
    expect(items.filter((i) => i.employeeId === mover.id)).toHaveLength(1);
    expect(items).toHaveLength(city.city.employees.length);
    expect(
      (await city.store.rankings.listUnitAnnual(from, YEAR)).some((r) => r.employeeId === mover.id),
    ).toBe(true);
    expect((await city.store.rankings.listUnitAnnual(to, YEAR)).some((r) => r.employeeId === mover.id)).toBe(
      false,
    );
  });
});
