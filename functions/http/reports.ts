/** Lambda: the reports endpoints (shared/http/endpoints/reports.ts). */
import { reportEndpoints } from '../../shared/http/endpoints/reports.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(reportEndpoints);
