/** Lambda (no table access): the OpenAPI document, built once per cold start. */
import { httpHandler } from '../../shared/http/handler.ts';
import { buildOpenApi } from '../../shared/http/openapi.ts';

const document = buildOpenApi();

export const handler = httpHandler({
  'GET /v1/openapi.json': async () => ({ body: document }),
});
