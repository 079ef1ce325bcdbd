/** Lambda: evaluation reads and every transition. */
import {
  type Caller,
  readEmployeeYear,
  readEvaluation,
  readHistory,
  transitionAndPresent,
} from '../../shared/app/evaluations.ts';
import { bulkApprove } from '../../shared/app/worklists.ts';
import type { Action } from '../../shared/domain/types.ts';
import { httpHandler } from '../../shared/http/handler.ts';

/** One transition on the evaluation named by the path, honouring If-Match. */
const act = async (
  req: Caller & { params: { employeeId: string; period: string }; ifMatch: number | null },
  action: Action,
) => ({ body: await transitionAndPresent(req, req.params.employeeId, req.params.period, action, req) });

export const handler = httpHandler({
  'GET /v1/evaluations/{employeeId}/{period}': async (req) => ({
    body: await readEvaluation(req, req.params.employeeId, req.params.period),
  }),
  'PUT /v1/evaluations/{employeeId}/{period}/self-assessment': (req) =>
    act(req, { type: 'saveSelfAssessment', scores: req.body.scores, comment: req.body.comment ?? null }),
  'POST /v1/evaluations/{employeeId}/{period}/submit': (req) => act(req, { type: 'submit' }),
  'POST /v1/evaluations/{employeeId}/{period}/review': (req) =>
    act(req, { type: 'review', scores: req.body.scores, comment: req.body.comment ?? null }),
  'POST /v1/evaluations/{employeeId}/{period}/return': (req) =>
    act(req, { type: 'return', comment: req.body.comment }),
  'POST /v1/evaluations/{employeeId}/{period}/approve': (req) =>
    act(req, { type: 'approve', scores: req.body.scores ?? null, comment: req.body.comment ?? null }),
  'POST /v1/evaluations/{employeeId}/{period}/appeal': (req) =>
    act(req, { type: 'appeal', reason: req.body.reason }),
  'POST /v1/evaluations/{employeeId}/{period}/appeal/decision': (req) =>
    act(req, {
      type: 'decideAppeal',
      accept: req.body.accept,
      scores: req.body.scores ?? null,
      comment: req.body.comment,
    }),
  'GET /v1/evaluations/{employeeId}/{period}/history': async (req) => ({
    body: await readHistory(req, req.params.employeeId, req.params.period),
  }),
  'GET /v1/employees/{employeeId}/evaluations': async (req) => ({
    body: await readEmployeeYear(req, req.params.employeeId, req.query.year),
  }),
  'POST /v1/approvals/bulk': async (req) => ({
    body: await bulkApprove(req, req.body.period, req.body.items),
  }),
});
