/**
 * The local HTTP server: turns each request into the API Gateway HTTP API (payload 2.0) event that AWS would
 * send, with the claims its JWT authorizer would add, and calls the very handler the Lambda runs. Routes come
 * from the shared route table, so local and cloud dispatch cannot drift. `/local/*` routes exist only here.
 *
 * What API Gateway would do in front of the Lambdas, it does here too: every error in the contract's shape (also
 * a path it cannot parse, headers too large, a malformed request); 503 with Retry-After while the database
 * engine is down, before dispatching to any route that needs it; on close, no new work (503) while the requests
 * in flight finish. `/local/*` mints tokens, so it only answers requests addressed to this machine by name
 * (localhost, 127.0.0.1, [::1]: a web page cannot reach it by DNS rebinding) with a JSON body (a page cannot
 * send one without a CORS preflight, which this server never grants).
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { idSchema } from '../../shared/app/inputs.ts';
import { inlineJobStarter } from '../../shared/app/jobs/runner.ts';
import { config } from '../../shared/config.ts';
import { runJobsInProcess } from '../../shared/http/background.ts';
import { isServiceUnavailable } from '../../shared/http/errors.ts';
import type { HttpEvent, HttpResult } from '../../shared/http/handler.ts';
import { MAX_BODY_BYTES } from '../../shared/http/middleware/parse.ts';
import {
  FUNCTIONS,
  type FunctionName,
  type RouteDefinition,
  routeKey,
  routes,
} from '../../shared/http/routes.ts';
import {
  type Claims,
  isGroup,
  issueLocalMachineToken,
  issueLocalToken,
  type LocalTokenKey,
  scopesOf,
  verifyLocalMachineToken,
  verifyLocalToken,
} from './local-auth.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type LambdaHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export interface LocalRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  definition: RouteDefinition;
}

export function compileRoutes(definitions: readonly RouteDefinition[]): LocalRoute[] {
  return definitions.map((definition) => {
    const names: string[] = [];
    const source = definition.path
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
    return { method: definition.method, pattern: new RegExp(`^${source}$`), names, definition };
  });
}

export type LocalExtension = (
  req: IncomingMessage,
  url: URL,
  body: string,
) => Promise<{ status: number; body: unknown; headers?: Record<string, string> } | null>;

export interface LocalServerOptions {
  port: number;
  host?: string;
  tokenKey: LocalTokenKey;
  /**
   * Verifies a bearer token that is not one of `/local/token`'s, as the HTTP API's JWT authorizer would (the local
   * OpenID provider's RS256 tokens through its JWKS); its claims, or null to refuse it.
   */
  verifyToken?: (token: string) => Promise<Claims | null>;
  /**
   * Verifies a machine client's token that is not one of `/local/token`'s, as the machine clients' JWT authorizer
   * would (the local OpenID provider's client-credentials access tokens); its claims, or null to refuse it.
   */
  verifyMachineToken?: (token: string) => Promise<Claims | null>;
  /** Extra `/local/*` endpoints (outbox, jobs); answer null when the path is not theirs. */
  extensions?: LocalExtension[];
  /** The database engine this server depends on, when it watches one: while it is not up, 503. */
  engine?: { isUp(): boolean };
}

export interface RunningServer {
  url: string;
  server: Server;
  /**
   * Stops taking work: new requests get 503 and `Connection: close`; requests in flight get up to `graceMs`
   * (default 10 s) to finish; then the port and every connection are closed. Reports how many were cut off.
   */
  drain(options?: { graceMs?: number }): Promise<{ finished: number; abandoned: number }>;
  /** `drain()` with the default grace. */
  close(): Promise<void>;
}

/** How long a client should wait before trying again while the engine restarts or the server stops. */
export const RETRY_AFTER_SECONDS = 3;
export const DEFAULT_GRACE_MS = 10_000;

/**
 * The request target as sent, as a URL on this server. `new URL(target, base)` would read `//v1/units` as the
 * host `v1` and the path `/units`, and throw on `//`; a path is a path. Null for anything but origin-form.
 */
export function requestUrl(target: string | undefined): URL | null {
  const raw = target ?? '/';
  if (!raw.startsWith('/')) return null;
  try {
    return new URL(`http://localhost${raw}`);
  } catch {
    return null;
  }
}

/** `localhost`, `127.0.0.1` or `[::1]`, with or without a port: the names that can only mean this machine. */
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isLocalPath = (pathname: string) => pathname === '/local' || pathname.startsWith('/local/');

function isJson(req: IncomingMessage): boolean {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

const tokenRequest = z.union([
  z.strictObject({
    employeeId: idSchema,
    groups: z.array(z.string().refine(isGroup, 'Nhóm chỉ có thể là "hr" hoặc "admin".')).max(2).default([]),
  }),
  // A machine client's token (a work system): its client id and scopes, as a client-credentials grant gives.
  z.strictObject({
    clientId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'Mã ứng dụng không hợp lệ.'),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, 'Phạm vi OAuth không hợp lệ.'))
      .max(10),
  }),
]);

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  details: unknown[] = [],
  headers: Record<string, string> = {},
) {
  sendJson(res, status, { error: { code, message, details } }, headers);
}

const ENGINE_DOWN_MESSAGE =
  'Cơ sở dữ liệu cục bộ (DynamoDB Local) đang khởi động lại; vui lòng thử lại sau ít giây.';
const STOPPING_MESSAGE = 'Máy chủ cục bộ đang dừng; vui lòng thử lại khi nó chạy lại.';

function sendUnavailable(res: ServerResponse, message: string, headers: Record<string, string> = {}) {
  sendError(res, 503, 'SERVICE_UNAVAILABLE', message, [], {
    'retry-after': String(RETRY_AFTER_SECONDS),
    ...headers,
  });
}

/**
 * Requests Node refuses before any handler sees them (headers over its limit, malformed HTTP, too slow): the
 * same statuses Node would send, with a body in the contract's shape instead of none.
 */
const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'REQUEST_HEADERS_TOO_LARGE',
    message: 'Phần header của yêu cầu quá lớn (tối đa 16 KB).',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'Dữ liệu gửi lên quá lớn.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'REQUEST_TIMEOUT',
    message: 'Yêu cầu gửi lên quá chậm; vui lòng thử lại.',
  },
};

function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // As Node itself does: nothing to say on a dead socket, or in the middle of another answer.
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const known = CLIENT_ERRORS[error.code ?? ''];
  const { status, code, message } = known ?? {
    status: 400,
    code: 'VALIDATION_FAILED',
    message: 'Yêu cầu HTTP không hợp lệ.',
  };
  const details = known ? [] : [{ path: 'request', message: 'Không đọc được yêu cầu HTTP.' }];
  const body = JSON.stringify({ error: { code, message, details } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Reads at most the contract's limit plus one byte: enough to know a body is too large without buffering it all. */
async function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      // Drain the rest without keeping it, so the client can read the 413.
      req.resume();
      return { text: '', tooLarge: true };
    }
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** As the HTTP API passes claims on: every value a string, groups as `[a b]`. */
function authorizerClaims(claims: Claims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims))
    out[name] = Array.isArray(value) ? `[${value.join(' ')}]` : String(value);
  return out;
}

/** How many verified tokens the server remembers: far more than the people signed in at once on one machine. */
export const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Tokens already verified, with their claims, until they expire: a browser or a test sends the same token with
 * every request, and checking its signature again each time (WebCrypto's HMAC, about half a millisecond) was a
 * tenth of this server's CPU under the deadline-day mix. In AWS the JWT authorizer does this work, not the Lambda.
 * A token is kept only once its signature, issuer and audience have been verified, and only while `exp` (and
 * `nbf`) allow it; a token without `exp` is verified every time. The oldest is forgotten first.
 */
export function verifiedTokenCache(limit = VERIFIED_TOKENS_KEPT) {
  const kept = new Map<string, { claims: Claims; exp: number; nbf: number }>();
  const keyOf = (machines: boolean, token: string) => `${machines ? 'machine' : 'person'} ${token}`;
  return {
    get(machines: boolean, token: string, nowMs: number): Claims | null {
      const key = keyOf(machines, token);
      const found = kept.get(key);
      if (!found) return null;
      const now = nowMs / 1000;
      if (now >= found.exp || now < found.nbf) {
        kept.delete(key);
        return null;
      }
      return found.claims;
    },
    keep(machines: boolean, token: string, claims: Claims | null): Claims | null {
      if (claims && typeof claims.exp === 'number') {
        if (kept.size >= limit) kept.delete(kept.keys().next().value as string);
        const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
        kept.set(keyOf(machines, token), { claims, exp: claims.exp, nbf });
      }
      return claims;
    },
  };
}

export async function startLocalServer(options: LocalServerOptions): Promise<RunningServer> {
  // No job has a function of its own here: the API runs them in this process, as `npm run job` does.
  runJobsInProcess((store) => inlineJobStarter(store));
  const verifiedTokens = verifiedTokenCache();
  const compiled = compileRoutes(routes);
  const handlers = new Map<FunctionName, Promise<LambdaHandler>>();
  const handlerFor = (fn: FunctionName) => {
    let loaded = handlers.get(fn);
    if (!loaded) {
      const url = pathToFileURL(resolve(projectRoot, FUNCTIONS[fn].entry)).href;
      loaded = import(url).then((m: { handler: LambdaHandler }) => m.handler);
      handlers.set(fn, loaded);
    }
    return loaded;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const { text, tooLarge } = await readBody(req);
    if (tooLarge) return sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'Dữ liệu gửi lên vượt quá 256 KB.');
    const url = requestUrl(req.url);
    if (!url) {
      return sendError(res, 400, 'VALIDATION_FAILED', 'Đường dẫn không hợp lệ.', [
        { path: 'path', message: 'Đường dẫn phải bắt đầu bằng "/".' },
      ]);
    }

    if (isLocalPath(url.pathname)) {
      if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
        return sendError(
          res,
          403,
          'FORBIDDEN',
          'Các đường dẫn /local/* chỉ nhận yêu cầu gửi tới localhost, 127.0.0.1 hoặc [::1].',
        );
      }
      if (BODY_METHODS.has(method) && !isJson(req)) {
        return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type phải là application/json.');
      }
    }

    if (url.pathname === '/local/token' && method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text || '{}');
      } catch {
        return sendError(res, 400, 'VALIDATION_FAILED', 'Nội dung không phải JSON hợp lệ.', [
          { path: 'body', message: 'JSON không hợp lệ' },
        ]);
      }
      const result = tokenRequest.safeParse(parsed);
      if (!result.success) {
        const details = result.error.issues.map((i) => ({
          path: ['body', ...i.path].join('.'),
          message: i.message,
        }));
        return sendError(res, 400, 'VALIDATION_FAILED', 'Dữ liệu gửi lên không hợp lệ.', details);
      }
      const request = result.data;
      if ('clientId' in request) {
        return sendJson(res, 200, {
          token: await issueLocalMachineToken(options.tokenKey, request.clientId, request.scopes),
        });
      }
      const groups = request.groups.filter(isGroup);
      return sendJson(res, 200, {
        token: await issueLocalToken(options.tokenKey, request.employeeId, groups),
      });
    }
    for (const extension of options.extensions ?? []) {
      const answer = await extension(req, url, text);
      if (answer) return sendJson(res, answer.status, answer.body, answer.headers);
    }

    const matches = compiled
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((m) => m.match !== null);
    const found = matches.find((m) => m.route.method === method);
    if (!found?.match) {
      if (matches.length > 0) {
        return sendError(res, 405, 'METHOD_NOT_ALLOWED', `Đường dẫn này không nhận phương thức ${method}.`);
      }
      return sendError(res, 404, 'NOT_FOUND', 'Không có đường dẫn này.');
    }

    // The route's JWT authorizer runs before any function, as in AWS: the people's on most routes, the machine
    // clients' (with the route's scope) on the feed.
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const token = bearer?.[1];
    const definition = found.route.definition;
    const machines = definition.authorizer === 'machines';
    const claims = !token
      ? null
      : (verifiedTokens.get(machines, token, Date.now()) ??
        verifiedTokens.keep(
          machines,
          token,
          machines
            ? ((await verifyLocalMachineToken(options.tokenKey, token)) ??
                (await options.verifyMachineToken?.(token)) ??
                null)
            : ((await verifyLocalToken(options.tokenKey, token)) ??
                (await options.verifyToken?.(token)) ??
                null),
        ));
    if (!claims) {
      return sendError(res, 401, 'UNAUTHENTICATED', 'Thiếu token, token hết hạn hoặc không hợp lệ.');
    }
    const scopes = machines ? scopesOf(claims) : [];
    if (machines && definition.scope && !scopes.includes(config().machines.scopes[definition.scope])) {
      // API Gateway answers 403 itself when the token lacks the route's scope.
      return sendError(
        res,
        403,
        'FORBIDDEN',
        `Token thiếu phạm vi "${config().machines.scopes[definition.scope]}".`,
      );
    }
    // Known down: answer at once rather than let the request wait for timeouts.
    if (found.route.definition.access !== 'none' && options.engine && !options.engine.isUp()) {
      return sendUnavailable(res, ENGINE_DOWN_MESSAGE);
    }

    const pathParameters: Record<string, string> = {};
    let badEncoding = false;
    found.route.names.forEach((name, i) => {
      try {
        pathParameters[name] = decodeURIComponent(found.match?.[i + 1] ?? '');
      } catch {
        badEncoding = true;
      }
    });
    if (badEncoding) return sendError(res, 400, 'VALIDATION_FAILED', 'Đường dẫn không hợp lệ.');

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams)
      query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
    const requestId = randomUUID();
    const now = new Date();
    const key = routeKey(found.route.definition);
    const event = {
      version: '2.0',
      routeKey: key,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
      pathParameters: found.route.names.length > 0 ? pathParameters : undefined,
      body: text.length > 0 ? text : undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: url.host,
        domainPrefix: 'local',
        requestId,
        routeKey: key,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: req.headers['user-agent'] ?? '',
        },
        authorizer: {
          principalId: '',
          integrationLatency: 0,
          jwt: { claims: authorizerClaims(claims), scopes },
        },
      },
    } as HttpEvent;
    const fn = found.route.definition.function;
    const handler = await handlerFor(fn);
    const result = await handler(event, lambdaContext(fn, requestId));
    res.writeHead(result.statusCode, { ...result.headers, 'x-request-id': requestId });
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  };

  // Requests being handled, so that closing can wait for them.
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let drained: (() => void) | undefined;

  const server = createServer((req, res) => {
    if (draining) return sendUnavailable(res, STOPPING_MESSAGE, { connection: 'close' });
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) drained?.();
    });
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (isServiceUnavailable(error)) return sendUnavailable(res, ENGINE_DOWN_MESSAGE);
      console.error('local server error', error);
      sendError(res, 500, 'INTERNAL_ERROR', 'Lỗi hệ thống; vui lòng thử lại sau.');
    });
  });
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((done) => server.listen(options.port, options.host ?? '127.0.0.1', done));
  const address = server.address() as AddressInfo;

  let closing: Promise<{ finished: number; abandoned: number }> | undefined;
  const close = async (graceMs: number) => {
    draining = true;
    const pending = inFlight.size;
    // Their connections end with their answers.
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    if (inFlight.size > 0) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, graceMs);
        drained = () => {
          clearTimeout(timer);
          done();
        };
      });
    }
    const abandoned = inFlight.size;
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
    return { finished: pending - abandoned, abandoned };
  };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    server,
    drain: (drainOptions = {}) => {
      closing ??= close(drainOptions.graceMs ?? DEFAULT_GRACE_MS);
      return closing;
    },
    close: async () => {
      closing ??= close(DEFAULT_GRACE_MS);
      await closing;
    },
  };
}
