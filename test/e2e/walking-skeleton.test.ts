/**
 * One evaluation all the way through the HTTP contract on a real DynamoDB engine: save and submit a
 * self-assessment, review, approve (grade from the bands), compute the unit's ranking and read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let period: string;

beforeAll(async () => {
  api = await startTestApi();
  period = api.seeded?.period ?? '';
});
afterAll(async () => api?.close());

describe('a month for one employee, end to end over HTTP', () => {
  it('goes from self-assessment to a published ranking', async () => {
    const path = `/v1/evaluations/stc-ns-03/${period}`;
    const draft = await api.call('GET', path, { as: 'stc-ns-03' });
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({
      status: 'DRAFT',
      reviewerId: 'stc-ns-pp',
      approverId: 'stc-ns-tp',
      rubricId: 'hn-3814',
    });

    const saved = await api.call('PUT', `${path}/self-assessment`, {
      as: 'stc-ns-03',
      body: { scores: { discipline: 19.5, duties: 68, bonus: 7.25 }, comment: 'Hoàn thành xuất sắc.' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.selfAssessment.total).toBe(94.75);
    expect(saved.headers.get('etag')).toBe(`"${saved.body.version}"`);

    const submitted = await api.call('POST', `${path}/submit`, { as: 'stc-ns-03' });
    expect(submitted.body.status).toBe('SUBMITTED');

    const reviewed = await api.call('POST', `${path}/review`, {
      as: 'stc-ns-pp',
      body: { scores: { discipline: 19, duties: 66, bonus: 5 }, comment: 'Tốt.' },
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ status: 'REVIEWED', review: { total: 90 } });

    const approved = await api.call('POST', `${path}/approve`, { as: 'stc-ns-tp', body: {} });
    expect(approved.status).toBe(200);
    expect(approved.body.decision).toMatchObject({
      total: 90,
      grade: 'A',
      gradeLabel: 'Hoàn thành xuất sắc nhiệm vụ',
    });

    // HR asks for the rankings now: the work is a job (202), whose run the client follows until it is done.
    const computed = await api.computeRankings(period, { employeeId: 'hn-hr', groups: ['hr'] });
    expect(computed.status).toBe(200);
    expect(computed.body.status).toBe('DONE');

    const ranking = await api.call('GET', `/v1/units/stc-ns/rankings/${period}`, { as: 'stc-ns-tp' });
    expect(ranking.status).toBe(200);
    // The seed approved stc-ns-02 (78 points, B) before; now stc-ns-03 (90, A) leads.
    expect(
      ranking.body.entries.map((e: { employeeId: string; rank: number; grade: string }) => [
        e.rank,
        e.employeeId,
        e.grade,
      ]),
    ).toEqual([
      [1, 'stc-ns-03', 'A'],
      [2, 'stc-ns-02', 'B'],
    ]);
    expect(ranking.body.distribution).toEqual({ A: 1, B: 1, C: 0, D: 0 });
    expect(ranking.body.quota).toMatchObject({ used: 1, ok: true });

    const history = await api.call('GET', `${path}/history`, { as: 'stc-ns-03' });
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual([
      'open',
      'saveSelfAssessment',
      'submit',
      'review',
      'approve',
    ]);
  });

  it('serves the ranking as CSV with a BOM for Excel', async () => {
    const csv = await api.call('GET', `/v1/units/stc-ns/rankings/${period}`, {
      as: 'stc-ns-tp',
      headers: { accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain('Nguyễn Thị Bích Ngọc');
  });
});
