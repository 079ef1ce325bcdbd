/** Lambda: the OpenAPI document, generated from every endpoint definition. */
import { lambdaHandler } from '../../shared/http/handler.ts';
import { docsEndpoint } from '../../shared/http/routes.ts';

export const handler = lambdaHandler([docsEndpoint]);
