/** The caller's own work: who they are, what waits for them, their review and approval inboxes. */

import { config } from '../config.ts';
import { comparePeriods, isAfter, periodOf, periodSpan } from '../domain/calendar.ts';
import { cyclesInUse } from '../domain/cycles.ts';
import { AppError } from '../domain/errors.ts';
import type { Action } from '../domain/types.ts';
import type { HistoryEvent, Period, StoredEvaluation } from '../store/entities.ts';
import { withOpening } from '../store/evaluation-store.ts';
import { Access } from './access.ts';
import type { Caller } from './caller.ts';
import { publicationByPeriod, transitionAndPresent } from './evaluations.ts';
import { DuplicateRequest, type ReceiptFor } from './idempotency.ts';
import { notificationSummary } from './notification-summary.ts';
import {
  evaluationNameIds,
  historyNameIds,
  namedHistory,
  presentEmployee,
  presentEvaluation,
  presentRubric,
  withNames,
} from './present.ts';

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

/** Unique by employee, first seen wins. */
function uniqueByEmployee(evaluations: readonly StoredEvaluation[]): StoredEvaluation[] {
  const seen = new Set<string>();
  return evaluations.filter((e) => !seen.has(e.employeeId) && seen.add(e.employeeId));
}

/**
 * Evaluations the caller approves for a period: their own queue, those of heads they currently act for, and those
 * of a role they hold (the top unit's HR, a collective body's member: heads of top-level units).
 */
async function approvalQueue(caller: Caller, period: string): Promise<StoredEvaluation[]> {
  const { store } = caller;
  const now = caller.now.getTime();
  const roleIds = await Access.of(caller).roleIds();
  const [own, delegations, ...asRoles] = await Promise.all([
    store.evaluations.listByApprover(caller.principal.employeeId, period),
    store.org.listDelegationsTo(caller.principal.employeeId),
    ...roleIds.map((id) => store.evaluations.listByApprover(id, period)),
  ]);
  const acting = delegations.filter((d) => Date.parse(d.from) <= now && now <= Date.parse(d.to));
  const delegated = await Promise.all(
    acting.map(async (d) =>
      (await store.evaluations.listByApprover(d.headId, period)).filter((e) => e.approverUnitId === d.unitId),
    ),
  );
  // A head of a top-level unit never approves themselves through a role they hold.
  const roleItems = asRoles.flat().filter((e) => e.employeeId !== caller.principal.employeeId);
  return uniqueByEmployee([...own, ...delegated.flat(), ...roleItems]);
}

/** Evaluations the caller reviews for a period: their own queue and those of a role they hold. */
async function reviewQueue(caller: Caller, period: string): Promise<StoredEvaluation[]> {
  const { store } = caller;
  const roleIds = await Access.of(caller).roleIds();
  const [own, ...asRoles] = await Promise.all([
    store.evaluations.listByReviewer(caller.principal.employeeId, period),
    ...roleIds.map((id) => store.evaluations.listByReviewer(id, period)),
  ]);
  return uniqueByEmployee([
    ...own,
    ...asRoles.flat().filter((e) => e.employeeId !== caller.principal.employeeId),
  ]);
}

export interface MeOptions {
  /** Also the current period's evaluation (presented as GET evaluation is), its rubric version and history. */
  current?: boolean;
  /** The period of `current` (default: see `currentPeriodOf`). */
  period?: string | undefined;
}

/** Whether a period (a month, or a quarter) covers the month an instant falls in, in Vietnam time. */
function covers(period: string, now: string): boolean {
  const span = periodSpan(period);
  const month = periodSpan(periodOf(now));
  return (
    span !== null &&
    month !== null &&
    span.year === month.year &&
    span.firstMonth <= month.firstMonth &&
    month.firstMonth <= span.lastMonth
  );
}

/**
 * The period the employee page opens on: the one asked for; else the earliest open period still waiting for the
 * employee (on 2 December, November's self-assessment is due before anything of December); else the open period
 * covering today; else the latest open one of theirs; else this calendar month.
 */
export function currentPeriodOf(
  own: readonly { period: string; waiting: boolean }[],
  now: string,
  asked?: string,
): string {
  if (asked) return asked;
  const sorted = [...own].sort((a, b) => comparePeriods(a.period, b.period));
  return (
    sorted.find((p) => p.waiting)?.period ??
    sorted.find((p) => covers(p.period, now))?.period ??
    sorted.at(-1)?.period ??
    periodOf(now) ??
    now.slice(0, 7)
  );
}

export async function readMe(caller: Caller, options: MeOptions = {}) {
  const access = Access.of(caller);
  const { store } = caller;
  const now = caller.now.toISOString();
  const selfId = caller.principal.employeeId;
  // With the current period: its history is asked for at once with the rest, for the period the page most likely
  // shows (the one asked for, else this month); another period costs a second round.
  const guess = options.current ? (options.period ?? periodOf(now) ?? now.slice(0, 7)) : null;
  const [me, periods, guessedHistory] = await Promise.all([
    access.me(),
    store.periods.list(),
    // With no evaluation passed, only the stored events: the opening a draft implies is added below, once read.
    guess ? store.evaluations.history(selfId, guess, null) : Promise.resolve([]),
  ]);
  const summary = notificationSummary(caller, me?.email ?? null, periods);
  // Awaited below, after the inboxes: handled now so that an early failure is not reported as unhandled.
  summary.catch(() => undefined);
  const openPeriods = periods
    .filter((p) => p.status !== 'CLOSED')
    .map((p) => p.period)
    .sort(comparePeriods);
  const pending = { selfAssessment: 0, reviews: 0, approvals: 0 };
  let reviewsAnything = false;
  let approvesAnything = me?.isUnitHead ?? false;
  const perPeriod = await Promise.all(
    openPeriods.map((period) =>
      Promise.all([
        me ? store.evaluations.get(me.id, period) : Promise.resolve(null),
        reviewQueue(caller, period),
        approvalQueue(caller, period),
      ]),
    ),
  );
  // The open periods the caller is evaluated in: with monthly and quarterly categories side by side, not all are.
  const ownPeriods: string[] = [];
  const own = new Map<string, StoredEvaluation>();
  for (const [mine, reviews, approvals] of perPeriod) {
    if (mine) {
      ownPeriods.push(mine.period);
      own.set(mine.period, mine);
    }
    if (mine && waitsForEmployee(mine, now)) pending.selfAssessment++;
    reviewsAnything ||= reviews.length > 0;
    pending.reviews += reviews.filter((e) => waitsForReviewer(e, now)).length;
    approvesAnything ||= approvals.length > 0;
    pending.approvals += approvals.filter((e) => waitsForApprover(e, now)).length;
  }
  const roles = [
    ...(me ? ['employee'] : []),
    ...(reviewsAnything ? ['reviewer'] : []),
    ...(approvesAnything ? ['approver'] : []),
    ...caller.principal.groups,
  ];
  const answer = {
    employeeId: caller.principal.employeeId,
    employee: me ? presentEmployee(me) : null,
    roles,
    openPeriods,
    ownPeriods,
    pending,
    // Which kinds of period this deployment has (its period pickers offer months, quarters or both).
    cycles: cyclesInUse(config().cycles),
    ...(await summary),
  };
  if (!options.current) return answer;
  const period = currentPeriodOf(
    [...own.values()].map((e) => ({ period: e.period, waiting: waitsForEmployee(e, now) })),
    now,
    options.period,
  );
  const [evaluation, stored] = await Promise.all([
    own.has(period) ? (own.get(period) ?? null) : store.evaluations.get(selfId, period),
    period === guess ? guessedHistory : store.evaluations.history(selfId, period, null),
  ]);
  const events = withOpening(stored, evaluation);
  return { ...answer, current: await presentCurrent(caller, period, evaluation, events, periods) };
}

/** The caller's own month as the employee page shows it: the evaluation, its rubric version, the history. */
async function presentCurrent(
  caller: Caller,
  period: string,
  evaluation: StoredEvaluation | null,
  events: HistoryEvent[],
  periods: readonly Period[],
) {
  if (!evaluation) return { period, evaluation: null, rubric: null, history: [] };
  const record = periods.find((p) => p.period === period);
  const ids = evaluationNameIds(evaluation);
  // The rubric version and every name in one round: the version the evaluation is scored with, not the latest.
  const [rubric, names] = await Promise.all([
    caller.store.rubrics.getVersion(evaluation.rubricId, evaluation.rubricVersion),
    caller.store.org.names([...ids.employees, ...historyNameIds(events)], ids.units),
  ]);
  return {
    period,
    evaluation: withNames(
      presentEvaluation(evaluation, record?.publishedAt ?? null, record?.appealDeadline ?? null),
      names,
    ),
    rubric: rubric ? presentRubric(rubric) : null,
    history: namedHistory(events, names),
  };
}

export type TaskKind = 'selfAssessment' | 'review' | 'approve';

/**
 * What waits for the caller now, per period and kind, with its deadline and the page where it is done: the same
 * rules as `pending` in `/v1/me`, for the notifications list.
 */
export async function pendingTasks(caller: Caller) {
  const access = Access.of(caller);
  const { store } = caller;
  const [me, periods] = await Promise.all([access.me(), store.periods.list()]);
  const now = caller.now.toISOString();
  const open = periods.filter((p) => p.status !== 'CLOSED');
  const tasks: { kind: TaskKind; period: string; count: number; deadline: string; path: string }[] = [];
  await Promise.all(
    open.map(async (p) => {
      const [own, reviews, approvals] = await Promise.all([
        me ? store.evaluations.get(me.id, p.period) : Promise.resolve(null),
        store.evaluations.listByReviewer(caller.principal.employeeId, p.period),
        approvalQueue(caller, p.period),
      ]);
      if (own && waitsForEmployee(own, now))
        tasks.push({
          kind: 'selfAssessment',
          period: p.period,
          count: 1,
          deadline: own.deadlines.selfAssessment,
          path: `/danh-gia/${p.period}`,
        });
      const r = reviews.filter((e) => waitsForReviewer(e, now));
      if (r.length > 0)
        tasks.push({
          kind: 'review',
          period: p.period,
          count: r.length,
          deadline: p.deadlines.review,
          path: `/nhan-xet?ky=${p.period}`,
        });
      const a = approvals.filter((e) => waitsForApprover(e, now));
      if (a.length > 0)
        tasks.push({
          kind: 'approve',
          period: p.period,
          count: a.length,
          deadline: p.deadlines.approval,
          path: `/phe-duyet?ky=${p.period}`,
        });
    }),
  );
  return tasks.sort((x, y) => x.deadline.localeCompare(y.deadline) || x.kind.localeCompare(y.kind));
}

async function presentAll(caller: Caller, evaluations: StoredEvaluation[]) {
  const published = await publicationByPeriod(
    caller.store,
    evaluations.map((e) => e.period),
  );
  return evaluations
    .sort(
      (a, b) =>
        a.employeeName.localeCompare(b.employeeName, 'vi') || a.employeeId.localeCompare(b.employeeId),
    )
    .map((e) =>
      presentEvaluation(
        e,
        published.get(e.period)?.publishedAt ?? null,
        published.get(e.period)?.appealDeadline ?? null,
      ),
    );
}

export async function readReviews(caller: Caller, period: string) {
  return { items: await presentAll(caller, await reviewQueue(caller, period)) };
}

export async function readApprovals(caller: Caller, period: string) {
  return { items: await presentAll(caller, await approvalQueue(caller, period)) };
}

/** Per item of a bulk request sent with an Idempotency-Key: its earlier answer, and its receipt for this one. */
export interface ItemIdempotency {
  /** The answer an earlier attempt of the same request gave for this item, as the adapter kept it. */
  replay(employeeId: string): Promise<unknown | null>;
  receiptFor(employeeId: string): ReceiptFor;
}

export type BulkItemOutcome =
  | { employeeId: string; evaluation: ReturnType<typeof presentEvaluation> }
  | { employeeId: string; error: AppError }
  | { employeeId: string; replayed: unknown };

/**
 * Approves each item in order, each exactly as a single approval would (same rules, same quota guard), and
 * reports each outcome: one refusal does not stop the others. With an Idempotency-Key each item keeps its own
 * receipt, written with its approval, so a retry after a crash half-way replays the items already done and does
 * the rest.
 */
export async function bulkApprove(
  caller: Caller,
  period: string,
  items: { employeeId: string; version: number }[],
  idempotency?: ItemIdempotency,
): Promise<BulkItemOutcome[]> {
  const action: Action = { type: 'approve', scores: null, comment: null };
  const outcomes: BulkItemOutcome[] = [];
  for (const item of items) {
    const earlier = await idempotency?.replay(item.employeeId);
    if (earlier) {
      outcomes.push({ employeeId: item.employeeId, replayed: earlier });
      continue;
    }
    try {
      const evaluation = await transitionAndPresent(caller, item.employeeId, period, action, {
        ifMatch: item.version,
        receiptFor: idempotency?.receiptFor(item.employeeId) ?? null,
      });
      outcomes.push({ employeeId: item.employeeId, evaluation });
    } catch (error) {
      // A concurrent retry of the same request approved this item first: its answer is this one's.
      const replayed = error instanceof DuplicateRequest ? await idempotency?.replay(item.employeeId) : null;
      if (replayed) outcomes.push({ employeeId: item.employeeId, replayed });
      else if (error instanceof AppError) outcomes.push({ employeeId: item.employeeId, error });
      else throw error;
    }
  }
  return outcomes;
}
