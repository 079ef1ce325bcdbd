/**
 * The errors a rule or a use case raises. They carry a code from the contract's vocabulary and a message for
 * users (Vietnamese); they never carry an HTTP status: the HTTP adapter alone maps codes to statuses
 * (shared/http/errors.ts). Conventions across the layers:
 * - the rules engine (domain) returns results (`{ok: false, code, message}`) and never throws;
 * - the store returns typed outcomes for the races it expects (`'written' | 'stale' | …`);
 * - use cases throw `AppError` when they refuse a request;
 * - a plain `Error` is a bug or a broken invariant, and the adapters answer it as an internal error.
 */
import type { Problem } from './types.ts';

export const APP_ERROR_CODES = [
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'QUOTA_EXCEEDED',
  'DEADLINE_PASSED',
  'CONFLICT',
  'PRECONDITION_FAILED',
  /** A dependency (the database, a provider) cannot answer now; the same request may succeed later. */
  'SERVICE_UNAVAILABLE',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationFailed = (details: Problem[], message = 'Dữ liệu gửi lên không hợp lệ.') =>
  new AppError('VALIDATION_FAILED', message, details);
export const forbidden = (message = 'Bạn không có quyền thực hiện thao tác này.') =>
  new AppError('FORBIDDEN', message);
export const notFound = (message = 'Không tìm thấy tài nguyên.') => new AppError('NOT_FOUND', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);
