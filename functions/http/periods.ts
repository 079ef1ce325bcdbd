/** Lambda: the periods endpoints (shared/http/endpoints/periods.ts). */
import { periodEndpoints } from '../../shared/http/endpoints/periods.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(periodEndpoints);
