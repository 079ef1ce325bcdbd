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

describe('the employee page in one request', () => {
  /** The page's requests, in round trips: each inner list goes out at once, after the one before answered. */
  async function flow(rounds: ((id: string) => string)[][], as: string) {
    const dynamo: number[] = [];
    let requests = 0;
    const bodies: unknown[] = [];
    for (const round of rounds) {
      calls.reset();
      const answers = await Promise.all(round.map((path) => api.call('GET', path(as), { as })));
      for (const a of answers) expect(a.status, a.text).toBe(200);
      requests += round.length;
      dynamo.push(calls.names.length);
      bodies.push(...answers.map((a) => a.body));
    }
    return { requests, roundTrips: rounds.length, dynamo: dynamo.reduce((a, b) => a + b, 0), bodies };
  }

  it('before: me, then the evaluation, history and months, then the rubric; after: me with the month', async () => {
    const base = (id: string) => `/v1/evaluations/${id}/${period}`;
    const months = (id: string) => `/v1/employees/${id}/evaluations?year=${period.slice(0, 4)}`;
    // As web/src/pages/Employee.tsx reads it today (after /config.json, which both flows fetch first).
    const before = await flow(
      [[() => '/v1/me'], [base, (id) => `${base(id)}/history`, months], [() => '/v1/rubrics/hn-3814']],
      'stc-ns-02',
    );
    // The months of the year still need the employee id, which only /v1/me tells the page: a second round, but
    // the month itself is on screen after the first.
    const after = await flow([[() => '/v1/me?include=current'], [months]], 'stc-ns-02');
    expect(before.requests).toBe(5);
    expect(before.roundTrips).toBe(3);
    expect(after.requests).toBe(2);
    expect(after.roundTrips).toBe(2);
    const [evaluation, history] = before.bodies.slice(1, 3) as [unknown, { items: unknown[] }];
    const me = after.bodies[0] as { current: { evaluation: unknown; history: unknown[]; rubric: unknown } };
    expect(me.current.evaluation).toEqual(evaluation);
    expect(me.current.history).toEqual(history.items);
    expect(me.current.rubric).toEqual(before.bodies[4]);
    // What the table serves for the page: printed for BENCHMARKS and the report, held not to grow.
    console.info(
      `employee page: before ${before.requests} API requests in ${before.roundTrips} round trips, the month on ` +
        `screen after 3 (${before.dynamo} DynamoDB requests); after ${after.requests} in ${after.roundTrips}, ` +
        `the month after 1 (${after.dynamo} DynamoDB requests)`,
    );
    expect(after.dynamo).toBeLessThan(before.dynamo);
  });
});
