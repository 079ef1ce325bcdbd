/** A handler's reply as the Lambda result API Gateway expects: JSON (with an ETag for versioned resources), or raw. */
import type { Reply } from './endpoint.ts';
import { JSON_TYPE } from './errors.ts';
import type { HttpResult } from './state.ts';

export function toResult(reply: Reply): HttpResult {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.raw) {
    return {
      statusCode: reply.status ?? 200,
      headers,
      body: reply.raw.text,
      isBase64Encoded: reply.raw.base64 === true,
    };
  }
  headers['content-type'] ??= JSON_TYPE;
  const version = (reply.body as { version?: unknown } | null)?.version;
  if (typeof version === 'number') headers.etag = `"${version}"`;
  return { statusCode: reply.status ?? 200, headers, body: JSON.stringify(reply.body) };
}
