/**
 * The error vocabulary of the HTTP contract. Use cases throw `ApiError`; the error middleware turns it into
 * `{"error": {"code", "message", "details"}}` with the status below. Messages are for users: Vietnamese.
 */
import type { Problem } from '../domain/types.ts';

export const ERROR_STATUS = {
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
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export const validationFailed = (details: Problem[], message = 'Dữ liệu gửi lên không hợp lệ.') =>
  new ApiError('VALIDATION_FAILED', message, details);
export const forbidden = (message = 'Bạn không có quyền thực hiện thao tác này.') =>
  new ApiError('FORBIDDEN', message);
export const notFound = (message = 'Không tìm thấy tài nguyên.') => new ApiError('NOT_FOUND', message);
export const conflict = (message: string) => new ApiError('CONFLICT', message);
