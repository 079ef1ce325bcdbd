/** Lambda: evaluation reads and every transition. */
import {
  readEmployeeYear,
  readEvaluation,
  readHistory,
  transitionAndPresent,
} from '../../shared/app/evaluations.ts';
import { bulkApprove } from '../../shared/app/worklists.ts';
import { httpHandler } from '../../shared/http/handler.ts';

export const handler = httpHandler({
  'GET /v1/evaluations/{employeeId}/{period}': async (req) => ({
    body: await readEvaluation(req, req.params.employeeId, req.params.period),
  }),
  'PUT /v1/evaluations/{employeeId}/{period}/self-assessment': async (req) => ({
    body: await transitionAndPresent(
      req,
      req.params.employeeId,
      req.params.period,
      { type: 'saveSelfAssessment', scores: req.body.scores, comment: req.body.comment ?? null },
      req,
    ),
  }),
  'POST /v1/evaluations/{employeeId}/{period}/submit': async (req) => ({
    body: await transitionAndPresent(req, req.params.employeeId, req.params.period, { type: 'submit' }, req),
  }),
  'POST /v1/evaluations/{employeeId}/{period}/review': async (req) => ({
    body: await transitionAndPresent(
      req,
      req.params.employeeId,
      req.params.period,
      { type: 'review', scores: req.body.scores, comment: req.body.comment ?? null },
      req,
    ),
  }),
  'POST /v1/evaluations/{employeeId}/{period}/return': async (req) => ({
    body: await transitionAndPresent(
      req,
      req.params.employeeId,
      req.params.period,
      { type: 'return', comment: req.body.comment },
      req,
    ),
  }),
  'POST /v1/evaluations/{employeeId}/{period}/approve': async (req) => ({
    body: await transitionAndPresent(
      req,
      req.params.employeeId,
      req.params.period,
      { type: 'approve', scores: req.body.scores ?? null, comment: req.body.comment ?? null },
      req,
    ),
  }),
  'POST /v1/evaluations/{employeeId}/{period}/appeal': async (req) => ({
    body: await transitionAndPresent(
      req,
      req.params.employeeId,
      req.params.period,
      { type: 'appeal', reason: req.body.reason },
      req,
    ),
  }),
  'POST /v1/evaluations/{employeeId}/{period}/appeal/decision': async (req) => ({
    body: await transitionAndPresent(
      req,
      req.params.employeeId,
      req.params.period,
      {
        type: 'decideAppeal',
        accept: req.body.accept,
        scores: req.body.scores ?? null,
        comment: req.body.comment,
      },
      req,
    ),
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
