/**
 * The HTTP adapter shared by every API function: a middy handler that authenticates, parses and validates the
 * request against the contract's schemas, applies `Idempotency-Key`, calls the route's use case and maps the
 * result or error to the contract's response shapes. Handlers stay thin: they name a route key and a function.
 */
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod';
import { type Principal, principalFromEvent } from '../auth/principal.ts';
import { type Db, db as processDb } from '../store/client.ts';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  type StoredResponse,
} from '../store/idempotency.ts';
import { contract, type RouteKey } from './contract.ts';
import { ApiError, validationFailed } from './errors.ts';

export const MAX_BODY_BYTES = 256 * 1024;
export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'danh-gia' });

type Schemas<K extends RouteKey> = (typeof contract)[K];
type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface Request<K extends RouteKey> {
  routeKey: K;
  principal: Principal;
  params: Out<Schemas<K> extends { params: infer P } ? P : undefined>;
  query: Out<Schemas<K> extends { query: infer Q } ? Q : undefined>;
  body: Out<Schemas<K> extends { body: infer B } ? B : undefined>;
  /** The raw text of a CSV body, when the route accepts one and it was sent. */
  csv: string | null;
  /** The version named by `If-Match`, when sent. */
  ifMatch: number | null;
  /** The client asked for CSV (`Accept: text/csv`). */
  wantsCsv: boolean;
  now: Date;
  db: Db;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A CSV reply: UTF-8 with a byte-order mark so that Excel opens Vietnamese text correctly. */
export function csvReply(csv: string, filename: string): Reply {
  return {
    body: { __raw: `\uFEFF${csv}` },
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  };
}

/** A binary download (e.g. XLSX): base64 in the Lambda result, as API Gateway expects for binary bodies. */
export function binaryReply(content: Uint8Array, contentType: string, filename: string): Reply {
  return {
    body: { __raw: Buffer.from(content).toString('base64'), __base64: true },
    headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${filename}"` },
  };
}

export type Operations = { [K in RouteKey]?: (req: Request<K>) => Promise<Reply> };

const JSON_TYPE = 'application/json; charset=utf-8';

function errorResult(error: ApiError): HttpResult {
  return {
    statusCode: error.status,
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } }),
  };
}

function toResult(reply: Reply): HttpResult {
  const headers: Record<string, string> = { ...reply.headers };
  const raw = (reply.body as { __raw?: unknown; __base64?: boolean } | null)?.__raw;
  if (typeof raw === 'string') {
    const isBase64Encoded = (reply.body as { __base64?: boolean }).__base64 === true;
    return { statusCode: reply.status ?? 200, headers, body: raw, isBase64Encoded };
  }
  headers['content-type'] ??= JSON_TYPE;
  const version = (reply.body as { version?: unknown } | null)?.version;
  if (typeof version === 'number') headers.etag = `"${version}"`;
  return { statusCode: reply.status ?? 200, headers, body: JSON.stringify(reply.body) };
}

function zodProblems(error: z.ZodError, prefix: string) {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

function parseWith<S extends z.ZodType | undefined>(schema: S, value: unknown, prefix: string): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(zodProblems(result.error, prefix));
  return result.data;
}

function lowerHeaders(headers: HttpEvent['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

function parseIfMatch(header: string | undefined): number | null {
  // `*` matches any current version (RFC 9110): the same as sending no precondition.
  if (header === undefined || header.trim() === '*') return null;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match?.[1]) {
    throw validationFailed([
      { path: 'headers.if-match', message: 'If-Match phải là số phiên bản, ví dụ "3".' },
    ]);
  }
  return Number(match[1]);
}

function readBody(
  event: HttpEvent,
  headers: Record<string, string>,
  schemas: { body?: z.ZodType; csvBody?: boolean },
): { json: unknown; csv: string | null } {
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new ApiError('PAYLOAD_TOO_LARGE', 'Dữ liệu gửi lên vượt quá 256 KB.');
  }
  if (!schemas.body) {
    if (raw.trim().length > 0)
      throw validationFailed([{ path: 'body', message: 'Yêu cầu này không nhận nội dung.' }]);
    return { json: undefined, csv: null };
  }
  if (raw.trim().length === 0) return { json: {}, csv: null };
  const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (schemas.csvBody && mediaType === 'text/csv') return { json: undefined, csv: raw };
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    const accepted = schemas.csvBody ? 'application/json hoặc text/csv' : 'application/json';
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Content-Type phải là ${accepted}.`);
  }
  try {
    return { json: JSON.parse(raw), csv: null };
  } catch {
    throw validationFailed([{ path: 'body', message: 'Nội dung không phải JSON hợp lệ.' }]);
  }
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

async function withIdempotency(
  event: HttpEvent,
  headers: Record<string, string>,
  principal: Principal,
  database: () => Db,
  run: () => Promise<HttpResult>,
): Promise<HttpResult> {
  const key = headers['idempotency-key'];
  if (event.requestContext.http.method !== 'POST' || key === undefined) return run();
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw validationFailed([
      { path: 'headers.idempotency-key', message: 'Idempotency-Key gồm 1–128 ký tự [A-Za-z0-9._:-].' },
    ]);
  }
  const hash = createHash('sha256')
    .update(`${event.routeKey}\n${event.rawPath}\n${event.body ?? ''}`)
    .digest('base64url');
  const db = database();
  const claim = await claimIdempotencyKey(db, principal.employeeId, key, hash, Date.now());
  if (claim.kind === 'replay') {
    return { ...claim.response, headers: { ...claim.response.headers, 'idempotent-replayed': 'true' } };
  }
  if (claim.kind === 'mismatch') {
    throw new ApiError('CONFLICT', 'Idempotency-Key này đã được dùng cho một yêu cầu khác.');
  }
  if (claim.kind === 'in-progress') {
    throw new ApiError('CONFLICT', 'Yêu cầu với Idempotency-Key này đang được xử lý; hãy thử lại sau.');
  }
  let result: HttpResult;
  try {
    result = await run();
  } catch (error) {
    // Client errors are answers too: a retry must get the same one. Anything else frees the key for a retry.
    if (error instanceof ApiError && error.status < 500) result = errorResult(error);
    else {
      await releaseIdempotencyKey(db, principal.employeeId, key);
      throw error;
    }
  }
  if (result.statusCode >= 500) await releaseIdempotencyKey(db, principal.employeeId, key);
  else {
    const stored: StoredResponse = {
      statusCode: result.statusCode,
      headers: result.headers,
      body: result.body,
    };
    await completeIdempotencyKey(db, principal.employeeId, key, hash, stored, Date.now());
  }
  return result;
}

/** Network failures and timeouts on the way to the database (or its own 503): try again later, not a bug. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
export function isServiceUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as { code?: unknown; $metadata?: { httpStatusCode?: number } };
  return (
    error.name === 'TimeoutError' ||
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    $metadata?.httpStatusCode === 503
  );
}

export function httpHandler(operations: Operations, options: { database?: () => Db } = {}) {
  const database = options.database ?? processDb;
  const base = async (event: HttpEvent): Promise<HttpResult> => {
    const routeKey = event.routeKey as RouteKey;
    const operation = operations[routeKey] as ((req: Request<RouteKey>) => Promise<Reply>) | undefined;
    if (!operation) throw new ApiError('NOT_FOUND', 'Không có đường dẫn này.');
    const principal = principalFromEvent(event);
    if (!principal) throw new ApiError('UNAUTHENTICATED', 'Cần đăng nhập (Authorization: Bearer <token>).');
    const schemas: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; csvBody?: boolean } =
      contract[routeKey];
    const headers = lowerHeaders(event.headers);
    const params = parseWith(schemas.params, event.pathParameters ?? {}, 'params');
    const query = parseWith(schemas.query, event.queryStringParameters ?? {}, 'query');
    const ifMatch = parseIfMatch(headers['if-match']);
    const { json, csv } = readBody(event, headers, schemas);
    const body = csv === null ? parseWith(schemas.body, json, 'body') : {};
    // Resolved on first use: the docs function has no table and never asks for one.
    return withIdempotency(event, headers, principal, database, async () =>
      toResult(
        await operation({
          routeKey,
          principal,
          params,
          query,
          body,
          csv,
          ifMatch,
          wantsCsv: (headers.accept ?? '').toLowerCase().includes('text/csv'),
          now: new Date(),
          get db() {
            return database();
          },
        } as Request<RouteKey>),
      ),
    );
  };

  return middy<HttpEvent, HttpResult, Error, Context>(base).onError(async (request) => {
    const error = request.error;
    if (error instanceof ApiError) {
      request.response = errorResult(error);
      return;
    }
    if (isServiceUnavailable(error)) {
      logger.warn('database unavailable', { routeKey: request.event.routeKey, error: error as Error });
      const unavailable = errorResult(
        new ApiError(
          'SERVICE_UNAVAILABLE',
          'Cơ sở dữ liệu tạm thời không trả lời; vui lòng thử lại sau ít giây.',
        ),
      );
      request.response = { ...unavailable, headers: { ...unavailable.headers, 'retry-after': '3' } };
      return;
    }
    // Internals never reach the client: log the error (no request body, no personal data) and answer plainly.
    logger.error('unhandled error', { routeKey: request.event.routeKey, error: error as Error });
    request.response = errorResult(new ApiError('INTERNAL_ERROR', 'Lỗi hệ thống; vui lòng thử lại sau.'));
  });
}
