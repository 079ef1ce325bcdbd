/** Lambda: the worklists endpoints (shared/http/endpoints/worklists.ts). */
import { worklistEndpoints } from '../../shared/http/endpoints/worklists.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(worklistEndpoints);
