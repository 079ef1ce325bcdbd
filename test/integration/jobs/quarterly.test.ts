/**
 * The jobs in a deployment with quarterly civil servants and monthly others: on day 1 of a quarter's first month the
 * schedule opens the quarter beside the month (each for its own categories), on other days only the month; a quarter
 * is ranked while open and closed once its approval deadline (counted from the quarter's end) has passed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { useConfig } from '../../support/rules.ts';
import { dump, ofType, type SmallCity, smallCity } from './support.ts';

let city: SmallCity;
const at = (iso: string) => new Date(iso);
const scheduled = (id: string) => ({ kind: 'scheduled' as const, id });

beforeAll(async () => {
  useConfig({ CYCLE_BY_CATEGORY: JSON.stringify({ civil_servant: 'quarterly' }) });
  city = await smallCity('quarterly-jobs', { staff: 160, units: 10, orgOnly: true });
});

describe('the schedule of a quarterly category', () => {
  it('opens the quarter and the month on the quarter’s first day, each with its own categories', async () => {
    const report = await runJobInline(city.store, 'open-period', {
      now: at('2027-04-01T00:05:00+07:00'),
      trigger: scheduled('2027-04-01'),
    });
    expect(report.runs.map((r) => [r.scope, r.status])).toEqual([
      ['2027-04', 'DONE'],
      ['2027-Q2', 'DONE'],
    ]);
    const quarter = await city.store.periods.get('2027-Q2');
    expect(quarter?.categories).toEqual(['civil_servant']);
    expect(quarter?.deadlines).toEqual({
      selfAssessment: deadlinesFor('2027-Q2').selfAssessment,
      review: deadlinesFor('2027-Q2').review,
      approval: deadlinesFor('2027-Q2').approval,
    });
    expect((await city.store.periods.get('2027-04'))?.categories).toEqual([
      'cadre',
      'public_employee',
      'worker',
    ]);
    const drafts = (await dump(city.db, ofType('Evaluation'))) as { period: string; category: string }[];
    const active = city.city.employees.filter((e) => e.active);
    const servants = active.filter((e) => e.category === 'civil_servant').length;
    expect(drafts.filter((d) => d.period === '2027-Q2')).toHaveLength(servants);
    expect(drafts.filter((d) => d.period === '2027-04')).toHaveLength(active.length - servants);
    expect(drafts.filter((d) => d.period === '2027-Q2').every((d) => d.category === 'civil_servant')).toBe(
      true,
    );
  });

  it('opens only the month on the quarter’s other months', async () => {
    const report = await runJobInline(city.store, 'open-period', {
      now: at('2027-05-01T00:05:00+07:00'),
      trigger: scheduled('2027-05-01'),
    });
    expect(report.runs.map((r) => r.scope)).toEqual(['2027-05']);
    expect(await city.store.periods.get('2027-Q3')).toBeNull();
  });

  it('ranks open quarters daily and closes a quarter after its approval deadline, not before', async () => {
    const ranked = await runJobInline(city.store, 'compute-rankings', {
      now: at('2027-05-02T01:00:00+07:00'),
      trigger: scheduled('2027-05-02'),
    });
    expect(ranked.runs.map((r) => r.scope).sort()).toEqual(['2027-04', '2027-05', '2027-Q2']);
    // Q2 2027 is due in July: 2/7 Friday, 3/7 and 4/7 the weekend → review and approval Monday 5/7; close 6/7 00:30.
    const closesAt = deadlinesFor('2027-Q2').closesAt;
    expect(closesAt).toBe('2027-07-06T00:30:00.000+07:00');
    const before = await runJobInline(city.store, 'close-period', {
      now: at('2027-07-06T00:29:00+07:00'),
      trigger: scheduled('2027-07-06-early'),
    });
    // The two months were due earlier and close now; the quarter waits.
    expect(before.runs.map((r) => r.scope).sort()).toEqual(['2027-04', '2027-05']);
    expect((await city.store.periods.get('2027-Q2'))?.status).toBe('OPEN');
    const due = await runJobInline(city.store, 'close-period', {
      now: at(closesAt),
      trigger: scheduled('2027-07-06'),
    });
    expect(due.runs.map((r) => [r.scope, r.status])).toEqual([['2027-Q2', 'DONE']]);
    const closed = await city.store.periods.get('2027-Q2');
    expect(closed).toMatchObject({ status: 'CLOSED', publishedAt: new Date(closesAt).toISOString() });
    expect(await city.store.rankings.get(city.city.units[0]?.id ?? '', '2027-Q2')).not.toBeNull();
  });
});
