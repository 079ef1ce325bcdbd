/** What the API shows: points (not hundredths), grade labels, and nothing internal. */
import { config } from '../config.ts';
import { roleLabel } from '../domain/assignment.ts';
import { GRADE_LABELS } from '../domain/grades.ts';
import { toPoints } from '../domain/points.ts';
import { type Rubric, rubricToJson } from '../domain/rubrics.ts';
import type { ScoreMap } from '../domain/types.ts';
import type { Employee, HistoryEvent, StoredEvaluation, Unit } from '../store/entities.ts';

const points = (scores: ScoreMap) =>
  Object.fromEntries(Object.entries(scores).map(([id, h]) => [id, toPoints(h)]));

export function presentEvaluation(e: StoredEvaluation, publishedAt: string | null) {
  return {
    employeeId: e.employeeId,
    employeeName: e.employeeName,
    period: e.period,
    unitId: e.unitId,
    status: e.status,
    returnedTo: e.status === 'RETURNED' ? e.returnedTo : null,
    version: e.version,
    rubricId: e.rubricId,
    rubricVersion: e.rubricVersion,
    reviewerId: e.reviewerId,
    approverId: e.approverId,
    /** When the approver is a role (heads of top-level units): who that is, in words; null for a person. */
    approverRole: roleLabel(e.approverId, config().topHeadApprover),
    /** The duty group the A quota was counted in (Decree 335), fixed when the period opened. */
    dutyGroup: e.dutyGroup ?? null,
    deadlines: e.deadlines,
    selfAssessment: e.selfAssessment && {
      scores: points(e.selfAssessment.scores),
      total: toPoints(e.selfAssessment.total),
      comment: e.selfAssessment.comment,
      submittedAt: e.selfAssessment.submittedAt,
    },
    review: e.review && {
      scores: points(e.review.scores),
      total: toPoints(e.review.total),
      comment: e.review.comment,
      reviewedAt: e.review.reviewedAt,
      reviewerId: e.review.reviewerId,
    },
    decision: e.decision && {
      scores: points(e.decision.scores),
      total: toPoints(e.decision.total),
      grade: e.decision.grade,
      gradeLabel: GRADE_LABELS[e.decision.grade],
      comment: e.decision.comment,
      approvedAt: e.decision.approvedAt,
      approverId: e.decision.approverId,
      adjusted: e.decision.adjusted,
      forcedReason: e.decision.forcedReason ?? null,
    },
    appeal: e.appeal && {
      reason: e.appeal.reason,
      filedAt: e.appeal.filedAt,
      status: e.appeal.status,
      decidedAt: e.appeal.decidedAt ?? null,
      deciderId: e.appeal.deciderId ?? null,
      comment: e.appeal.comment ?? null,
    },
    flags: e.flags,
    publishedAt,
  };
}

export type PresentedEvaluation = ReturnType<typeof presentEvaluation>;

export function presentHistory(events: HistoryEvent[]) {
  return events.map((h) => ({
    at: h.at,
    version: h.version,
    actorId: h.actorId,
    action: h.action,
    fromStatus: h.fromStatus,
    toStatus: h.toStatus,
    ...(h.comment ? { comment: h.comment } : {}),
    ...(h.changes ? { changes: h.changes } : {}),
    ...(h.onBehalfOf ? { onBehalfOf: h.onBehalfOf } : {}),
  }));
}

export function presentEmployee(e: Employee) {
  return {
    id: e.id,
    name: e.name,
    unitId: e.unitId,
    category: e.category,
    supervisorId: e.supervisorId,
    isUnitHead: e.isUnitHead,
    email: e.email,
    active: e.active,
    flags: e.flags,
    dutyGroup: e.dutyGroup ?? null,
    updatedAt: e.updatedAt,
  };
}

export function presentUnit(u: Unit) {
  return { id: u.id, name: u.name, parentId: u.parentId, outstanding: u.outstanding, updatedAt: u.updatedAt };
}

export const presentRubric = (r: Rubric) => rubricToJson(r);
