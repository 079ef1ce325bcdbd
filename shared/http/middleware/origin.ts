/**
 * In AWS the API is reached through CloudFront, which adds a secret header on its way to the API's origin; a
 * request without it came to the API's own URL directly and is refused before anything else is looked at.
 * Without a configured secret (locally) there is nothing to check.
 */
import { timingSafeEqual } from 'node:crypto';
import type middy from '@middy/core';
import { AppError } from '../../domain/errors.ts';
import type { HttpContext, HttpEvent, HttpResult } from '../state.ts';
import { stateOf } from '../state.ts';

export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

export function originVerify(
  secret: string | undefined,
): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HttpContext> {
  const expected = secret ? Buffer.from(secret) : null;
  return {
    before: async (request) => {
      if (!expected) return;
      const sent = Buffer.from(stateOf(request.context).headers[ORIGIN_VERIFY_HEADER] ?? '');
      if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
        throw new AppError('FORBIDDEN', 'Yêu cầu phải đi qua địa chỉ chính thức của hệ thống.');
      }
    },
  };
}
