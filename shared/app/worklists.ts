/** The caller's own work: who they are, what waits for them, their review and approval inboxes. */

import { isAfter, periodOf } from '../domain/calendar.ts';
import { AppError } from '../domain/errors.ts';
import type { Action } from '../domain/types.ts';
import type { HistoryEvent, Period, StoredEvaluation } from '../store/entities.ts';
import { Access } from './access.ts';
import type { Caller } from './caller.ts';
import { publicationByPeriod, transitionAndPresent } from './evaluations.ts';
import { DuplicateRequest, type ReceiptFor } from './idempotency.ts';
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

/** Evaluations the caller approves for a period: their own queue and those of heads they currently act for. */
async function approvalQueue(caller: Caller, period: string): Promise<StoredEvaluation[]> {
  const { store } = caller;
  const now = caller.now.getTime();
  const [own, delegations] = await Promise.all([
    store.evaluations.listByApprover(caller.principal.employeeId, period),
    store.org.listDelegationsTo(caller.principal.employeeId),
  ]);
  const acting = delegations.filter((d) => Date.parse(d.from) <= now && now <= Date.parse(d.to));
  const delegated = await Promise.all(
    acting.map(async (d) =>
      (await store.evaluations.listByApprover(d.headId, period)).filter((e) => e.approverUnitId === d.unitId),
    ),
  );
  const seen = new Set<string>();
  return [...own, ...delegated.flat()].filter((e) => !seen.has(e.employeeId) && seen.add(e.employeeId));
}

export interface MeOptions {
  /** Also the month's evaluation (presented as GET evaluation is), its rubric version and history. */
  current?: boolean;
  /** The month of `current` (default: this month when it is open, else the latest open one). */
  period?: string | undefined;
}

/**
 * The month the employee page opens on: the one asked for, else this calendar month when it is open, else the
 * latest open month, else this calendar month.
 */
export function currentPeriodOf(openPeriods: readonly string[], now: string, asked?: string): string {
  if (asked) return asked;
  const thisMonth = periodOf(now) ?? now.slice(0, 7);
  const open = [...openPeriods].sort();
  return open.includes(thisMonth) ? thisMonth : (open.at(-1) ?? thisMonth);
}

export async function readMe(caller: Caller, options: MeOptions = {}) {
  const access = Access.of(caller);
  const { store } = caller;
  const now = caller.now.toISOString();
  const selfId = caller.principal.employeeId;
  // With the current month: its evaluation and history are asked for at once with the rest (their keys are the
  // caller's id and the month), for the month the page most likely shows; another month costs a second round.
  const guess = options.current ? currentPeriodOf([], now, options.period) : null;
  const [me, periods, guessed, guessedHistory] = await Promise.all([
    access.me(),
    store.periods.list(),
    guess ? store.evaluations.get(selfId, guess) : Promise.resolve(null),
    guess ? store.evaluations.history(selfId, guess) : Promise.resolve([]),
  ]);
  const openPeriods = periods.filter((p) => p.status !== 'CLOSED').map((p) => p.period);
  const pending = { selfAssessment: 0, reviews: 0, approvals: 0 };
  let reviewsAnything = false;
  let approvesAnything = me?.isUnitHead ?? false;
  const perPeriod = await Promise.all(
    openPeriods.map((period) =>
      Promise.all([
        !me ? Promise.resolve(null) : period === guess ? guessed : store.evaluations.get(me.id, period),
        store.evaluations.listByReviewer(caller.principal.employeeId, period),
        approvalQueue(caller, period),
      ]),
    ),
  );
  for (const [own, reviews, approvals] of perPeriod) {
    if (own && waitsForEmployee(own, now)) pending.selfAssessment++;
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
    pending,
  };
  if (!options.current) return answer;
  const period = currentPeriodOf(openPeriods, now, options.period);
  const [evaluation, events] =
    period === guess
      ? [guessed, guessedHistory]
      : await Promise.all([store.evaluations.get(selfId, period), store.evaluations.history(selfId, period)]);
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
  const items = await caller.store.evaluations.listByReviewer(caller.principal.employeeId, period);
  return { items: await presentAll(caller, items) };
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
