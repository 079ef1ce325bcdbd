/**
 * A fuzz test generated from the OpenAPI document the service serves: every route and method gets malformed
 * path parameters, query strings, headers and bodies — wrong types, huge and non-finite numbers, 3-decimal scores,
 * lone surrogates, control characters, 300 KB bodies, deep nesting, prototype keys, duplicate keys, wrong content
 * types — sent by a caller allowed to call the route (so the input is really looked at). Every answer must be
 * below 500 and, when an error, in the contract's shape. Bounded: a fixed number of cases per route, seeded.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, routeKey } from '../../../shared/http/routes.ts';
import { startTestApi, type TestApi, TRANSITION_ACTORS } from '../../support/api.ts';

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  requestBody?: { content: Record<string, { schema?: Json }> };
  parameters?: { name: string; in: string }[];
}

let api: TestApi;
let period: string;
let operations: Operation[] = [];
const admin = { employeeId: 'admin', groups: ['admin' as const] };
const callerFor = (method: string, path: string) => {
  const rule = endpoints.find((e) => e.method === method && e.path === path)?.authorization;
  return rule?.who === 'evaluation' && rule.action ? (TRANSITION_ACTORS[rule.action] ?? admin) : admin;
};
const tally = { requests: 0, fiveHundreds: 0 };

beforeAll(async () => {
  api = await startTestApi({ label: 'fuzz' });
  period = api.seeded?.period ?? '';
  const doc = await api.call('GET', '/v1/openapi.json', { as: admin });
  expect(doc.status).toBe(200);
  for (const [path, methods] of Object.entries(doc.body.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(methods))
      operations.push({ ...(op as unknown as Operation), method: method.toUpperCase(), path });
  }
  operations = operations.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
});
afterAll(async () => {
  await api?.close();
  console.info(`fuzz: ${tally.requests} malformed requests, ${tally.fiveHundreds} answered 5xx`);
});

function validPath(path: string): string {
  return path
    .replace('{unitId}', 'stc-ns')
    .replace('{employeeId}', 'stc-ns-03')
    .replace('{period}', period)
    .replace('{year}', period.slice(0, 4))
    .replace('{rubricId}', 'hn-3814')
    .replace('{runId}', '00000000-0000-4000-8000-000000000000');
}

/** Values no field should accept, as raw JSON text (some are not expressible as JS values: 1e400, lone surrogates). */
const BAD_VALUES: string[] = [
  '1e400',
  '-1e400',
  '12.345',
  '-0',
  '9007199254740993',
  '"\\ud800"',
  '"a\\udc00b"',
  '"\\u0000"',
  '"line\\u0001break"',
  '"‮evil"',
  '""',
  'null',
  'true',
  '[]',
  '{}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{}}}',
  `"${'x'.repeat(5000)}"`,
];

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

/** Raw bodies derived from a JSON schema: each property in turn replaced by each bad value, and whole-body mutants. */
function mutants(schema: Json | undefined): string[] {
  const out = [
    '',
    '{',
    '{"a":1,"a":2}',
    deep(2000),
    `{"deep":${deep(500)}}`,
    `{"big":"${'x'.repeat(300 * 1024)}"}`,
    '{"__proto__":{"polluted":true}}',
    '"just a string"',
    '12',
    'null',
    '[]',
  ];
  const properties = (schema?.properties ?? {}) as Record<string, Json>;
  for (const name of Object.keys(properties)) {
    for (const bad of BAD_VALUES) out.push(`{"${name}":${bad}}`);
    out.push(`{"${name}":1,"${name}":"twice"}`);
  }
  // Scores: 3 decimals, huge, negative, non-numeric, prototype keys.
  if (properties.scores) {
    for (const scores of [
      '{"discipline":18.123}',
      '{"discipline":1e400}',
      '{"duties":-5}',
      '{"bonus":"10"}',
      '{"__proto__":5}',
      '{"constructor":5}',
      '{"discipline":18,"discipline":19}',
    ])
      out.push(`{"scores":${scores}}`);
  }
  return out;
}

const HEADER_MUTANTS: Record<string, string>[] = [
  { 'if-match': 'not-a-version' },
  { 'if-match': `"${'9'.repeat(40)}"` },
  { 'idempotency-key': 'x'.repeat(300) },
  { 'idempotency-key': 'bad key with spaces' },
  { accept: 'text/csv;q=0.1, */*' },
  { 'content-type': 'application/json; charset=latin1' },
  { 'content-type': 'text/csv' },
  { 'content-type': 'multipart/form-data; boundary=x' },
  { 'content-type': 'application/xml' },
];

const PATH_MUTANTS = [
  '%00',
  '%E0%A4%A',
  'a'.repeat(300),
  '..',
  '%2F',
  '%F0%9F%98%80',
  '-1',
  '2026-13',
  '0000-01',
  '9999-12',
];

function expectContractShape(res: { status: number; body: unknown; text: string }, what: string) {
  tally.requests++;
  if (res.status >= 500) tally.fiveHundreds++;
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    const error = (res.body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
    expect(typeof error?.code, `${what}: ${res.text.slice(0, 200)}`).toBe('string');
    expect(typeof error?.message, what).toBe('string');
    expect(Array.isArray(error?.details), what).toBe(true);
  }
}

describe('fuzzing every route of the served OpenAPI document', () => {
  it('reads the document: every endpoint is in it', () => {
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(endpoints.map(routeKey).sort());
  });

  it('bodies: never a 5xx, always the contract shape', async () => {
    for (const op of operations.filter((o) => o.requestBody)) {
      const schema = op.requestBody?.content['application/json']?.schema;
      for (const raw of mutants(schema)) {
        const res = await api.call(op.method, validPath(op.path), {
          as: callerFor(op.method, op.path),
          rawBody: raw,
          headers: { 'content-type': 'application/json' },
        });
        expectContractShape(res, `${op.method} ${op.path} ${raw.slice(0, 60)}`);
      }
    }
  }, 240_000);

  it('path parameters, queries and headers: never a 5xx, always the contract shape', async () => {
    for (const op of operations) {
      const caller = callerFor(op.method, op.path);
      for (const bad of PATH_MUTANTS) {
        const path = op.path.replace(/\{[^}]+\}/, bad);
        if (path === op.path) break;
        const res = await api.call(op.method, validPath(path), {
          as: caller,
          ...(op.requestBody ? { body: {} } : {}),
        });
        expectContractShape(res, `${op.method} ${path}`);
      }
      for (const query of [
        '?year=abc',
        '?period=2026-13',
        '?unitId=%00',
        '?year=2026&year=2027',
        '?x=1',
        '?dryRun=maybe',
      ]) {
        const res = await api.call(op.method, `${validPath(op.path)}${query}`, { as: caller });
        expectContractShape(res, `${op.method} ${op.path}${query}`);
      }
      for (const headers of HEADER_MUTANTS) {
        const res = await api.call(op.method, validPath(op.path), {
          as: caller,
          headers: { 'content-type': 'application/json', ...headers },
          ...(op.method === 'GET' ? {} : { rawBody: '{}' }),
        });
        expectContractShape(res, `${op.method} ${op.path} ${JSON.stringify(headers).slice(0, 80)}`);
      }
    }
  }, 240_000);

  it('random JSON into every body (property-based): never a 5xx', async () => {
    const withBody = operations.filter((o) => o.requestBody);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withBody), fc.jsonValue({ maxDepth: 4 }), async (op, body) => {
        const res = await api.call(op.method, validPath(op.path), {
          as: callerFor(op.method, op.path),
          rawBody: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        expectContractShape(res, `${op.method} ${op.path}`);
        return true;
      }),
      { numRuns: 150, seed: 20261129 },
    );
  }, 120_000);
});
