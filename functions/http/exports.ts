/** Lambda: the exports endpoints (shared/http/endpoints/exports.ts). */
import { exportEndpoints } from '../../shared/http/endpoints/exports.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(exportEndpoints);
