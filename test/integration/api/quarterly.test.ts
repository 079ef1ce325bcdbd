/**
 * Quarterly periods through the API, in a deployment where civil servants are evaluated quarterly (Ho Chi Minh City)
 * and everybody else monthly: `YYYY-Qn` periods open, close and rank like months, with the calendar counted from the
 * quarter's end; a period opens only the categories of its cycle; the annual report averages a year of months and
 * quarters after a change of cycle in the middle of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { approveWith, download, hnScores, rowValues, useConfig, workbook } from '../../support/rules.ts';

let api: TestApi;
const admin = { employeeId: 'admin', groups: ['admin' as const] };
const cityHr = { employeeId: 'hn-hr', groups: ['hr' as const] };
const NS = { reviewer: 'stc-ns-pp', approver: 'stc-ns-tp' };
/** Civil servants: quarterly until 2031, monthly in the first half of 2032, quarterly again from July 2032. */
const CYCLES = {
  civil_servant: [
    { from: null, cycle: 'quarterly' },
    { from: '2032-01', cycle: 'monthly' },
    { from: '2032-07', cycle: 'quarterly' },
  ],
};

let civilServants: string[];
let others: string[];

beforeAll(async () => {
  useConfig({ CYCLE_BY_CATEGORY: JSON.stringify(CYCLES) });
  api = await startTestApi({ label: 'quarterly' });
  const staff = (
    await Promise.all((await api.store.org.listUnits()).map((u) => api.store.org.listUnitStaff(u.id)))
  ).flat();
  civilServants = staff
    .filter((e) => e.category === 'civil_servant')
    .map((e) => e.id)
    .sort();
  others = staff
    .filter((e) => e.category !== 'civil_servant')
    .map((e) => e.id)
    .sort();
});
afterAll(async () => api?.close());

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('a quarter as a period', () => {
  it('opens 2030-Q1 for civil servants only, with the quarter’s calendar; 2030-01 for everybody else', async () => {
    const quarter = await api.call('POST', '/v1/periods/2030-Q1/open', { as: admin, body: {} });
    expect(quarter.status, JSON.stringify(quarter.body)).toBe(200);
    const calendar = deadlinesFor('2030-Q1');
    expect(quarter.body).toMatchObject({
      period: '2030-Q1',
      status: 'OPEN',
      deadlines: {
        selfAssessment: calendar.selfAssessment,
        review: calendar.review,
        approval: calendar.approval,
      },
      closesAt: calendar.closesAt,
    });
    // Counted from the quarter's end: April 2030 (2/4 is a Tuesday).
    expect(quarter.body.deadlines.selfAssessment).toBe('2030-04-02T23:59:59.999+07:00');
    expect(total(quarter.body.counts)).toBe(civilServants.length);
    const month = await api.call('POST', '/v1/periods/2030-01/open', { as: admin, body: {} });
    expect(total(month.body.counts)).toBe(others.length);
    const draft = await api.call('GET', '/v1/evaluations/stc-ns-03/2030-Q1', { as: 'stc-ns-03' });
    expect(draft.body).toMatchObject({ period: '2030-Q1', status: 'DRAFT' });
    expect((await api.call('GET', '/v1/evaluations/stc-ns-03/2030-01', { as: 'stc-ns-03' })).status).toBe(
      404,
    );
    expect((await api.call('GET', '/v1/evaluations/stc-lx/2030-01', { as: 'stc-lx' })).status).toBe(200);
  });

  it('refuses a quarter id that does not exist, and a period no category is evaluated in', async () => {
    const bad = await api.call('POST', '/v1/periods/2030-Q5/open', { as: admin, body: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('params.period');
    // In 2032's first half civil servants are monthly and so is everybody: no quarter to open.
    const none = await api.call('POST', '/v1/periods/2032-Q1/open', { as: admin, body: {} });
    expect(none.status).toBe(400);
    expect(none.body.error.details).toEqual([
      {
        path: 'params.period',
        message: 'Không đối tượng nào được đánh giá hằng quý vào quý I/2032 theo cấu hình của hệ thống.',
      },
    ]);
    expect((await api.call('GET', '/v1/periods/2032-Q1', { as: admin })).status).toBe(404);
  });

  it('says which cycles the deployment has, and lists open quarters beside months', async () => {
    const me = await api.call('GET', '/v1/me', { as: 'stc-ns-03' });
    expect(me.body.cycles).toEqual(['monthly', 'quarterly']);
    expect(me.body.openPeriods).toEqual(expect.arrayContaining(['2030-01', '2030-Q1']));
    expect(me.body.openPeriods.indexOf('2030-01')).toBeLessThan(me.body.openPeriods.indexOf('2030-Q1'));
    // A civil servant is evaluated in the quarter, not in the month open beside it.
    expect(me.body.ownPeriods).toContain('2030-Q1');
    expect(me.body.ownPeriods).not.toContain('2030-01');
  });

  it('runs the cycle, ranks, exports and closes a quarter like a month', async () => {
    const a = await approveWith(api, 'stc-ns-01', '2030-Q1', hnScores(92), NS);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const b = await approveWith(api, 'stc-ns-02', '2030-Q1', hnScores(81.5), NS);
    expect(b.body.decision).toMatchObject({ grade: 'B', total: 81.5 });
    const reviews = await api.call('GET', '/v1/reviews?period=2030-Q1', { as: 'stc-ns-pp' });
    expect(reviews.body.items.length).toBeGreaterThanOrEqual(5);

    expect((await api.computeRankings('2030-Q1', admin)).body.status).toBe('DONE');
    const ranking = await api.call('GET', '/v1/units/stc-ns/rankings/2030-Q1', { as: cityHr });
    expect(ranking.body).toMatchObject({ period: '2030-Q1', distribution: { A: 1, B: 1 } });
    expect(ranking.body.entries.map((e: { employeeId: string }) => e.employeeId)).toEqual([
      'stc-ns-01',
      'stc-ns-02',
    ]);
    const csv = await api.call('GET', '/v1/units/stc-ns/rankings/2030-Q1', {
      as: cityHr,
      headers: { accept: 'text/csv' },
    });
    expect(csv.headers.get('content-disposition')).toContain('xep-hang-stc-ns-2030-Q1.csv');
    const xlsx = await download(api, '/v1/exports/units/stc-ns/rankings/2030-Q1', cityHr);
    const sheet = (await workbook(xlsx.bytes)).getWorksheet('Xếp hạng');
    expect(rowValues(sheet, 1)[0]).toBe('BẢNG XẾP HẠNG KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI QUÝ I/2030');
    const league = await api.call('GET', '/v1/units/stc/subunit-rankings/2030-Q1', { as: cityHr });
    expect(league.status).toBe(200);

    const closed = await api.call('POST', '/v1/periods/2030-Q1/close', { as: admin });
    expect(closed.body).toMatchObject({ status: 'CLOSED' });
    expect(closed.body.counts.APPROVED).toBe(2);
    expect(closed.body.counts.EXPIRED).toBe(civilServants.length - 2);
  });
});

describe('a year of months and quarters', () => {
  it('averages 2032’s months and quarters by the months they cover; under half of its periods is not classified', async () => {
    // 2032: January–June monthly, then two quarters: eight periods for civil servants.
    for (const p of ['2032-05', '2032-06', '2032-Q3']) {
      expect((await api.call('POST', `/v1/periods/${p}/open`, { as: admin, body: {} })).status).toBe(200);
    }
    expect((await approveWith(api, 'stc-ns-04', '2032-05', hnScores(80), NS)).status).toBe(200);
    expect((await approveWith(api, 'stc-ns-04', '2032-06', hnScores(84), NS)).status).toBe(200);
    expect((await approveWith(api, 'stc-ns-04', '2032-Q3', hnScores(88), NS)).status).toBe(200);
    const row = async () =>
      (await api.call('GET', '/v1/reports/annual/2032?unitId=stc-ns', { as: cityHr })).body.items.find(
        (i: { employeeId: string }) => i.employeeId === 'stc-ns-04',
      );
    // (80 + 84 + 3 × 88) / 5 = 85.6; three of eight periods.
    expect(await row()).toMatchObject({
      average: 85.6,
      periodsCounted: 3,
      periodsInYear: 8,
      monthsCounted: 5,
      classified: false,
      grade: null,
      gradeLabel: 'Không xếp loại (dưới 4 trong 8 kỳ của năm)',
      reason: 'Không xếp loại: được đánh giá 3/8 kỳ trong năm, dưới một nửa (cần ít nhất 4 kỳ).',
    });
    expect((await api.call('POST', '/v1/periods/2032-Q4/open', { as: admin, body: {} })).status).toBe(200);
    expect((await approveWith(api, 'stc-ns-04', '2032-Q4', hnScores(95), NS)).status).toBe(200);
    // (80 + 84 + 3 × 88 + 3 × 95) / 8 = 89.125 → 89.13: half of the periods, classified B.
    expect(await row()).toMatchObject({
      average: 89.13,
      periodsCounted: 4,
      periodsInYear: 8,
      monthsCounted: 8,
      classified: true,
      grade: 'B',
      reason: null,
    });
    // A worker of the same year stays monthly: twelve periods.
    const worker = (
      await api.call('GET', '/v1/reports/annual/2032?unitId=stc', { as: cityHr })
    ).body.items.find((i: { employeeId: string }) => i.employeeId === 'stc-lx');
    expect(worker).toMatchObject({ periodsInYear: 12, gradeLabel: 'Không xếp loại (dưới 6 tháng)' });
  });
});
