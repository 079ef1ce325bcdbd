/**
 * Every write that is not an evaluation transition (those race in integrity.test.ts), sent ten times at once
 * with the same valid body: conditional writes that lose a race answer the same result or 409, never 5xx, and
 * every answer is in the contract's shape. Closing comes after the others since it ends the period they write
 * to, and reopening last, on the period just closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, routeKey } from '../../../shared/http/routes.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
let period: string;
const admin = { employeeId: 'admin', groups: ['admin' as const] };

beforeAll(async () => {
  api = await startTestApi({ label: 'races' });
  period = api.seeded?.period ?? '';
});
afterAll(async () => api?.close());

/** Closing comes after the others (it ends the period they write to), reopening after closing. */
const lateness = (path: string) => (path.endsWith('/close') ? 1 : path.endsWith('/reopen') ? 2 : 0);
const writes = endpoints
  // Writes under an evaluation (its transitions, products, evidence) race in their own tests; a work system's
  // feed needs a machine token.
  .filter(
    (e) =>
      e.method !== 'GET' &&
      !e.path.startsWith('/v1/evaluations/') &&
      e.authorization.who !== 'evaluation' &&
      e.authorization.who !== 'client' &&
      // One person's own item (a notification) has no identical racers.
      !e.path.includes('{notificationId}'),
  )
  .sort((a, b) => lateness(a.path) - lateness(b.path));

function pathOf(path: string, fresh: boolean): string {
  return path
    .replace('{unitId}', 'stc-ns')
    .replace('{employeeId}', 'stc-ns-03')
    .replace('{period}', fresh ? '2031-06' : period)
    .replace('{rubricId}', 'hn-3814')
    .replace('{source}', 'races');
}

describe('ten identical writes at once', () => {
  it('the list covers the writes outside the evaluation transitions', () => {
    expect(writes.map(routeKey)).toEqual(
      expect.arrayContaining([
        'PUT /v1/units/{unitId}',
        'PUT /v1/employees/{employeeId}',
        'POST /v1/org/import',
        'POST /v1/periods/{period}/open',
        'POST /v1/periods/{period}/close',
        'POST /v1/periods/{period}/reopen',
        'POST /v1/periods/{period}/rankings',
        'PUT /v1/rubrics/{rubricId}',
      ]),
    );
  });

  it.each(writes.map((e) => ({ key: routeKey(e), e })))('$key: no 5xx, no lost answer', async ({ e }) => {
    // Opening races on a period that does not exist yet, with the calendar's deadlines; the others on the
    // demo's open period, with the endpoint's example body.
    const opening = e.path.endsWith('/open');
    const path = pathOf(e.path, opening);
    // Examples name a month; the demo's open period is the current one.
    const example = JSON.parse(JSON.stringify(e.example?.body ?? {}).replaceAll('"2026-11"', `"${period}"`));
    const body = opening ? {} : example;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.call(e.method, path, { as: admin, body })),
    );
    for (const res of results) {
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }
    }
    // At least one of them did what was asked.
    expect(results.some((res) => res.status < 300)).toBe(true);
    if (e.method === 'PUT') for (const res of results) expect(res.status).toBe(200);
  });
});
