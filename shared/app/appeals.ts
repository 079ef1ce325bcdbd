/**
 * Pending appeals: the marker an appeal leaves among its period's pending appeals (written and removed in the
 * transition's own transaction, so the list never disagrees with the evaluations) and the list of those the
 * caller may decide. Who may decide is the rules engine's `actorMayAct('decideAppeal', …)` on the caller's
 * relations, exactly as the decision itself is authorized: the approver's own approver or HR in scope, never the
 * employee nor whoever made the decision under appeal; admins see every pending appeal but decide none.
 */
import { GRADE_LABELS } from '../domain/grades.ts';
import { toPoints } from '../domain/points.ts';
import { actorMayAct } from '../domain/transitions.ts';
import type { Action } from '../domain/types.ts';
import type { PendingAppeal, StoredEvaluation } from '../store/entities.ts';
import type { TransitionWrite } from '../store/evaluation-store.ts';
import { Access } from './access.ts';
import type { Caller } from './caller.ts';

/** The list shows this much of an appeal's reason (the evaluation keeps it whole). */
export const MAX_APPEAL_REASON_SHOWN = 200;

/** At most `max` characters (code points, so a Vietnamese letter or an emoji is never cut in half), with "…". */
export function shorten(text: string, max: number): { text: string; truncated: boolean } {
  const chars = Array.from(text);
  if (chars.length <= max) return { text, truncated: false };
  return { text: `${chars.slice(0, max - 1).join('')}…`, truncated: true };
}

/** What an appeal or its decision does to the period's pending appeals, written with the transition. */
export function pendingAppealChange(action: Action, next: StoredEvaluation): TransitionWrite['appeal'] {
  if (action.type === 'decideAppeal')
    return { decided: { period: next.period, employeeId: next.employeeId } };
  if (action.type !== 'appeal' || !next.appeal || !next.decision) return null;
  const reason = shorten(next.appeal.reason, MAX_APPEAL_REASON_SHOWN);
  return {
    filed: {
      period: next.period,
      employeeId: next.employeeId,
      employeeName: next.employeeName,
      unitId: next.unitId,
      reviewerId: next.reviewerId,
      approverId: next.approverId,
      approverUnitId: next.approverUnitId,
      decisionApproverId: next.decision.approverId,
      version: next.version,
      filedAt: next.appeal.filedAt,
      grade: next.decision.grade,
      total: next.decision.total,
      reason: reason.text,
      reasonTruncated: reason.truncated,
    },
  };
}

/** Whether the caller may decide this appeal: the rule of the decision itself, on the caller's relations. */
async function mayDecide(access: Access, appeal: PendingAppeal): Promise<boolean> {
  const relations = await access.relationsTo(appeal);
  return (
    actorMayAct('decideAppeal', relations, { decision: { approverId: appeal.decisionApproverId } }) === null
  );
}

/**
 * The period's pending appeals the caller may decide, oldest first (an admin: all of them, each saying whether
 * they may decide it, which an admin as such never may). Unit names come from one look-up of the distinct ids.
 */
export async function readPendingAppeals(caller: Caller, period: string) {
  const access = Access.of(caller);
  const { store } = caller;
  const [periodRecord, pending] = await Promise.all([
    store.periods.get(period),
    store.evaluations.listPendingAppeals(period),
  ]);
  const decidable = await Promise.all(pending.map((a) => mayDecide(access, a)));
  const shown = pending
    .map((appeal, i) => ({ appeal, mayDecide: decidable[i] === true }))
    .filter((a) => a.mayDecide || access.isAdmin)
    .sort(
      (a, b) =>
        a.appeal.filedAt.localeCompare(b.appeal.filedAt) ||
        a.appeal.employeeId.localeCompare(b.appeal.employeeId),
    );
  const names = await store.org.names(
    [],
    shown.map((a) => a.appeal.unitId),
  );
  const deadline = periodRecord?.appealDeadline ?? null;
  return {
    period,
    items: shown.map(({ appeal: a, mayDecide }) => ({
      employeeId: a.employeeId,
      employeeName: a.employeeName,
      unitId: a.unitId,
      unitName: names.units.get(a.unitId) ?? null,
      version: a.version,
      filedAt: a.filedAt,
      grade: a.grade,
      gradeLabel: GRADE_LABELS[a.grade],
      total: toPoints(a.total),
      reason: a.reason,
      reasonTruncated: a.reasonTruncated,
      deadline,
      mayDecide,
    })),
  };
}
