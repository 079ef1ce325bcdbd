/** Evaluation reads and every transition; bulk approval. */
import * as z from 'zod';
import type { Caller } from '../../app/caller.ts';
import {
  readEmployeeYear,
  readEvaluation,
  readHistory,
  transitionAndPresent,
} from '../../app/evaluations.ts';
import {
  appealBody,
  appealDecisionBody,
  approveBody,
  bulkApprovalBody,
  emptyBody,
  idSchema,
  periodSchema,
  returnBody,
  reviewBody,
  selfAssessmentBody,
  yearSchema,
} from '../../app/inputs.ts';
import type { PresentedEvaluation } from '../../app/present.ts';
import { type BulkItemOutcome, bulkApprove } from '../../app/worklists.ts';
import { AppError } from '../../domain/errors.ts';
import type { Action, Problem } from '../../domain/types.ts';
import { count, METRIC } from '../../observability.ts';
import { type Authorization, endpoint, type ItemReceipts, type Request } from '../endpoint.ts';
import { ERROR_STATUS } from '../errors.ts';

const params = z.strictObject({ employeeId: idSchema, period: periodSchema });
type EvaluationRequest = Request<{ employeeId: string; period: string }, unknown, unknown>;

/** What the dashboard counts of each transition (the month's progress per day). */
const PROGRESS: Partial<Record<Action['type'], string>> = {
  submit: METRIC.submissions,
  review: METRIC.reviews,
  approve: METRIC.approvals,
  return: METRIC.returns,
};
/** The flag an action raises when it is done after its deadline. */
const LATE_FLAG: Partial<Record<Action['type'], keyof PresentedEvaluation['flags']>> = {
  submit: 'lateSelfAssessment',
  review: 'lateReview',
  approve: 'lateApproval',
};

/** One transition on the evaluation named by the path, honouring If-Match and the Idempotency-Key. */
const act = async (req: EvaluationRequest, action: Action) => {
  const evaluation = await transitionAndPresent(
    req.caller as Caller,
    req.params.employeeId,
    req.params.period,
    action,
    { ifMatch: req.ifMatch, receiptFor: req.receiptFor },
  ).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'QUOTA_EXCEEDED') count(METRIC.quotaRefusals);
    throw error;
  });
  const progress = PROGRESS[action.type];
  if (progress) count(progress);
  const late = LATE_FLAG[action.type];
  if (late && evaluation.flags[late]) count(METRIC.lateActions);
  return { body: evaluation };
};

type BulkItem =
  | { employeeId: string; status: number; evaluation: PresentedEvaluation }
  | { employeeId: string; status: number; error: { code: string; message: string; details: Problem[] } };

type BulkItemError = { code: string; message: string; details: Problem[] };

/** One item's answer as the contract shapes it: its status, and the evaluation or the error. */
async function bulkItem(outcome: BulkItemOutcome, receipts: ItemReceipts | null): Promise<BulkItem> {
  if ('replayed' in outcome) {
    // An answer kept by an earlier attempt of this request: the evaluation, or `{error}`, as it was sent then.
    const { statusCode, body } = outcome.replayed as { statusCode: number; body: unknown };
    return statusCode === 200
      ? { employeeId: outcome.employeeId, status: 200, evaluation: body as PresentedEvaluation }
      : {
          employeeId: outcome.employeeId,
          status: statusCode,
          error: (body as { error: BulkItemError }).error,
        };
  }
  if ('evaluation' in outcome)
    return { employeeId: outcome.employeeId, status: 200, evaluation: outcome.evaluation };
  const { code, message, details } = outcome.error;
  const status = ERROR_STATUS[code];
  const error = { code, message, details };
  // A refusal is this item's answer: a retry of the request gets it again.
  await receipts?.keep(outcome.employeeId, status, { error });
  return { employeeId: outcome.employeeId, status, error };
}

export function presentBulk(period: string, items: BulkItem[]) {
  return {
    period,
    approved: items.filter((o) => o.status === 200).length,
    failed: items.filter((o) => o.status !== 200).length,
    items,
  };
}

const by = (action: Action['type']): Authorization => ({ who: 'evaluation', action });
const scores = { discipline: 18, duties: 62.5, bonus: 5 };
const E = '/v1/evaluations/{employeeId}/{period}';

export const evaluationEndpoints = [
  endpoint({
    method: 'GET',
    path: E,
    function: 'evaluations',
    access: 'read',
    summary: 'Read an evaluation',
    params,
    authorization: { who: 'evaluation' },
    handler: async (req) => ({
      body: await readEvaluation(req.caller, req.params.employeeId, req.params.period),
    }),
  }),
  endpoint({
    method: 'PUT',
    path: `${E}/self-assessment`,
    function: 'evaluations',
    access: 'write',
    summary: 'Save the self-assessment',
    params,
    body: selfAssessmentBody,
    authorization: by('saveSelfAssessment'),
    receiptWithChange: true,
    example: { body: { scores, comment: 'Hoàn thành tốt nhiệm vụ tháng này.' } },
    handler: (req) =>
      act(req, { type: 'saveSelfAssessment', scores: req.body.scores, comment: req.body.comment ?? null }),
  }),
  endpoint({
    method: 'POST',
    path: `${E}/submit`,
    function: 'evaluations',
    access: 'write',
    summary: 'Submit the self-assessment',
    params,
    body: emptyBody,
    authorization: by('submit'),
    receiptWithChange: true,
    handler: (req) => act(req, { type: 'submit' }),
  }),
  endpoint({
    method: 'POST',
    path: `${E}/review`,
    function: 'evaluations',
    access: 'write',
    summary: 'Review and score',
    params,
    body: reviewBody,
    authorization: by('review'),
    receiptWithChange: true,
    example: { body: { scores, comment: 'Đồng ý với bản tự đánh giá.' } },
    handler: (req) =>
      act(req, { type: 'review', scores: req.body.scores, comment: req.body.comment ?? null }),
  }),
  endpoint({
    method: 'POST',
    path: `${E}/return`,
    function: 'evaluations',
    access: 'write',
    summary: 'Return with a comment',
    params,
    body: returnBody,
    authorization: by('return'),
    receiptWithChange: true,
    example: { body: { comment: 'Đề nghị bổ sung minh chứng kết quả công việc.' } },
    handler: (req) => act(req, { type: 'return', comment: req.body.comment }),
  }),
  endpoint({
    method: 'POST',
    path: `${E}/approve`,
    function: 'evaluations',
    access: 'write',
    summary: 'Approve the final grade',
    params,
    body: approveBody,
    authorization: by('approve'),
    receiptWithChange: true,
    example: { body: {} },
    handler: (req) =>
      act(req, { type: 'approve', scores: req.body.scores ?? null, comment: req.body.comment ?? null }),
  }),
  endpoint({
    method: 'POST',
    path: `${E}/appeal`,
    function: 'evaluations',
    access: 'write',
    summary: 'Appeal an approved result',
    params,
    body: appealBody,
    authorization: by('appeal'),
    receiptWithChange: true,
    example: { body: { reason: 'Đề nghị xem xét lại điểm tiêu chí kết quả thực hiện nhiệm vụ.' } },
    handler: (req) => act(req, { type: 'appeal', reason: req.body.reason }),
  }),
  endpoint({
    method: 'POST',
    path: `${E}/appeal/decision`,
    function: 'evaluations',
    access: 'write',
    summary: 'Decide an appeal',
    params,
    body: appealDecisionBody,
    authorization: by('decideAppeal'),
    receiptWithChange: true,
    example: { body: { accept: false, comment: 'Giữ nguyên kết quả đã phê duyệt.' } },
    handler: (req) =>
      act(req, {
        type: 'decideAppeal',
        accept: req.body.accept,
        scores: req.body.scores ?? null,
        comment: req.body.comment,
      }),
  }),
  endpoint({
    method: 'GET',
    path: `${E}/history`,
    function: 'evaluations',
    access: 'read',
    summary: 'History of an evaluation',
    params,
    authorization: { who: 'evaluation' },
    handler: async (req) => ({
      body: await readHistory(req.caller, req.params.employeeId, req.params.period),
    }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/employees/{employeeId}/evaluations',
    function: 'evaluations',
    access: 'read',
    summary: "An employee's months of a year",
    params: z.strictObject({ employeeId: idSchema }),
    query: z.strictObject({ year: yearSchema }),
    authorization: {
      who: 'scoped',
      rule: 'the employee, their direct supervisor, heads of their unit or above, HR in scope, admins (404 otherwise)',
    },
    handler: async (req) => ({
      body: await readEmployeeYear(req.caller, req.params.employeeId, req.query.year),
    }),
  }),
  endpoint({
    method: 'POST',
    path: '/v1/approvals/bulk',
    function: 'evaluations',
    access: 'write',
    summary: 'Approve many evaluations (each item authorized and answered on its own)',
    body: bulkApprovalBody,
    authorization: { who: 'scoped', rule: 'anyone may send a batch; each item as the single approval would' },
    example: { body: { period: '2026-11', items: [{ employeeId: 'stc-ns-03', version: 4 }] } },
    async handler(req) {
      const receipts = req.itemReceipts;
      const outcomes = await bulkApprove(
        req.caller,
        req.body.period,
        req.body.items,
        receipts
          ? {
              replay: (employeeId) => receipts.replay(employeeId),
              receiptFor: (id) => receipts.receiptFor(id),
            }
          : undefined,
      );
      const items = await Promise.all(outcomes.map((outcome) => bulkItem(outcome, receipts)));
      return { body: presentBulk(req.body.period, items) };
    },
  }),
];
