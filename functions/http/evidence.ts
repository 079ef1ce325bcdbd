/** Lambda: the evidence endpoints (shared/http/endpoints/evidence.ts). */
import { evidenceEndpoints } from '../../shared/http/endpoints/evidence.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(evidenceEndpoints);
