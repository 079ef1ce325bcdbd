/** What an evaluation's state means for the people looking at it: whose step it is and which deadline counts. */
import type { Evaluation } from '../api/types.ts';

export type Step = 'self' | 'review' | 'approval';

/** Whose turn it is, by status; null once the month is decided (approved) or over (expired). */
export function currentStep(e: Pick<Evaluation, 'status' | 'returnedTo'>): Step | null {
  switch (e.status) {
    case 'DRAFT':
      return 'self';
    case 'RETURNED':
      return e.returnedTo === 'reviewer' ? 'review' : 'self';
    case 'SUBMITTED':
      return 'review';
    case 'REVIEWED':
      return 'approval';
    default:
      return null;
  }
}

export const STEP_DEADLINE: Record<Step, keyof Evaluation['deadlines']> = {
  self: 'selfAssessment',
  review: 'review',
  approval: 'approval',
};

/** Is the month finished for good (no countdown, no step waiting)? */
export const isSettled = (e: Pick<Evaluation, 'status'>) => e.status === 'APPROVED' || e.status === 'EXPIRED';

export const evaluationPath = (employeeId: string, period: string) =>
  `/v1/evaluations/${encodeURIComponent(employeeId)}/${period}`;

/**
 * A transition's answer carries ids only (the API looks names up on a GET): keep the names and the appeal
 * deadline of the evaluation last read, so the page does not blank them until its reload arrives.
 */
export function keepNames(previous: Evaluation | null | undefined, updated: Evaluation): Evaluation {
  if (!previous) return updated;
  return {
    ...updated,
    unitName: updated.unitName ?? previous.unitName ?? null,
    reviewerName: updated.reviewerName ?? previous.reviewerName ?? null,
    approverName: updated.approverName ?? previous.approverName ?? null,
    appealDeadline: updated.appealDeadline ?? previous.appealDeadline ?? null,
  };
}

/**
 * Whether the approver may act on it now: reviewed, or past the review deadline and not final, or the reviewer is
 * the approver and the self-assessment is in.
 */
export const waitsForApproval = (e: Evaluation, now: number) =>
  e.status === 'REVIEWED' ||
  (e.status !== 'APPROVED' && e.status !== 'EXPIRED' && Date.parse(e.deadlines.review) < now) ||
  // Reviewer and approver are the same (a head without a deputy, or the role evaluating a head of a top-level
  // unit): reviewed and approved in one step as soon as the self-assessment is in.
  (e.reviewerId === e.approverId &&
    (e.status === 'SUBMITTED' || (e.status === 'RETURNED' && e.returnedTo === 'reviewer')));
