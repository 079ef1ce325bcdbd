/**
 * Evaluation use cases: read, history, a year of months, and every transition. A transition reads the
 * evaluation and what the rules need, asks the rules engine (`decide`), and writes the result in one
 * transaction; if anything it decided on moved meanwhile, it reads again and decides again.
 */
import { AppError, notFound } from '../domain/errors.ts';
import { countsForQuota, emptyCounts, quotaPerDutyGroup } from '../domain/quota.ts';
import { actorMayAct, decide } from '../domain/transitions.ts';
import type { Action, ActionType, ActorRelations, Grade } from '../domain/types.ts';
import type { HistoryEvent, Period, StoredEvaluation } from '../store/entities.ts';
import type { Store } from '../store/store.ts';
import { Access, hasAnyRelation } from './access.ts';
import { pendingAppealChange } from './appeals.ts';
import { type Caller, SYSTEM_ACTOR } from './caller.ts';
import { DuplicateRequest, type ReceiptFor } from './idempotency.ts';
import { transitionNotifications } from './notification-rules.ts';
import { evaluationNameIds, historyNameIds, namedHistory, presentEvaluation, withNames } from './present.ts';
import { refreshRankingsAfterChange } from './rankings/refresh.ts';
import { computedScoresFor } from './task-score.ts';

const MAX_ATTEMPTS = 8;
const NOT_FOUND_MESSAGE = 'Không tìm thấy phiếu đánh giá.';

/** The evaluation and the caller's relations to it; 404 for a caller with no part in it (or none at all). */
export async function visibleEvaluation(caller: Caller, employeeId: string, period: string) {
  return loadVisible(Access.of(caller), employeeId, period);
}

async function loadVisible(access: Access, employeeId: string, period: string, forAction?: string) {
  const evaluation = await access.store.evaluations.get(employeeId, period);
  if (!evaluation) throw notFound(NOT_FOUND_MESSAGE);
  const relations = await access.relationsTo(evaluation, forAction === undefined ? {} : { forAction });
  // Someone with no part in an evaluation must not learn that it exists.
  if (!hasAnyRelation(relations)) throw notFound(NOT_FOUND_MESSAGE);
  return { evaluation, relations };
}

/**
 * Whether the caller may take this kind of action on the evaluation, before anything of the request's body is
 * looked at: 404 for someone with no part in it, 403 for a party without the role. The transition asks the rules
 * again with everything else.
 */
export async function authorizeAction(caller: Caller, employeeId: string, period: string, type: ActionType) {
  // The transition that follows needs the period record, which does not depend on the evaluation: read beside it.
  const periodRecord = settledLater(caller.store.periods.get(period));
  const visible = await loadVisible(Access.of(caller), employeeId, period, type);
  const refused = actorMayAct(type, visible.relations, visible.evaluation);
  if (refused) throw new AppError(refused.code, refused.message);
  authorizedReads.set(caller, { employeeId, period, type, visible, periodRecord });
}

/**
 * What authorizing an action read, kept for the same request's transition: its first attempt decides on the
 * evaluation just read instead of reading it again (the write is conditional on the version read, so a change in
 * between only means another attempt, which reads afresh), and on the period record read beside it.
 */
interface AuthorizedRead {
  employeeId: string;
  period: string;
  type: ActionType;
  visible: { evaluation: StoredEvaluation; relations: ActorRelations };
  periodRecord: Promise<Period | null>;
}

const authorizedReads = new WeakMap<Caller, AuthorizedRead>();

/** The request's authorized read of this evaluation for this action, once (a retry reads afresh). */
function takeAuthorizedRead(caller: Caller, employeeId: string, period: string, type: ActionType) {
  const read = authorizedReads.get(caller);
  if (!read || read.employeeId !== employeeId || read.period !== period || read.type !== type) return null;
  authorizedReads.delete(caller);
  return read;
}

/** A read started ahead of when it is awaited: a refusal in between must not leave its failure unhandled. */
function settledLater<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/** The evaluation with the names of its unit and people (one look-up of the distinct ids, beside the period). */
export async function readEvaluation(caller: Caller, employeeId: string, period: string) {
  const { evaluation } = await loadVisible(Access.of(caller), employeeId, period);
  const ids = evaluationNameIds(evaluation);
  const [periodRecord, names] = await Promise.all([
    caller.store.periods.get(period),
    caller.store.org.names(ids.employees, ids.units),
  ]);
  return withNames(
    presentEvaluation(evaluation, periodRecord?.publishedAt ?? null, periodRecord?.appealDeadline ?? null),
    names,
  );
}

/** The history, oldest first, with the names of who acted (one look-up of the distinct ids). */
export async function readHistory(caller: Caller, employeeId: string, period: string) {
  const { evaluation } = await loadVisible(Access.of(caller), employeeId, period);
  const events = await caller.store.evaluations.history(employeeId, period, evaluation);
  return { items: namedHistory(events, await caller.store.org.names(historyNameIds(events), [])) };
}

export async function readEmployeeYear(caller: Caller, employeeId: string, year: number) {
  const access = Access.of(caller);
  const employee = await caller.store.org.getEmployee(employeeId);
  const allowed =
    caller.principal.employeeId === employeeId ||
    access.isAdmin ||
    (employee !== null &&
      (employee.supervisorId === caller.principal.employeeId ||
        (await access.hrScopeContains(employee.unitId)) ||
        (await access.headsUnitOrAncestor(employee.unitId))));
  if (!allowed || (!employee && !access.isAdmin)) throw notFound('Không tìm thấy nhân sự.');
  const evaluations = await caller.store.evaluations.listOfEmployee(employeeId, String(year));
  const published = await publicationByPeriod(
    caller.store,
    evaluations.map((e) => e.period),
  );
  return {
    items: evaluations.map((e) => {
      const p = published.get(e.period);
      return presentEvaluation(e, p?.publishedAt ?? null, p?.appealDeadline ?? null);
    }),
  };
}

export async function publishedAtByPeriod(
  store: Store,
  periods: readonly string[],
): Promise<Map<string, string | null>> {
  const unique = [...new Set(periods)];
  const records = await Promise.all(unique.map((p) => store.periods.get(p)));
  return new Map(unique.map((p, i) => [p, records[i]?.publishedAt ?? null]));
}

/** Each period's publication time and appeal deadline (one read per distinct period). */
export async function publicationByPeriod(
  store: Store,
  periods: readonly string[],
): Promise<Map<string, { publishedAt: string | null; appealDeadline: string | null }>> {
  const unique = [...new Set(periods)];
  const records = await Promise.all(unique.map((p) => store.periods.get(p)));
  return new Map(
    unique.map((p, i) => [
      p,
      { publishedAt: records[i]?.publishedAt ?? null, appealDeadline: records[i]?.appealDeadline ?? null },
    ]),
  );
}

/** Grades of the other approved members of a unit head's unit, for the leader rule. */
async function subordinateGrades(store: Store, evaluation: StoredEvaluation): Promise<Grade[] | undefined> {
  if (!evaluation.isUnitHead) return undefined;
  const members = await store.evaluations.listByUnit(evaluation.unitId, evaluation.period);
  return members
    .filter((m) => m.employeeId !== evaluation.employeeId && m.decision)
    .map((m) => m.decision?.grade)
    .filter((g): g is Grade => g !== undefined);
}

function involvesQuota(change: { from: Grade | null; to: Grade | null } | null, ratioRule: boolean): boolean {
  if (!change || change.from === change.to) return false;
  const grades = [change.from, change.to];
  return grades.includes('A') || (ratioRule && grades.includes('B'));
}

/** Actions that never give or change a grade: they need neither the employee's flags nor the unit's counters. */
const NON_GRADING_ACTIONS = new Set<string>(['saveSelfAssessment', 'submit', 'review', 'return', 'appeal']);

export interface TransitionOptions {
  ifMatch: number | null;
  /** For the period-close job: acts as the system, not as a person. */
  relations?: ActorRelations;
  /** The request's Idempotency-Key receipt, written with the change. */
  receiptFor?: ReceiptFor | null;
}

export type TransitionResult =
  | { ok: true; evaluation: StoredEvaluation; period: Period | null }
  | { ok: false; error: AppError };

/**
 * Applies one action, or says why not: the contract's refusal when the rules refuse it, 412 when `If-Match` is
 * stale, 409 CONFLICT when it could not get through after repeated concurrent changes. Throws only for what no
 * caller can act on (a missing rubric) and for a duplicate request, which the adapter replays.
 */
export async function attemptTransition(
  caller: Caller,
  employeeId: string,
  period: string,
  action: Action,
  options: TransitionOptions,
): Promise<TransitionResult> {
  const { store } = caller;
  const access = Access.of(caller);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const now = caller.now.toISOString();
    const authorized =
      attempt === 0 && !options.relations
        ? takeAuthorizedRead(caller, employeeId, period, action.type)
        : null;
    // The period record does not depend on the evaluation: read beside it, not after it.
    const periodRead = authorized?.periodRecord ?? settledLater(store.periods.get(period));
    let evaluation: StoredEvaluation;
    let relations: ActorRelations;
    if (options.relations) {
      const found = await store.evaluations.get(employeeId, period);
      if (!found) return { ok: false, error: notFound(NOT_FOUND_MESSAGE) };
      evaluation = found;
      relations = options.relations;
    } else if (authorized) {
      ({ evaluation, relations } = authorized.visible);
    } else {
      try {
        ({ evaluation, relations } = await loadVisible(access, employeeId, period, action.type));
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error };
        throw error;
      }
    }
    if (options.ifMatch !== null && options.ifMatch !== evaluation.version) {
      return {
        ok: false,
        error: new AppError(
          'PRECONDITION_FAILED',
          `Phiếu đã được cập nhật (phiên bản hiện tại ${evaluation.version}); hãy tải lại rồi thao tác tiếp.`,
        ),
      };
    }
    const rubricRead = store.rubrics.getVersion(evaluation.rubricId, evaluation.rubricVersion);
    // The employee's flags and the unit's counters matter only to a grade (the quota, the bands): the other
    // actions never read them (a save, a submission, a review cost two reads fewer).
    const grading = !NON_GRADING_ACTIONS.has(action.type);
    const [periodRecord, rubric, computed, employee, counters, grades] = await Promise.all([
      periodRead,
      rubricRead,
      // Built-in rubrics answer at once, so the products (nd-335 only) are read alongside everything else.
      rubricRead.then((r) => (r ? computedScoresFor(store, evaluation, r, action.type) : null)),
      grading ? store.org.getEmployee(employeeId) : Promise.resolve(null),
      grading ? store.evaluations.unitCounters(evaluation.unitId, period) : Promise.resolve(null),
      action.type === 'approve' || action.type === 'decideAppeal'
        ? subordinateGrades(store, evaluation)
        : Promise.resolve(undefined),
    ]);
    if (!rubric) throw new Error(`rubric ${evaluation.rubricId} v${evaluation.rubricVersion} missing`);
    // Decree 335 counts A against B within the evaluation's duty group when it has one (DOMAIN.md "Duty groups").
    const groups = counters?.groups ?? {};
    const dutyGroup = evaluation.dutyGroup ?? null;
    const perGroup = quotaPerDutyGroup(rubric.quota) && dutyGroup !== null;
    const decided = decide({
      evaluation: { ...evaluation, publishedAt: periodRecord?.publishedAt ?? null },
      relations,
      action,
      now,
      rubric,
      employeeFlags: employee?.flags ?? {},
      quota: {
        evaluated: counters?.evaluated ?? 0,
        outstanding: counters?.outstanding ?? false,
        counts: countsForQuota(rubric.quota, dutyGroup, counters?.grades ?? emptyCounts(), groups),
      },
      appealDeadline: periodRecord?.appealDeadline ?? null,
      subordinateGrades: grades,
      ...(computed ? { computedScores: computed.scores } : {}),
    });
    if (!decided.ok) {
      return { ok: false, error: new AppError(decided.code, decided.message, decided.details ?? []) };
    }
    const next: StoredEvaluation = {
      ...evaluation,
      ...decided.next,
      // Publication belongs to the period; the evaluation item never stores it.
      publishedAt: null,
      employeeName: evaluation.employeeName,
      approverUnitId: evaluation.approverUnitId,
      createdAt: evaluation.createdAt,
      updatedAt: now,
    };
    const actingFor = relations.isActingApprover && !relations.isApprover ? evaluation.approverId : null;
    const event: HistoryEvent = {
      employeeId,
      period,
      version: next.version,
      at: now,
      actorId: relations.isSystem ? SYSTEM_ACTOR : caller.principal.employeeId,
      action: decided.event.action,
      fromStatus: decided.event.fromStatus,
      toStatus: decided.event.toStatus,
      comment: decided.event.comment,
      changes: decided.event.changes,
      onBehalfOf: actingFor,
    };
    const guarded = involvesQuota(decided.gradeChange, rubric.quota.kind === 'shareOfB');
    // The counts the decision was made on: the group's under a per-group rule, else the unit's (which every
    // grouped approval moves too, so a decision on "the unit minus its groups" is guarded by them).
    // Only a grading action moves a grade (the rules engine's contract): its counters were read above.
    if (guarded && counters === null)
      throw new Error(`${action.type} changed a grade without the unit's counters`);
    const guard = guarded && !perGroup ? (counters?.grades ?? null) : null;
    const groupGuard =
      guarded && perGroup && dutyGroup !== null
        ? { group: dutyGroup, counts: { ...emptyCounts(), ...groups[dutyGroup] } }
        : null;
    const receipt =
      options.receiptFor?.(
        presentEvaluation(next, periodRecord?.publishedAt ?? null, periodRecord?.appealDeadline ?? null),
      ) ?? null;
    const outcome = await store.evaluations.writeTransition({
      previous: evaluation,
      next,
      event,
      gradeChange: decided.gradeChange,
      guard,
      groupGuard,
      receipt,
      // A review (or a one-step approval) stands only on the products it was decided on.
      productsRevision:
        computed &&
        (action.type === 'review' || (action.type === 'approve' && evaluation.status !== 'REVIEWED'))
          ? { revision: computed.revision }
          : null,
      // What the change tells the people concerned, in the same transaction (never twice: keyed by the version).
      notifications: transitionNotifications(next, event),
      appeal: pendingAppealChange(action, next),
    });
    if (outcome === 'duplicate') throw new DuplicateRequest();
    if (outcome === 'written') {
      const changedPublished =
        action.type === 'decideAppeal' &&
        periodRecord?.status === 'CLOSED' &&
        (next.decision?.total !== evaluation.decision?.total ||
          next.decision?.grade !== evaluation.decision?.grade);
      // Published rankings must show the result as it now stands.
      if (changedPublished) await refreshRankingsAfterChange(store, evaluation.unitId, period, now);
      return { ok: true, evaluation: next, period: periodRecord };
    }
    // Someone else changed the evaluation or the unit's grades first: decide again on what is there now.
    await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
  }
  return {
    ok: false,
    error: new AppError('CONFLICT', 'Có nhiều thao tác đồng thời trên phiếu này; vui lòng thử lại.'),
  };
}

/** Applies one action and presents the evaluation as it now is; throws the refusal as an `AppError`. */
export async function transitionAndPresent(
  caller: Caller,
  employeeId: string,
  period: string,
  action: Action,
  options: TransitionOptions,
) {
  const result = await attemptTransition(caller, employeeId, period, action, options);
  if (!result.ok) throw result.error;
  return presentEvaluation(
    result.evaluation,
    result.period?.publishedAt ?? null,
    result.period?.appealDeadline ?? null,
  );
}
