/** Lambda: rubrics and their versions. */
import { createRubricVersion, readRubric, readRubrics } from '../../shared/app/rubrics.ts';
import { httpHandler } from '../../shared/http/handler.ts';

export const handler = httpHandler({
  'GET /v1/rubrics': async (req) => ({ body: await readRubrics(req) }),
  'GET /v1/rubrics/{rubricId}': async (req) => ({ body: await readRubric(req, req.params.rubricId) }),
  'PUT /v1/rubrics/{rubricId}': async (req) => ({
    body: await createRubricVersion(req, req.params.rubricId, req.body),
  }),
});
