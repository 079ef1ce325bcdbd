/**
 * The authorization matrix: every route × every kind of caller, generated from one table. A route added to the
 * route table without a row here fails the first test, so no route can be forgotten.
 *
 * 'allow' means the caller gets past authentication and authorization: the status is neither 401, 403 nor 404
 * (the rules may still refuse on the evaluation's state, e.g. 409). Denials are exact: 403 for a caller who
 * knows the resource exists but may not act, 404 where even its existence must not leak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../../shared/http/routes.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

const CALLERS = {
  self: { employeeId: 'stc-ns-03' },
  colleague: { employeeId: 'stc-ns-01' },
  reviewer: { employeeId: 'stc-ns-pp' },
  approver: { employeeId: 'stc-ns-tp' },
  actingHead: { employeeId: 'stc-ns-05' },
  otherHead: { employeeId: 'stc-gia-tp' },
  hrInScope: { employeeId: 'hn-hr', groups: ['hr'] },
  hrOutOfScope: { employeeId: 'sgd-tc-01', groups: ['hr'] },
  admin: { employeeId: 'admin', groups: ['admin'] },
} as const;
type Caller = keyof typeof CALLERS;
const UNAUTHENTICATED = ['noToken', 'expired', 'forged', 'tampered'] as const;

type Expect = 'allow' | 403 | 404 | 200;
type Row = { path: (period: string) => string; body?: unknown; expect: Record<Caller, Expect> };

const E = '/v1/evaluations/stc-ns-03';
const only = (allowed: Caller[], otherwise: Expect, related: Partial<Record<Caller, Expect>> = {}) =>
  Object.fromEntries(
    (Object.keys(CALLERS) as Caller[]).map((c) => [
      c,
      allowed.includes(c) ? 'allow' : (related[c] ?? otherwise),
    ]),
  ) as Record<Caller, Expect>;
const everyone = only(Object.keys(CALLERS) as Caller[], 'allow');
/** Callers with some part in stc-ns-03's evaluation; the others must not learn it exists. */
const evaluationParties: Caller[] = ['self', 'reviewer', 'approver', 'actingHead', 'hrInScope', 'admin'];
const transitionBy = (allowed: Caller[]) =>
  only(
    allowed,
    404,
    Object.fromEntries(evaluationParties.filter((c) => !allowed.includes(c)).map((c) => [c, 403])),
  );

const scores = { discipline: 18, duties: 60, bonus: 2 };
const MATRIX: Record<string, Row> = {
  'PUT /v1/units/{unitId}': {
    path: () => '/v1/units/stc-ns',
    body: { name: 'Phòng Quản lý ngân sách', parentId: 'stc' },
    expect: only(['admin', 'hrInScope'], 403),
  },
  'GET /v1/units': { path: () => '/v1/units', expect: only(['admin', 'hrInScope', 'hrOutOfScope'], 403) },
  'PUT /v1/employees/{employeeId}': {
    path: () => '/v1/employees/stc-ns-03',
    body: {
      name: 'Nguyễn Thị Bích Ngọc',
      unitId: 'stc-ns',
      category: 'civil_servant',
      supervisorId: 'stc-ns-pp',
    },
    expect: only(['admin', 'hrInScope'], 403),
  },
  'GET /v1/employees/{employeeId}': {
    path: () => '/v1/employees/stc-ns-03',
    expect: only(['self', 'reviewer', 'approver', 'hrInScope', 'admin'], 404),
  },
  'POST /v1/org/import': {
    path: () => '/v1/org/import',
    body: { units: [], employees: [] },
    expect: only(['admin', 'hrInScope', 'hrOutOfScope'], 403),
  },
  'PUT /v1/units/{unitId}/acting-heads/{employeeId}': {
    path: () => '/v1/units/stc-ns/acting-heads/stc-ns-05',
    body: { from: '2026-01-01T00:00:00+07:00', to: '2030-01-01T00:00:00+07:00' },
    expect: only(['approver', 'admin'], 403),
  },
  'GET /v1/units/{unitId}/acting-heads': {
    path: () => '/v1/units/stc-ns/acting-heads',
    expect: only(['approver', 'hrInScope', 'admin'], 403),
  },
  'POST /v1/periods/{period}/open': {
    path: (p) => `/v1/periods/${p}/open`,
    body: {},
    expect: only(['admin', 'hrInScope'], 403),
  },
  'GET /v1/periods/{period}': {
    path: (p) => `/v1/periods/${p}`,
    expect: only(['admin', 'hrInScope', 'hrOutOfScope'], 403),
  },
  // A period that was never opened: the managers get past authorization to a 404, everyone else a 403.
  'POST /v1/periods/{period}/close': {
    path: () => '/v1/periods/2020-01/close',
    expect: { ...only([], 403), admin: 404, hrInScope: 404 },
  },
  'POST /v1/periods/{period}/rankings': {
    path: (p) => `/v1/periods/${p}/rankings`,
    expect: only(['admin', 'hrInScope', 'hrOutOfScope'], 403),
  },
  'GET /v1/evaluations/{employeeId}/{period}': {
    path: (p) => `${E}/${p}`,
    expect: only(evaluationParties, 404),
  },
  'PUT /v1/evaluations/{employeeId}/{period}/self-assessment': {
    path: (p) => `${E}/${p}/self-assessment`,
    body: { scores },
    expect: transitionBy(['self']),
  },
  'POST /v1/evaluations/{employeeId}/{period}/submit': {
    path: (p) => `${E}/${p}/submit`,
    expect: transitionBy(['self']),
  },
  'POST /v1/evaluations/{employeeId}/{period}/review': {
    path: (p) => `${E}/${p}/review`,
    body: { scores },
    expect: transitionBy(['reviewer']),
  },
  'POST /v1/evaluations/{employeeId}/{period}/return': {
    path: (p) => `${E}/${p}/return`,
    body: { comment: 'Bổ sung.' },
    expect: transitionBy(['reviewer', 'approver', 'actingHead']),
  },
  'POST /v1/evaluations/{employeeId}/{period}/approve': {
    path: (p) => `${E}/${p}/approve`,
    body: {},
    expect: transitionBy(['approver', 'actingHead']),
  },
  'POST /v1/evaluations/{employeeId}/{period}/appeal': {
    path: (p) => `${E}/${p}/appeal`,
    body: { reason: 'Xin xem lại.' },
    expect: transitionBy(['self']),
  },
  'POST /v1/evaluations/{employeeId}/{period}/appeal/decision': {
    path: (p) => `${E}/${p}/appeal/decision`,
    body: { accept: false, comment: 'Giữ nguyên.' },
    expect: transitionBy(['hrInScope']),
  },
  'GET /v1/evaluations/{employeeId}/{period}/history': {
    path: (p) => `${E}/${p}/history`,
    expect: only(evaluationParties, 404),
  },
  'GET /v1/employees/{employeeId}/evaluations': {
    path: (p) => `/v1/employees/stc-ns-03/evaluations?year=${p.slice(0, 4)}`,
    expect: only(['self', 'reviewer', 'approver', 'hrInScope', 'admin'], 404),
  },
  // Every caller may send a batch; each item is authorized on its own (see the per-item outcomes).
  'POST /v1/approvals/bulk': { path: () => '/v1/approvals/bulk', body: null, expect: everyone },
  'GET /v1/me': { path: () => '/v1/me', expect: everyone },
  'GET /v1/reviews': { path: (p) => `/v1/reviews?period=${p}`, expect: everyone },
  'GET /v1/approvals': { path: (p) => `/v1/approvals?period=${p}`, expect: everyone },
  'GET /v1/rubrics': { path: () => '/v1/rubrics', expect: everyone },
  'GET /v1/rubrics/{rubricId}': { path: () => '/v1/rubrics/hn-3814', expect: everyone },
  'PUT /v1/rubrics/{rubricId}': {
    path: () => '/v1/rubrics/matrix-test',
    body: {
      name: 'Bộ tiêu chí thử',
      categories: ['worker'],
      criteria: [{ id: 'all', label: 'Toàn bộ', max: 100 }],
      bands: [
        { grade: 'A', min: 90, label: 'Hoàn thành xuất sắc nhiệm vụ' },
        { grade: 'B', min: 70, label: 'Hoàn thành tốt nhiệm vụ' },
        { grade: 'C', min: 50, label: 'Hoàn thành nhiệm vụ' },
        { grade: 'D', min: 0, label: 'Không hoàn thành nhiệm vụ' },
      ],
      quota: { kind: 'shareOfEvaluated', percent: 30, outstandingPercent: 40 },
    },
    expect: only(['admin'], 403),
  },
  'GET /v1/units/{unitId}/rankings/{period}': {
    path: (p) => `/v1/units/stc-ns/rankings/${p}`,
    expect: only(['approver', 'hrInScope', 'admin'], 403),
  },
  'GET /v1/units/{unitId}/subunit-rankings/{period}': {
    path: (p) => `/v1/units/stc/subunit-rankings/${p}`,
    expect: only(['hrInScope', 'admin'], 403),
  },
  'GET /v1/reports/annual/{year}': {
    path: (p) => `/v1/reports/annual/${p.slice(0, 4)}?unitId=stc-ns`,
    expect: only(['approver', 'hrInScope', 'admin'], 403),
  },
  'GET /v1/exports/units/{unitId}/rankings/{period}': {
    path: (p) => `/v1/exports/units/stc-ns/rankings/${p}`,
    expect: only(['approver', 'hrInScope', 'admin'], 403),
  },
  'GET /v1/exports/annual/{year}': {
    path: (p) => `/v1/exports/annual/${p.slice(0, 4)}?unitId=stc-ns`,
    expect: only(['approver', 'hrInScope', 'admin'], 403),
  },
  'GET /v1/openapi.json': { path: () => '/v1/openapi.json', expect: everyone },
};

let api: TestApi;
let period: string;

beforeAll(async () => {
  api = await startTestApi({ label: 'matrix' });
  period = api.seeded?.period ?? '';
  // stc-ns-05 acts for the head of stc-ns; rankings exist so that allowed readers get them.
  const named = await api.call('PUT', '/v1/units/stc-ns/acting-heads/stc-ns-05', {
    as: 'stc-ns-tp',
    body: { from: '2020-01-01T00:00:00+07:00', to: '2035-01-01T00:00:00+07:00' },
  });
  expect(named.status).toBe(200);
  expect((await api.call('POST', `/v1/periods/${period}/rankings`, { as: CALLERS.admin })).status).toBe(200);
});
afterAll(async () => api?.close());

describe('authorization matrix', () => {
  it('has a row for every route in the route table, and no row for a route that does not exist', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(routes.map(routeKey).sort());
  });

  const cells = Object.entries(MATRIX).flatMap(([key, row]) =>
    (Object.keys(CALLERS) as Caller[]).map((caller) => ({ key, row, caller })),
  );
  it.each(cells)('$key as $caller', async ({ key, row, caller }) => {
    const method = key.split(' ')[0] ?? 'GET';
    const body =
      key === 'POST /v1/approvals/bulk'
        ? { period, items: [{ employeeId: 'stc-ns-03', version: 1 }] }
        : row.body;
    const response = await api.call(method, row.path(period), {
      as: CALLERS[caller],
      ...(body ? { body } : {}),
    });
    const expected = row.expect[caller];
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
    if (expected === 'allow')
      expect([401, 403, 404], JSON.stringify(response.body)).not.toContain(response.status);
    else expect(response.status, JSON.stringify(response.body)).toBe(expected);
  });

  const unauthenticated = routes.flatMap((r) => UNAUTHENTICATED.map((how) => ({ key: routeKey(r), how })));
  it.each(unauthenticated)('$key with $how is 401', async ({ key, how }) => {
    const row = MATRIX[key];
    if (!row) throw new Error(`no row for ${key}`);
    let token: string | undefined;
    if (how === 'expired')
      token = await api.tokenFor('stc-ns-03', { lifetimeSeconds: 60, now: Date.now() - 3_600_000 });
    if (how === 'forged') {
      // Signed with another key: a token minted by a different (attacker's) server.
      const other = await startTestApi({ seed: false, label: 'forger' });
      token = await other.tokenFor({ employeeId: 'admin', groups: ['admin'] });
      await other.close();
    }
    if (how === 'tampered') {
      const [header, , signature] = (await api.tokenFor('stc-ns-03')).split('.');
      const payload = Buffer.from(
        JSON.stringify({ sub: 'admin', 'cognito:groups': ['admin'], exp: 4102444800 }),
      ).toString('base64url');
      token = `${header}.${payload}.${signature}`;
    }
    const method = key.split(' ')[0] ?? 'GET';
    const response = await api.call(method, row.path(period), {
      ...(token ? { token } : {}),
      ...(row.body ? { body: row.body } : {}),
    });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });
});
