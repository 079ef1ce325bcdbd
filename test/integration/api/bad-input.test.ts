/**
 * Bad input on every route gets a clear 4xx with the contract's code, never a 5xx, and changes nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productIdOf } from '../../../shared/app/task-score.ts';
import { endpoints, routeKey, routes } from '../../../shared/http/routes.ts';
import { startTestApi, type TestApi, TRANSITION_ACTORS } from '../../support/api.ts';

let api: TestApi;
let period: string;
const admin = { employeeId: 'admin', groups: ['admin' as const] };

beforeAll(async () => {
  api = await startTestApi({ label: 'badinput' });
  period = api.seeded?.period ?? '';
});
afterAll(async () => api?.close());

/** A valid path for each route (ids and periods that exist in the demo data). */
function validPath(path: string): string {
  return path
    .replace('{unitId}', 'stc-ns')
    .replace('{employeeId}', 'stc-ns-03')
    .replace('{period}', period)
    .replace('{year}', period.slice(0, 4))
    .replace('{rubricId}', 'hn-3814')
    .replace('{source}', 'qlvb-stc')
    .replace('{productId}', productIdOf('qlvb-stc', 'VB-1'))
    .replace('{attachmentId}', '20261130T000000Z-0123456789ab')
    .replace('{notificationId}', '20260401T010000000Z.reviewed.2026-03.2.stc-ns-03');
}

const withBody = endpoints.filter((e) => e.body);

/** The routes whose use case authorizes (`scoped`) and that only some party may call. */
const SCOPED_ACTORS: Record<string, { employeeId: string }> = {
  'PUT /v1/evaluations/{employeeId}/{period}/products/{productId}/comment': { employeeId: 'stc-ns-03' },
  'PUT /v1/evaluations/{employeeId}/{period}/products/{productId}/excuse': { employeeId: 'stc-ns-pp' },
  'POST /v1/evaluations/{employeeId}/{period}/attachments': { employeeId: 'stc-ns-03' },
  'POST /v1/evaluations/{employeeId}/{period}/attachments/{attachmentId}/confirm': {
    employeeId: 'stc-ns-03',
  },
};
/**
 * Who sends the bad input: someone allowed to call the route, since a caller without the right is refused (403)
 * before the body is looked at. For a transition, the party whose role allows it; otherwise an admin.
 */
function callerFor(path: string) {
  const endpoint = endpoints.find((e) => e.path === path && e.body);
  const rule = endpoint?.authorization;
  // A work system's route: its own kind of token.
  if (rule?.who === 'client') return { asClient: { clientId: 'qlvb-stc', scopes: ['tasks:write'] } };
  const scoped = endpoint ? SCOPED_ACTORS[routeKey(endpoint)] : undefined;
  if (scoped) return { as: scoped };
  return {
    as: rule?.who === 'evaluation' && rule.action ? (TRANSITION_ACTORS[rule.action] ?? admin) : admin,
  };
}

describe('bodies', () => {
  it.each(withBody.map((r) => ({ key: routeKey(r), r })))('$key: malformed JSON is 400', async ({ r }) => {
    const res = await api.call(r.method, validPath(r.path), {
      ...callerFor(r.path),
      rawBody: '{"scores": {',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it.each(withBody.map((r) => ({ key: routeKey(r), r })))(
    '$key: a wrong content type is 415',
    async ({ r }) => {
      const res = await api.call(r.method, validPath(r.path), {
        ...callerFor(r.path),
        rawBody: 'scores=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it.each(withBody.map((r) => ({ key: routeKey(r), r })))(
    '$key: a body over 256 KB is 413',
    async ({ r }) => {
      const res = await api.call(r.method, validPath(r.path), {
        ...callerFor(r.path),
        body: { comment: 'x'.repeat(300 * 1024) },
      });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    },
  );

  it.each(withBody.map((r) => ({ key: routeKey(r), r })))(
    '$key: an unknown field is 400 and named',
    async ({ r }) => {
      const res = await api.call(r.method, validPath(r.path), {
        ...callerFor(r.path),
        body: { surprise: true },
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error.details)).toContain('surprise');
    },
  );

  // A caller without the right learns nothing about the body's schema: 403 (or 404) comes before validation. The
  // outsider is an employee of another unit with no role: no admin, HR, period or evaluation route is theirs.
  const guarded = withBody.filter((e) =>
    ['admin', 'hr-or-admin', 'period-manager', 'evaluation'].includes(e.authorization.who),
  );
  it.each(guarded.map((r) => ({ key: routeKey(r), r })))(
    '$key: a caller without the right gets refused before the body is checked',
    async ({ r }) => {
      const res = await api.call(r.method, validPath(r.path), {
        as: { employeeId: 'phk-bv' },
        body: { surprise: true, scores: { discipline: 'x' } },
      });
      // Someone else's evaluation is 404 to an outsider: its existence is not theirs to learn either.
      const refusal = r.authorization.who === 'evaluation' ? 404 : 403;
      expect(res.status, JSON.stringify(res.body)).toBe(refusal);
      expect(res.body.error.code).toBe(refusal === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
      expect(JSON.stringify(res.body)).not.toContain('surprise');
    },
  );

  it('a route that takes no fields refuses any', async () => {
    const res = await api.call('POST', `/v1/evaluations/phk-bv/${period}/submit`, {
      as: 'phk-bv',
      body: { now: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].message).toContain('now');
  });
});

describe('paths and queries', () => {
  const withParams = routes.filter((r) => r.path.includes('{'));
  it.each(withParams.map((r) => ({ key: routeKey(r), r })))(
    '$key: a bad id or period is 400',
    async ({ r }) => {
      const bad = r.path
        .replace('{unitId}', 'bad%20unit!')
        .replace('{employeeId}', 'x'.repeat(65))
        .replace('{period}', '2026-13')
        .replace('{year}', '20x6')
        .replace('{rubricId}', 'bad%2Fid')
        .replace('{source}', 'bad%20source!')
        .replace('{productId}', '!')
        .replace('{attachmentId}', 'x')
        .replace('{notificationId}', 'bad%20id!');
      const who =
        r.authorizer === 'machines'
          ? { asClient: { clientId: 'qlvb-stc', scopes: ['tasks:write'] } }
          : { as: admin };
      const res = await api.call(r.method, bad, { ...who, ...(r.method === 'GET' ? {} : { body: {} }) });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.length).toBeGreaterThan(0);
    },
  );

  it('a missing or malformed query parameter is 400', async () => {
    for (const path of [
      '/v1/reviews',
      '/v1/reviews?period=2026-1',
      '/v1/employees/stc-ns-03/evaluations?year=abc',
    ]) {
      const res = await api.call('GET', path, { as: admin });
      expect(res.status, path).toBe(400);
    }
  });

  it('an unknown path is 404 and a wrong method 405, in the error shape', async () => {
    const missing = await api.call('GET', '/v1/nothing-here', { as: admin });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const wrongMethod = await api.call('DELETE', '/v1/me', { as: admin });
    expect(wrongMethod.status).toBe(405);
  });
});

describe('scores', () => {
  const path = () => `/v1/evaluations/phk-yt/${period}/self-assessment`;

  it('names each problem: too many decimals, negative, above the maximum, unknown criterion', async () => {
    const res = await api.call('PUT', path(), {
      as: 'phk-yt',
      body: { scores: { discipline: 18.123, duties: -1, bonus: 10.5, ghost: 1 } },
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['scores.bonus', 'scores.discipline', 'scores.duties', 'scores.ghost']);
    const after = await api.call('GET', `/v1/evaluations/phk-yt/${period}`, { as: 'phk-yt' });
    // Nothing was written by the refused request.
    expect(after.body).toMatchObject({ version: 1, selfAssessment: null });
  });

  it('never answers 5xx, whatever JSON is sent (property-based)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await api.call('PUT', path(), {
          as: 'phk-yt',
          rawBody: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        return res.status >= 400 && res.status < 500;
      }),
      { numRuns: 60 },
    );
  });

  it('never answers 5xx for any score map (property-based)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('discipline', 'duties', 'bonus', 'x'),
          fc.oneof(fc.double(), fc.integer(), fc.string()),
        ),
        async (scores) => {
          const res = await api.call('PUT', `/v1/evaluations/stc-ns-03/${period}/self-assessment`, {
            as: 'stc-ns-03',
            body: { scores },
          });
          return res.status < 500;
        },
      ),
      { numRuns: 60 },
    );
  });
});
