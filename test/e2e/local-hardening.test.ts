/**
 * The local server's own defences, over raw HTTP (so that Host headers, paths and header sizes are exactly as
 * sent): `/local/*` answers only requests addressed to this machine by name and only JSON bodies; paths such as
 * `//` and `//v1/units`, oversized headers and malformed requests get the contract's error shape; while the
 * database engine is down or unreachable the API answers 503 with Retry-After, never 500.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../functions/local/dynamodb-local.ts';
import { issueLocalToken, loadLocalTokenKey } from '../../functions/local/local-auth.ts';
import { type RunningServer, startLocalServer } from '../../functions/local/server.ts';
import { createWebApp, serveWebApp } from '../../functions/local/web-static.ts';
import { createDb } from '../../shared/store/client.ts';
import { createDynamoStore, setStore } from '../../shared/store/store.ts';
import { freshTable, type TestTable } from '../support/table.ts';

const key = loadLocalTokenKey(null);
let table: TestTable;
let server: RunningServer;
let engineUp = true;
let port: number;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function dechunk(text: string): string {
  let out = '';
  let rest = Buffer.from(text, 'utf8');
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.subarray(0, eol).toString(), 16);
    if (!size) return out;
    out += rest.subarray(eol + 2, eol + 2 + size).toString('utf8');
    rest = rest.subarray(eol + 2 + size + 2);
  }
}

/** Sends bytes as they are and reads the whole answer (the request says `Connection: close`). */
function raw(request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const at = line.indexOf(':');
        headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      let body = rest.join('\r\n\r\n');
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(request);
  });
}

function http(
  method: string,
  path: string,
  options: { host?: string | null; headers?: Record<string, string>; body?: string } = {},
) {
  const lines = [`${method} ${path} HTTP/1.1`];
  const host = options.host === undefined ? `localhost:${port}` : options.host;
  if (host !== null) lines.push(`Host: ${host}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) lines.push(`${name}: ${value}`);
  if (options.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(options.body)}`);
  lines.push('Connection: close');
  return raw(`${lines.join('\r\n')}\r\n\r\n${options.body ?? ''}`);
}

function expectContractError(res: RawResponse, status: number, code: string) {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/json');
  const body = JSON.parse(res.body) as { error: { code: string; message: string; details: unknown[] } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(Array.isArray(body.error.details)).toBe(true);
}

const tokenRequest = JSON.stringify({ employeeId: 'admin', groups: ['admin'] });

beforeAll(async () => {
  table = await freshTable('hardening');
  server = await startLocalServer({ port: 0, tokenKey: key, engine: { isUp: () => engineUp } });
  // As npm start serves it: the web app in front, so that its path handling is covered too.
  const identity = {
    mode: 'oidc' as const,
    issuer: `${server.url}/oidc`,
    clientId: 'danh-gia-web',
    scopes: ['openid'],
    bearer: 'id_token' as const,
  };
  serveWebApp(server.server, createWebApp({ identity }));
  port = Number(new URL(server.url).port);
});
afterAll(async () => server?.close());

describe('/local/* and DNS rebinding', () => {
  it.each([
    'evil.example',
    'evil.example:PORT',
    'localhost.evil.example',
    '127.0.0.1.nip.io:PORT',
    '192.0.2.10:PORT',
    '[::ffff:7f00:1]:PORT',
  ])('refuses a token to a request addressed to %s', async (host) => {
    const res = await http('POST', '/local/token', {
      host: host.replace('PORT', String(port)),
      headers: { 'content-type': 'application/json' },
      body: tokenRequest,
    });
    expectContractError(res, 403, 'FORBIDDEN');
    expect(res.body).not.toContain('token"');
  });

  it('refuses a request without a Host header', async () => {
    const res = await raw(
      `POST /local/token HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${tokenRequest.length}\r\n\r\n${tokenRequest}`,
    );
    expectContractError(res, 403, 'FORBIDDEN');
  });

  it.each(['localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT', 'localhost', 'LOCALHOST:PORT'])(
    'issues a token to a request addressed to %s',
    async (host) => {
      const res = await http('POST', '/local/token', {
        host: host.replace('PORT', String(port)),
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: tokenRequest,
      });
      expect(res.status, res.body).toBe(200);
      expect(JSON.parse(res.body).token).toMatch(/^ey/);
    },
  );

  it.each([
    ['text/plain', tokenRequest],
    ['application/x-www-form-urlencoded', 'employeeId=admin&groups=admin'],
    [
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${tokenRequest}\r\n--x--`,
    ],
  ])('refuses a %s body: a web page can send one without asking', async (type, body) => {
    const res = await http('POST', '/local/token', { headers: { 'content-type': type }, body });
    expectContractError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body without a content type, and a job started by a text/plain form', async () => {
    expectContractError(
      await http('POST', '/local/token', { body: tokenRequest }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const job = await http('POST', '/local/jobs/close-period', {
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expectContractError(job, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('keeps the local mailbox (names, e-mail addresses) from other hosts', async () => {
    expectContractError(await http('GET', '/local/outbox', { host: 'evil.example' }), 403, 'FORBIDDEN');
  });
});

describe('paths as sent', () => {
  it.each(['//', '//v1/units', '//v1/me', '/v1//units', '//local/token', '//index.html'])(
    'GET %s is a 404 in the contract shape',
    async (path) => {
      const token = await issueLocalToken(key, 'admin', ['admin']);
      const res = await http('GET', path, { headers: { authorization: `Bearer ${token}` } });
      expectContractError(res, 404, 'NOT_FOUND');
    },
  );

  it('a request target that is no path is a 400', async () => {
    expectContractError(await http('GET', 'http://evil.example/v1/me'), 400, 'VALIDATION_FAILED');
  });
});

describe('requests Node refuses before any handler', () => {
  it('headers over the limit get 431 with a body in the contract shape', async () => {
    const res = await http('GET', '/v1/me', { headers: { 'x-padding': 'a'.repeat(20_000) } });
    expectContractError(res, 431, 'REQUEST_HEADERS_TOO_LARGE');
  });

  it('a malformed request gets 400 in the contract shape', async () => {
    const res = await raw('GET /v1/me HTTP/1.1\r\nHost: localhost\r\nBad Header Line\r\n\r\n');
    expectContractError(res, 400, 'VALIDATION_FAILED');
  });
});

describe('when the database is not there', () => {
  it('answers 503 with Retry-After before dispatching while the engine is known to be down', async () => {
    const token = await issueLocalToken(key, 'stc-ns-03', []);
    engineUp = false;
    try {
      const res = await http('GET', '/v1/me', { headers: { authorization: `Bearer ${token}` } });
      expectContractError(res, 503, 'SERVICE_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // What needs no database still works: the OpenAPI document, tokens.
      expect(
        (await http('GET', '/v1/openapi.json', { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
      const minted = await http('POST', '/local/token', {
        headers: { 'content-type': 'application/json' },
        body: tokenRequest,
      });
      expect(minted.status).toBe(200);
    } finally {
      engineUp = true;
    }
  });

  it('maps an engine that refuses connections to 503, not 500', async () => {
    const token = await issueLocalToken(key, 'stc-ns-03', []);
    const nobody = await freePort();
    setStore(
      createDynamoStore(createDb({ tableName: table.db.tableName, endpoint: `http://127.0.0.1:${nobody}` })),
    );
    try {
      for (const path of ['/v1/me', '/v1/evaluations/stc-ns-03/2026-03']) {
        const res = await http('GET', path, { headers: { authorization: `Bearer ${token}` } });
        expectContractError(res, 503, 'SERVICE_UNAVAILABLE');
        expect(res.headers['retry-after']).toBeDefined();
      }
    } finally {
      setStore(table.store);
    }
  });
});
