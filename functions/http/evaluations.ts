/** Lambda: the evaluations endpoints (shared/http/endpoints/evaluations.ts). */
import { evaluationEndpoints } from '../../shared/http/endpoints/evaluations.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(evaluationEndpoints);
