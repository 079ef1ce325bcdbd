/** Lambda: the rubrics endpoints (shared/http/endpoints/rubrics.ts). */
import { rubricEndpoints } from '../../shared/http/endpoints/rubrics.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(rubricEndpoints);
