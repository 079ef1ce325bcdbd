/**
 * The API additions for the web app, over HTTP on DynamoDB Local: names beside ids, the appeal deadline on the
 * evaluation, the appeals list, discipline flags with who and why, a unit's staff, the employee page in one
 * request, and what each costs in DynamoDB requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { type DbCalls, dbCalls } from '../../support/db-calls.ts';

let api: TestApi;
let period: string;
let calls: DbCalls;

beforeAll(async () => {
  api = await startTestApi({ label: 'webapi' });
  period = api.seeded?.period ?? '';
  calls = dbCalls(api.db);
});
afterAll(async () => api?.close());

describe('names', () => {
  it('GET evaluation names the unit and the people, with one BatchGetItem and no per-person GetItem', async () => {
    calls.reset();
    const read = await api.call('GET', `/v1/evaluations/stc-ns-02/${period}`, { as: 'stc-ns-02' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      unitName: 'Phòng Quản lý ngân sách',
      reviewerName: 'Ngô Minh Tuấn',
      approverName: 'Phạm Thị Thanh Hương',
      review: { reviewerName: 'Ngô Minh Tuấn' },
      decision: { approverName: 'Phạm Thị Thanh Hương' },
      publishedAt: null,
      appealDeadline: null,
    });
    expect(calls.count('BatchGetItemCommand')).toBe(1);
    const history = await api.call('GET', `/v1/evaluations/stc-ns-02/${period}/history`, { as: 'stc-ns-02' });
    expect(history.body.items.map((h: { actorName: string | null }) => h.actorName)).toEqual([
      null,
      'Lương Văn Đức',
      'Lương Văn Đức',
      'Ngô Minh Tuấn',
      'Phạm Thị Thanh Hương',
    ]);
  });
});
