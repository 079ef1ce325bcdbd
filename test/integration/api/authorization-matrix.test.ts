/**
 * The authorization matrix: every endpoint × every kind of caller, generated from the endpoint definitions. Each
 * definition declares who may call it (its `authorization`) and an example request; the expected answer of each
 * caller follows from the declared rule, so a new endpoint is in the matrix the moment it is defined, and a rule
 * that does not hold fails here. Rules that depend on the data (`scoped`) spell their answers out below, and an
 * endpoint that writes through another path (the org import, JSON and CSV) is held to the rule of the
 * single-item route it writes like.
 *
 * 'allow' means the caller gets past authentication and authorization: the status is neither 401, 403 nor 404
 * (the rules may still refuse on the evaluation's state, e.g. 409). Denials are exact: 403 for a caller who
 * knows the resource exists but may not act, 404 where even its existence must not leak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productIdOf } from '../../../shared/app/task-score.ts';
import type { AnyEndpoint } from '../../../shared/http/endpoint.ts';
import { endpoints, routeKey } from '../../../shared/http/routes.ts';
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
const ALL = Object.keys(CALLERS) as Caller[];
const UNAUTHENTICATED = ['noToken', 'expired', 'forged', 'tampered'] as const;

type Expect = 'allow' | 401 | 403 | 404;

const only = (allowed: readonly Caller[], otherwise: Expect, related: Partial<Record<Caller, Expect>> = {}) =>
  Object.fromEntries(
    ALL.map((c) => [c, allowed.includes(c) ? 'allow' : (related[c] ?? otherwise)]),
  ) as Record<Caller, Expect>;

/** Callers with some part in stc-ns-03's evaluation; the others must not learn it exists. */
const PARTIES: Caller[] = ['self', 'reviewer', 'approver', 'actingHead', 'hrInScope', 'admin'];
/** Who of the callers holds the role each action needs (the rules engine's `actorMayAct`). */
const ACTORS: Record<string, Caller[]> = {
  saveSelfAssessment: ['self'],
  submit: ['self'],
  appeal: ['self'],
  review: ['reviewer'],
  return: ['reviewer', 'approver', 'actingHead'],
  approve: ['approver', 'actingHead'],
  decideAppeal: ['hrInScope'],
};
const REPORT_READERS: Caller[] = ['approver', 'hrInScope', 'admin'];

/** What each rule means for these callers. */
function fromRule(e: AnyEndpoint): Record<Caller, Expect> | null {
  const rule = e.authorization;
  switch (rule.who) {
    case 'anyone':
      return only(ALL, 'allow');
    case 'admin':
      return only(['admin'], 403);
    case 'hr-or-admin':
      return only(['admin', 'hrInScope', 'hrOutOfScope'], 403);
    case 'period-manager':
      return only(['admin', 'hrInScope'], 403);
    case 'evaluation': {
      const actors = rule.action ? (ACTORS[rule.action] ?? []) : PARTIES;
      return only(
        actors,
        404,
        Object.fromEntries(PARTIES.filter((c) => !actors.includes(c)).map((c) => [c, 403])),
      );
    }
    case 'scoped':
      return null;
    // The machine clients' routes: a person's token is refused by their authorizer.
    case 'client':
      return only([], 401);
  }
}

/** The evaluation's parties other than these: 403 for them, 404 for everyone else. */
const partiesBut = (allowed: readonly Caller[]) =>
  only(
    allowed,
    404,
    Object.fromEntries(PARTIES.filter((c) => !allowed.includes(c)).map((c) => [c, 403 as const])),
  );
const MATRIX_PRODUCT = productIdOf('matrix', 'SP-1');

/**
 * Answers that depend on the data. For `hr-or-admin` writes, HR out of scope gets past the first check and is
 * refused by the use case on the unit (403), exactly as the import must refuse a row out of its scope.
 */
const DATA_DEPENDENT: Record<string, Record<Caller, Expect>> = {
  'PUT /v1/units/{unitId}': only(['admin', 'hrInScope'], 403),
  'PUT /v1/employees/{employeeId}': only(['admin', 'hrInScope'], 403),
  'POST /v1/org/import': only(['admin', 'hrInScope'], 403),
  'GET /v1/employees/{employeeId}': only(['self', 'reviewer', 'approver', 'hrInScope', 'admin'], 404),
  'PUT /v1/units/{unitId}/acting-heads/{employeeId}': only(['approver', 'admin'], 403),
  'GET /v1/units/{unitId}/acting-heads': only(['approver', 'hrInScope', 'admin'], 403),
  // The head of stc-ns, HR whose scope holds it, admins; an acting head is not the head.
  'GET /v1/units/{unitId}/employees': only(['approver', 'hrInScope', 'admin'], 403),
  'GET /v1/employees/{employeeId}/evaluations': only(
    ['self', 'reviewer', 'approver', 'hrInScope', 'admin'],
    404,
  ),
  // Every caller may send a batch; each item is authorized on its own (see the per-item outcomes).
  'POST /v1/approvals/bulk': only(ALL, 'allow'),
  'GET /v1/units/{unitId}/rankings/{period}': only(REPORT_READERS, 403),
  'GET /v1/units/{unitId}/subunit-rankings/{period}': only(['hrInScope', 'admin'], 403),
  'GET /v1/reports/annual/{year}': only(REPORT_READERS, 403),
  'GET /v1/exports/units/{unitId}/rankings/{period}': only(REPORT_READERS, 403),
  'GET /v1/exports/annual/{year}': only(REPORT_READERS, 403),
  // HR out of scope passes the first check and is refused on the employees it feeds, as the org import.
  'POST /v1/feeds/{source}/products/import': only(['admin', 'hrInScope'], 403),
  'PUT /v1/evaluations/{employeeId}/{period}/products/{productId}/comment': partiesBut(['self']),
  'PUT /v1/evaluations/{employeeId}/{period}/products/{productId}/excuse': partiesBut([
    'reviewer',
    'approver',
    'actingHead',
  ]),
  'POST /v1/evaluations/{employeeId}/{period}/attachments': partiesBut(['self']),
  // An upload in progress (never confirmed) is shown to its uploader only.
  'POST /v1/evaluations/{employeeId}/{period}/attachments/{attachmentId}/confirm': only(['self'], 404),
  'DELETE /v1/evaluations/{employeeId}/{period}/attachments/{attachmentId}': only(['self'], 404),
  // What the results pay is HR's to check: HR in scope and admins, not the heads of units.
  'GET /v1/reports/income/{period}': only(['hrInScope', 'admin'], 403),
  'GET /v1/exports/income/{period}': only(['hrInScope', 'admin'], 403),
  // Each caller reaches only their own notifications; the fixture's id is nobody's.
  'POST /v1/notifications/{notificationId}/read': only([], 404),
};

/** Attachments of the fixture: one available (confirmed), one still uploading. */
const attachments = { available: '', uploading: '' };

/** Where a rule alone does not say it all: a period never opened gets its managers past the check to a 404. */
const OVERRIDES: Record<string, { path?: (period: string) => string; expect?: Record<Caller, Expect> }> = {
  'POST /v1/periods/{period}/close': {
    path: () => '/v1/periods/2020-01/close',
    expect: { ...only([], 403), admin: 404, hrInScope: 404 },
  },
  'PUT /v1/rubrics/{rubricId}': { path: () => '/v1/rubrics/matrix-test' },
};

/** Path parameters of the fixture: stc-ns-03's evaluation, the unit stc-ns (its parent stc for league tables). */
function pathOf(e: AnyEndpoint, period: string, runId: string): string {
  const override = OVERRIDES[routeKey(e)]?.path;
  if (override) return override(period);
  const path = e.path
    .replace('{unitId}/subunit-rankings', 'stc/subunit-rankings')
    .replace('{unitId}', 'stc-ns')
    .replace('{employeeId}/{period}', `stc-ns-03/${period}`)
    .replace('acting-heads/{employeeId}', 'acting-heads/stc-ns-05')
    .replace('{employeeId}', 'stc-ns-03')
    .replace('{period}', period)
    .replace('{year}', period.slice(0, 4))
    .replace('{rubricId}', 'hn-3814')
    .replace('{version}', '1')
    .replace('{runId}', runId)
    .replace('{notificationId}', '20260401T010000000Z.reviewed.2026-03.2.stc-ns-03')
    .replace('{source}', 'matrix')
    .replace('{productId}', MATRIX_PRODUCT)
    .replace('{attachmentId}', e.method === 'GET' ? attachments.available : attachments.uploading);
  const query = e.query ? (e.path.includes('/evaluations') ? `?year=${period.slice(0, 4)}` : '') : '';
  if (e.path === '/v1/reviews' || e.path === '/v1/approvals' || e.path === '/v1/appeals')
    return `${path}?period=${period}`;
  if (
    e.path.startsWith('/v1/reports/annual') ||
    e.path.startsWith('/v1/exports/annual') ||
    e.path.includes('/income/')
  )
    return `${path}?unitId=stc-ns`;
  return `${path}${query}`;
}

interface Row {
  key: string;
  endpoint: AnyEndpoint;
  variant: 'json' | 'csv';
  expect: Record<Caller, Expect>;
}

const rows: Row[] = endpoints.flatMap((endpoint) => {
  const key = routeKey(endpoint);
  const expectations = OVERRIDES[key]?.expect ?? DATA_DEPENDENT[key] ?? fromRule(endpoint);
  if (!expectations) return [];
  const json: Row = { key, endpoint, variant: 'json', expect: expectations };
  return endpoint.csvBody && endpoint.example?.csv ? [json, { ...json, variant: 'csv' as const }] : [json];
});

let api: TestApi;
let period: string;
let runId: string;

beforeAll(async () => {
  api = await startTestApi({ label: 'matrix' });
  period = api.seeded?.period ?? '';
  // stc-ns-05 acts for the head of stc-ns; rankings exist so that allowed readers get them.
  const named = await api.call('PUT', '/v1/units/stc-ns/acting-heads/stc-ns-05', {
    as: 'stc-ns-tp',
    body: { from: '2020-01-01T00:00:00+07:00', to: '2035-01-01T00:00:00+07:00' },
  });
  expect(named.status).toBe(200);
  const computed = await api.computeRankings(period, CALLERS.admin);
  expect(computed.body.status).toBe('DONE');
  runId = computed.body.runId;
  // A product of stc-ns-03 to comment on and excuse, and evidence files: one uploaded and confirmed, one not.
  const fed = await api.call('POST', '/v1/feeds/matrix/products/import', {
    as: CALLERS.admin,
    body: {
      items: [
        { employeeId: 'stc-ns-03', period, sourceId: 'SP-1', title: 'Báo cáo', weight: 1, majorErrors: 1 },
      ],
    },
  });
  expect(fed.status, JSON.stringify(fed.body)).toBe(200);
  const pdf = new TextEncoder().encode('%PDF-1.4 minh chứng');
  const ask = async () => {
    const asked = await api.call('POST', `/v1/evaluations/stc-ns-03/${period}/attachments`, {
      as: CALLERS.self,
      body: {
        name: 'minh-chung.pdf',
        contentType: 'application/pdf',
        size: pdf.length,
        criterionId: 'duties',
      },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    return asked.body as {
      attachment: { id: string };
      upload: { url: string; fields: Record<string, string> };
    };
  };
  const available = await ask();
  const form = new FormData();
  for (const [k, v] of Object.entries(available.upload.fields)) form.append(k, v);
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'minh-chung.pdf');
  expect((await fetch(available.upload.url, { method: 'POST', body: form })).status).toBeLessThan(300);
  const confirmed = await api.call(
    'POST',
    `/v1/evaluations/stc-ns-03/${period}/attachments/${available.attachment.id}/confirm`,
    { as: CALLERS.self },
  );
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  attachments.available = available.attachment.id;
  attachments.uploading = (await ask()).attachment.id;
});
afterAll(async () => api?.close());

describe('authorization matrix', () => {
  it('covers every endpoint: a data-dependent rule must spell out its answers here', () => {
    const covered = new Set(rows.map((r) => r.key));
    expect(endpoints.map(routeKey).filter((k) => !covered.has(k))).toEqual([]);
    expect(Object.keys(DATA_DEPENDENT).filter((k) => !endpoints.some((e) => routeKey(e) === k))).toEqual([]);
  });

  it('tests the org import in both formats', () => {
    expect(rows.filter((r) => r.key === 'POST /v1/org/import').map((r) => r.variant)).toEqual([
      'json',
      'csv',
    ]);
  });

  const cells = rows.flatMap((row) =>
    ALL.map((caller) => ({ name: `${row.key} (${row.variant})`, row, caller })),
  );
  it.each(cells)('$name as $caller', async ({ row, caller }) => {
    const { endpoint } = row;
    const body =
      endpoint.path === '/v1/approvals/bulk'
        ? { period, items: [{ employeeId: 'stc-ns-03', version: 1 }] }
        : (endpoint.example?.body ?? (endpoint.body ? {} : undefined));
    const response = await api.call(endpoint.method, pathOf(endpoint, period, runId), {
      as: CALLERS[caller],
      ...(row.variant === 'csv'
        ? { rawBody: endpoint.example?.csv ?? '', headers: { 'content-type': 'text/csv' } }
        : body !== undefined
          ? { body }
          : {}),
    });
    const expected = row.expect[caller];
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
    if (expected === 'allow')
      expect([401, 403, 404], JSON.stringify(response.body)).not.toContain(response.status);
    else expect(response.status, JSON.stringify(response.body)).toBe(expected);
  });

  const unauthenticated = endpoints.flatMap((e) =>
    UNAUTHENTICATED.map((how) => ({ key: routeKey(e), e, how })),
  );
  it.each(unauthenticated)('$key with $how is 401', async ({ e, how }) => {
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
    const response = await api.call(
      e.method,
      pathOf(e, period, runId ?? '00000000-0000-4000-8000-000000000000'),
      {
        ...(token ? { token } : {}),
        ...(e.example?.body ? { body: e.example.body } : {}),
      },
    );
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });
});
