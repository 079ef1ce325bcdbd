/** Lambda: the org endpoints (shared/http/endpoints/org.ts). */
import { orgEndpoints } from '../../shared/http/endpoints/org.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(orgEndpoints);
