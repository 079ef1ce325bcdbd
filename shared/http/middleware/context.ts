/**
 * First of the chain: finds the endpoint the route key names, and puts the request's correlation id (API
 * Gateway's request id) and route on every log line of the invocation.
 */
import type middy from '@middy/core';
import { notFound } from '../../domain/errors.ts';
import { logger } from '../../observability.ts';
import { type AnyEndpoint, routeKey } from '../endpoint.ts';
import type { HttpContext, HttpEvent, HttpResult } from '../state.ts';

export function requestContext(
  endpoints: readonly AnyEndpoint[],
): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HttpContext> {
  const byKey = new Map(endpoints.map((e) => [routeKey(e), e]));
  return {
    before: async (request) => {
      const event = request.event;
      logger.setCorrelationId(event.requestContext?.requestId);
      logger.appendKeys({ routeKey: event.routeKey });
      const endpoint = byKey.get(event.routeKey);
      if (!endpoint) throw notFound('Không có đường dẫn này.');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(event.headers ?? {}))
        if (value !== undefined) headers[name.toLowerCase()] = value;
      request.context.http = {
        endpoint,
        headers,
        csv: null,
        ifMatch: null,
        wantsCsv: (headers.accept ?? '').toLowerCase().includes('text/csv'),
        receiptFor: null,
        itemReceipts: null,
      };
    },
  };
}
