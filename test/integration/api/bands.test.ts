/**
 * Grade bands per rubric version, end to end: an admin makes a rubric with Ho Chi Minh City's bands 90 / 75 / 50,
 * the deployment scores civil servants with it, approvals grade at the edges 74.99 / 75 / 89.99 / 90 with those
 * bands, a later version with other bands changes nothing already opened, and the version an evaluation names is
 * served as it was (what the web's live grade preview reads).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { approveWith, hnScores, useConfig } from '../../support/rules.ts';

let api: TestApi;
const admin = { employeeId: 'admin', groups: ['admin' as const] };
const NS = { reviewer: 'stc-ns-pp', approver: 'stc-ns-tp' };
const PERIOD = '2030-05';

/** hn-3814's criteria with other bands (quota Hanoi's, so that a unit of seven has room for two A). */
const rubricBody = (bands: [number, number, number]) => ({
  name: 'Khung tiêu chí với ngưỡng xếp loại riêng',
  categories: ['civil_servant'],
  criteria: [
    { id: 'discipline', label: 'Ý thức tổ chức kỷ luật, phẩm chất đạo đức', max: 20 },
    { id: 'duties', label: 'Kết quả thực hiện chức trách, nhiệm vụ được giao', max: 70 },
    { id: 'bonus', label: 'Điểm thưởng', max: 10 },
  ],
  bands: [
    { grade: 'A', min: bands[0] },
    { grade: 'B', min: bands[1] },
    { grade: 'C', min: bands[2] },
    { grade: 'D', min: 0 },
  ],
  quota: { kind: 'shareOfEvaluated', percent: 30, outstandingPercent: 40 },
});

beforeAll(async () => {
  api = await startTestApi({ label: 'bands' });
  const made = await api.call('PUT', '/v1/rubrics/hcm-bands', { as: admin, body: rubricBody([90, 75, 50]) });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  // From now on, as a deployment choosing that rubric for civil servants.
  useConfig({ RUBRIC_BY_CATEGORY: JSON.stringify({ civil_servant: 'hcm-bands' }) });
  expect((await api.call('POST', `/v1/periods/${PERIOD}/open`, { as: admin, body: {} })).status).toBe(200);
});
afterAll(async () => api?.close());

describe('bands of the rubric version, at their edges', () => {
  it.each([
    ['stc-ns-01', 74.99, 'C'],
    ['stc-ns-02', 75, 'B'],
    ['stc-ns-03', 89.99, 'B'],
    ['stc-ns-04', 90, 'A'],
  ] as const)('%s approved with %d points is %s under 90 / 75 / 50', async (employeeId, points, grade) => {
    const approved = await approveWith(api, employeeId, PERIOD, hnScores(points), NS);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ rubricId: 'hcm-bands', rubricVersion: 1 });
    expect(approved.body.decision).toMatchObject({ total: points, grade });
  });

  it('a new version with other bands leaves the evaluations opened with version 1 on its bands', async () => {
    const v2 = await api.call('PUT', '/v1/rubrics/hcm-bands', { as: admin, body: rubricBody([95, 80, 50]) });
    expect(v2.body.version).toBe(2);
    // 90 is A under version 1 (the evaluation's), B under version 2.
    const approved = await approveWith(api, 'stc-ns-05', PERIOD, hnScores(90), NS);
    expect(approved.body).toMatchObject({ rubricVersion: 1, decision: { grade: 'A' } });
    // The ranking shows the grades as they were given.
    await api.computeRankings(PERIOD, admin);
    const ranking = await api.call('GET', `/v1/units/stc-ns/rankings/${PERIOD}`, { as: admin });
    expect(ranking.body.distribution).toEqual({ A: 2, B: 2, C: 1, D: 0 });
  });

  it('serves the version an evaluation names, not only the latest', async () => {
    const latest = await api.call('GET', '/v1/rubrics/hcm-bands', { as: 'stc-ns-03' });
    expect(latest.body.version).toBe(2);
    const v1 = await api.call('GET', '/v1/rubrics/hcm-bands/versions/1', { as: 'stc-ns-03' });
    expect(v1.status).toBe(200);
    expect(v1.headers.get('etag')).toBe('"1"');
    expect(v1.body.bands.map((b: { grade: string; min: number }) => [b.grade, b.min])).toEqual([
      ['A', 90],
      ['B', 75],
      ['C', 50],
      ['D', 0],
    ]);
    expect((await api.call('GET', '/v1/rubrics/hn-3814/versions/1', { as: 'stc-ns-03' })).body.id).toBe(
      'hn-3814',
    );
    expect((await api.call('GET', '/v1/rubrics/hcm-bands/versions/3', { as: 'stc-ns-03' })).status).toBe(404);
    const bad = await api.call('GET', '/v1/rubrics/hcm-bands/versions/0', { as: 'stc-ns-03' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('params.version');
  });

  it('an accepted appeal regrades with the version’s bands', async () => {
    expect((await api.call('POST', `/v1/periods/${PERIOD}/close`, { as: admin })).status).toBe(200);
    const base = `/v1/evaluations/stc-ns-01/${PERIOD}`;
    expect(
      (await api.call('POST', `${base}/appeal`, { as: 'stc-ns-01', body: { reason: 'Xin xem xét lại' } }))
        .status,
    ).toBe(200);
    // 75 exactly: B under version 1 (C was 74.99).
    const decided = await api.call('POST', `${base}/appeal/decision`, {
      as: { employeeId: 'hn-hr', groups: ['hr'] },
      body: { accept: true, scores: hnScores(75), comment: 'Chấm lại nhiệm vụ' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.decision).toMatchObject({ total: 75, grade: 'B' });
  });
});
