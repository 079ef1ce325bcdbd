/**
 * The request, checked in an order that reveals nothing to a caller without the right: the path and query
 * (400), then who may call the endpoint (403, or 404 where existence must not leak), then the headers that
 * qualify the request (If-Match) and the body: its size (413), media type (415), JSON (400) and schema (400).
 */
import type middy from '@middy/core';
import type * as z from 'zod';
import { Access } from '../../app/access.ts';
import { authorizeAction } from '../../app/evaluations.ts';
import { requireHrOrAdmin, requirePeriodManager } from '../../app/periods/periods.ts';
import { requireRubricAdmin } from '../../app/rubrics.ts';
import { config } from '../../config.ts';
import { AppError, validationFailed } from '../../domain/errors.ts';
import type { Authorization } from '../endpoint.ts';
import { HttpError } from '../errors.ts';
import type { HttpContext, HttpEvent, HttpResult, HttpState } from '../state.ts';
import { stateOf } from '../state.ts';

export const MAX_BODY_BYTES = 256 * 1024;

function zodProblems(error: z.ZodError, prefix: string) {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

function parseWith(schema: z.ZodType | undefined, value: unknown, prefix: string): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(zodProblems(result.error, prefix));
  return result.data;
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

/** Who may call the endpoint, checked before the body is read. */
async function authorize(rule: Authorization, state: HttpState): Promise<void> {
  const caller = state.caller;
  if (!caller) throw new Error('authorize before authenticate');
  switch (rule.who) {
    case 'admin':
      return requireRubricAdmin(caller);
    case 'hr-or-admin':
      return requireHrOrAdmin(Access.of(caller));
    case 'period-manager':
      return requirePeriodManager(Access.of(caller));
    case 'evaluation': {
      if (!rule.action) return;
      const { employeeId, period } = state.params as { employeeId: string; period: string };
      return authorizeAction(caller, employeeId, period, rule.action);
    }
    case 'client': {
      // API Gateway's authorizer requires the scope on this route already; a person's token never reaches here.
      const wanted = config().machines.scopes[rule.scope];
      if (!caller.principal.client?.scopes.includes(wanted)) {
        throw new AppError('FORBIDDEN', `Token của ứng dụng thiếu phạm vi "${wanted}".`);
      }
      return;
    }
    case 'anyone':
    case 'scoped':
      return;
  }
}

function readBody(event: HttpEvent, state: HttpState): { json: unknown; csv: string | null } {
  const { endpoint, headers } = state;
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpError('PAYLOAD_TOO_LARGE', 'Dữ liệu gửi lên vượt quá 256 KB.');
  }
  if (!endpoint.body) {
    if (raw.trim().length > 0)
      throw validationFailed([{ path: 'body', message: 'Yêu cầu này không nhận nội dung.' }]);
    return { json: undefined, csv: null };
  }
  if (raw.trim().length === 0) return { json: {}, csv: null };
  const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (endpoint.csvBody && mediaType === 'text/csv') return { json: undefined, csv: raw };
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    const accepted = endpoint.csvBody ? 'application/json hoặc text/csv' : 'application/json';
    throw new HttpError('UNSUPPORTED_MEDIA_TYPE', `Content-Type phải là ${accepted}.`);
  }
  try {
    return { json: JSON.parse(raw), csv: null };
  } catch {
    throw validationFailed([{ path: 'body', message: 'Nội dung không phải JSON hợp lệ.' }]);
  }
}

export function parseRequest(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HttpContext> {
  return {
    before: async (request) => {
      const state = stateOf(request.context);
      const { endpoint } = state;
      state.params = parseWith(endpoint.params, request.event.pathParameters ?? {}, 'params');
      state.query = parseWith(endpoint.query, request.event.queryStringParameters ?? {}, 'query');
      await authorize(endpoint.authorization, state);
      state.ifMatch = parseIfMatch(state.headers['if-match']);
      const { json, csv } = readBody(request.event, state);
      state.csv = csv;
      state.body = csv === null && endpoint.body ? parseWith(endpoint.body, json, 'body') : {};
    },
  };
}
