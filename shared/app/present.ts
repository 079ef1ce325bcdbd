/** What the API shows: points (not hundredths), grade labels, and nothing internal. */
import { config } from '../config.ts';
import { roleLabel } from '../domain/assignment.ts';
import { GRADE_LABELS } from '../domain/grades.ts';
import { toPoints } from '../domain/points.ts';
import { type Rubric, rubricToJson } from '../domain/rubrics.ts';
import type { ScoreMap } from '../domain/types.ts';
import type { Employee, HistoryEvent, Names, StoredEvaluation, Unit } from '../store/entities.ts';

const points = (scores: ScoreMap) =>
  Object.fromEntries(Object.entries(scores).map(([id, h]) => [id, toPoints(h)]));

/**
 * `publishedAt` and `appealDeadline` belong to the period (the caller has its record at hand): when the results
 * were published, and the last instant to appeal them.
 */
export function presentEvaluation(
  e: StoredEvaluation,
  publishedAt: string | null,
  appealDeadline: string | null = null,
) {
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
    appealDeadline,
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

/** The ids whose names an evaluation shows: its unit, its reviewer and approver, and the authors of each step. */
export function evaluationNameIds(e: StoredEvaluation): { employees: string[]; units: string[] } {
  return {
    employees: [
      e.reviewerId,
      e.approverId,
      ...(e.review ? [e.review.reviewerId] : []),
      ...(e.decision ? [e.decision.approverId] : []),
      ...(e.appeal?.deciderId ? [e.appeal.deciderId] : []),
    ],
    units: [e.unitId],
  };
}

/** The ids whose names a history shows: who acted, and for whom an acting head acted. */
export function historyNameIds(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((h) => [h.actorId, ...(h.onBehalfOf ? [h.onBehalfOf] : [])]);
}

/** A name, or null for an id that names no employee (the system, an administrator who is no employee). */
const nameOf = (map: ReadonlyMap<string, string>, id: string | null | undefined) =>
  id ? (map.get(id) ?? null) : null;

/** A presented evaluation with the names of its unit and of the people beside their ids (GET answers). */
export function withNames(p: PresentedEvaluation, names: Names) {
  const person = (id: string | null | undefined) => nameOf(names.employees, id);
  return {
    ...p,
    unitName: nameOf(names.units, p.unitId),
    reviewerName: person(p.reviewerId),
    approverName: person(p.approverId),
    review: p.review && { ...p.review, reviewerName: person(p.review.reviewerId) },
    decision: p.decision && { ...p.decision, approverName: person(p.decision.approverId) },
    appeal: p.appeal && { ...p.appeal, deciderName: person(p.appeal.deciderId) },
  };
}

export type NamedEvaluation = ReturnType<typeof withNames>;

/** History items with the names of who acted and for whom (`null` for the system). */
export function namedHistory(events: HistoryEvent[], names: Names) {
  return presentHistory(events).map((h) => ({
    ...h,
    actorName: nameOf(names.employees, h.actorId),
    ...(h.onBehalfOf ? { onBehalfOfName: nameOf(names.employees, h.onBehalfOf) } : {}),
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
