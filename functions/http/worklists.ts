/** Lambda (read-only): the caller, pending work, review and approval inboxes. */
import { readApprovals, readMe, readReviews } from '../../shared/app/worklists.ts';
import { httpHandler } from '../../shared/http/handler.ts';

export const handler = httpHandler({
  'GET /v1/me': async (req) => ({ body: await readMe(req) }),
  'GET /v1/reviews': async (req) => ({ body: await readReviews(req, req.query.period) }),
  'GET /v1/approvals': async (req) => ({ body: await readApprovals(req, req.query.period) }),
});
