/**
 * The HTTP side of errors: the contract's statuses for the use cases' error codes, the errors only the HTTP layer
 * raises (authentication, media types, sizes), and the one body shape every error is answered with:
 * `{"error": {"code", "message", "details"}}`. Messages are for users: Vietnamese.
 */
import type { AppErrorCode } from '../domain/errors.ts';
import type { Problem } from '../domain/types.ts';

export const HTTP_ERROR_CODES = [
  'UNAUTHENTICATED',
  'METHOD_NOT_ALLOWED',
  'NOT_ACCEPTABLE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL_ERROR',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];
export type ErrorCode = AppErrorCode | HttpErrorCode;

export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  INVALID_TRANSITION: 409,
  QUOTA_EXCEEDED: 409,
  DEADLINE_PASSED: 409,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** An error only the HTTP layer can raise (the use cases know nothing of tokens, bodies or media types). */
export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 2;

export function errorResponse(code: ErrorCode, message: string, details: readonly Problem[] = []) {
  return {
    statusCode: ERROR_STATUS[code],
    headers: {
      'content-type': JSON_TYPE,
      ...(code === 'SERVICE_UNAVAILABLE' ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}),
    } as Record<string, string>,
    body: JSON.stringify({ error: { code, message, details } }),
  };
}

/**
 * Whether an error says that a dependency cannot answer now (DynamoDB throttling or unavailable, the local engine
 * down or frozen, a connection refused or reset): the request may succeed if retried, so it is a 503, not a 500.
 */
export function isServiceUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const names = [
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'ServiceUnavailable',
    'ServiceUnavailableException',
    'InternalServerError',
    'LimitExceededException',
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
  ];
  if (names.includes(error.name)) return true;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)
  )
    return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 503) return true;
  // The SDK wraps socket failures; the cause keeps the code.
  return error.cause !== undefined && error.cause !== error && isServiceUnavailable(error.cause);
}
