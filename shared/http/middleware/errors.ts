/**
 * The error mapper, last of the chain: every error becomes the contract's error shape with its status. A refusal
 * of a use case (`AppError`) or of the HTTP layer (`HttpError`) keeps its code; a dependency that cannot answer now
 * is 503 with Retry-After; anything else is a bug: logged (no request body, no personal data) and answered 500
 * without internals.
 */
import type middy from '@middy/core';
import { AppError } from '../../domain/errors.ts';
import { logger } from '../../observability.ts';
import { errorResponse, HttpError, isServiceUnavailable } from '../errors.ts';
import type { HttpContext, HttpEvent, HttpResult } from '../state.ts';

/** The answer for an error a client can act on (4xx, 503); null for a bug. */
export function knownErrorResult(error: unknown): HttpResult | null {
  if (error instanceof AppError || error instanceof HttpError)
    return errorResponse(error.code, error.message, error.details);
  if (isServiceUnavailable(error))
    return errorResponse(
      'SERVICE_UNAVAILABLE',
      'Hệ thống đang tạm thời không phục vụ được; vui lòng thử lại sau giây lát.',
    );
  return null;
}

export function errorMapper(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HttpContext> {
  return {
    onError: async (request) => {
      if (request.response !== undefined && request.response !== null) return;
      const known = knownErrorResult(request.error);
      if (known) {
        if (known.statusCode >= 500) logger.warn('dependency unavailable', { error: request.error as Error });
        request.response = known;
        return;
      }
      logger.error('unhandled error', { routeKey: request.event.routeKey, error: request.error as Error });
      request.response = errorResponse('INTERNAL_ERROR', 'Lỗi hệ thống; vui lòng thử lại sau.');
    },
  };
}
