/** The caller's own work: who they are, what waits for them, their review and approval inboxes. */
import { isAfter } from '../domain/calendar.ts';
import type { Action } from '../domain/types.ts';
import { ApiError } from '../http/errors.ts';
import { getEvaluation, listQueue, type StoredEvaluation } from '../store/evaluation-store.ts';
import { keys } from '../store/keys.ts';
import { listDelegationsTo } from '../store/org-store.ts';
import { listPeriods } from '../store/period-store.ts';
import { Access } from './access.ts';
import { type Caller, publishedAtByPeriod, transitionAndPresent } from './evaluations.ts';
import { presentEmployee, presentEvaluation } from './present.ts';

const waitsForEmployee = (e: StoredEvaluation, now: string) =>
  (e.status === 'DRAFT' || (e.status === 'RETURNED' && e.returnedTo === 'employee')) &&
  !isAfter(now, e.deadlines.selfAssessment);

const waitsForReviewer = (e: StoredEvaluation, now: string) =>
  e.status === 'SUBMITTED' ||
  (e.status === 'RETURNED' && e.returnedTo === 'reviewer') ||
  // Past the self-assessment deadline the reviewer scores the draft as it is.
  ((e.status === 'DRAFT' || (e.status === 'RETURNED' && e.returnedTo === 'employee')) &&
    isAfter(now, e.deadlines.selfAssessment));

const waitsForApprover = (e: StoredEvaluation, now: string) =>
  e.status === 'REVIEWED' ||
  // Past the review deadline the approver may review and approve in one step.
  (e.status !== 'APPROVED' && e.status !== 'EXPIRED' && isAfter(now, e.deadlines.review));

/** Evaluations the caller approves for a period: their own queue and those of heads they currently act for. */
async function approvalQueue(caller: Caller, period: string): Promise<StoredEvaluation[]> {
  const now = caller.now.getTime();
  const own = await listQueue(caller.db, keys.approverQueue(caller.principal.employeeId, period));
  const acting = (await listDelegationsTo(caller.db, caller.principal.employeeId)).filter(
    (d) => Date.parse(d.from) <= now && now <= Date.parse(d.to),
  );
  const delegated = await Promise.all(
    acting.map(async (d) =>
      (await listQueue(caller.db, keys.approverQueue(d.headId, period))).filter(
        (e) => e.approverUnitId === d.unitId,
      ),
    ),
  );
  const seen = new Set<string>();
  return [...own, ...delegated.flat()].filter((e) => !seen.has(e.employeeId) && seen.add(e.employeeId));
}

export async function readMe(caller: Caller) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const me = await access.me();
  const now = caller.now.toISOString();
  const openPeriods = (await listPeriods(caller.db))
    .filter((p) => p.status !== 'CLOSED')
    .map((p) => p.period);
  const pending = { selfAssessment: 0, reviews: 0, approvals: 0 };
  let reviewsAnything = false;
  let approvesAnything = me?.isUnitHead ?? false;
  for (const period of openPeriods) {
    const own = me ? await getEvaluation(caller.db, me.id, period) : null;
    if (own && waitsForEmployee(own, now)) pending.selfAssessment++;
    const reviews = await listQueue(caller.db, keys.reviewerQueue(caller.principal.employeeId, period));
    reviewsAnything ||= reviews.length > 0;
    pending.reviews += reviews.filter((e) => waitsForReviewer(e, now)).length;
    const approvals = await approvalQueue(caller, period);
    approvesAnything ||= approvals.length > 0;
    pending.approvals += approvals.filter((e) => waitsForApprover(e, now)).length;
  }
  const roles = [
    ...(me ? ['employee'] : []),
    ...(reviewsAnything ? ['reviewer'] : []),
    ...(approvesAnything ? ['approver'] : []),
    ...caller.principal.groups,
  ];
  return {
    employeeId: caller.principal.employeeId,
    employee: me ? presentEmployee(me) : null,
    roles,
    openPeriods,
    pending,
  };
}

async function presentAll(caller: Caller, evaluations: StoredEvaluation[]) {
  const published = await publishedAtByPeriod(
    caller.db,
    evaluations.map((e) => e.period),
  );
  return evaluations
    .sort(
      (a, b) =>
        a.employeeName.localeCompare(b.employeeName, 'vi') || a.employeeId.localeCompare(b.employeeId),
    )
    .map((e) => presentEvaluation(e, published.get(e.period) ?? null));
}

export async function readReviews(caller: Caller, period: string) {
  const items = await listQueue(caller.db, keys.reviewerQueue(caller.principal.employeeId, period));
  return { items: await presentAll(caller, items) };
}

export async function readApprovals(caller: Caller, period: string) {
  return { items: await presentAll(caller, await approvalQueue(caller, period)) };
}

/**
 * Approves each item in order, each exactly as a single approval would (same rules, same quota guard), and
 * reports each outcome: one refusal does not stop the others.
 */
export async function bulkApprove(
  caller: Caller,
  period: string,
  items: { employeeId: string; version: number }[],
) {
  const action: Action = { type: 'approve', scores: null, comment: null };
  const outcomes = [];
  for (const item of items) {
    try {
      const evaluation = await transitionAndPresent(caller, item.employeeId, period, action, {
        ifMatch: item.version,
      });
      outcomes.push({ employeeId: item.employeeId, status: 200, evaluation });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      outcomes.push({
        employeeId: item.employeeId,
        status: error.status,
        error: { code: error.code, message: error.message, details: error.details },
      });
    }
  }
  return {
    period,
    approved: outcomes.filter((o) => o.status === 200).length,
    failed: outcomes.filter((o) => o.status !== 200).length,
    items: outcomes,
  };
}
