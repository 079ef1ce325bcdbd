/**
 * The local HTTP server: turns each request into the API Gateway HTTP API (payload 2.0) event that AWS would
 * send, with the claims its JWT authorizer would add, and calls the very handler the Lambda runs. Routes come
 * from the shared route table, so local and cloud dispatch cannot drift. `/local/*` routes exist only here.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { idSchema } from '../../shared/app/inputs.ts';
import { config } from '../../shared/config.ts';
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
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
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
) {
  sendJson(res, status, { error: { code, message, details } });
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

export async function startLocalServer(options: LocalServerOptions): Promise<RunningServer> {
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const { text, tooLarge } = await readBody(req);
    if (tooLarge) return sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'Dữ liệu gửi lên vượt quá 256 KB.');

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
      : machines
        ? ((await verifyLocalMachineToken(options.tokenKey, token)) ??
          (await options.verifyMachineToken?.(token)) ??
          null)
        : ((await verifyLocalToken(options.tokenKey, token)) ?? (await options.verifyToken?.(token)) ?? null);
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

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('local server error', error);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_ERROR', 'Lỗi hệ thống; vui lòng thử lại sau.');
      else res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((done) => server.listen(options.port, options.host ?? '127.0.0.1', done));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
