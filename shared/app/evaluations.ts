/**
 * Evaluation use cases: read, history, a year of months, and every transition. A transition reads the
 * evaluation and what the rules need, asks the rules engine (`decide`), and writes the result in one
 * transaction; if anything it decided on moved meanwhile, it reads again and decides again.
 */
import type { Principal } from '../auth/principal.ts';
import { decide } from '../domain/transitions.ts';
import type { Action, ActorRelations, Grade } from '../domain/types.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { Db } from '../store/client.ts';
import {
  getEvaluation,
  getUnitPeriod,
  type HistoryEvent,
  listEmployeeEvaluations,
  listHistory,
  listQueue,
  type StoredEvaluation,
  writeTransition,
} from '../store/evaluation-store.ts';
import { keys } from '../store/keys.ts';
import { getEmployee } from '../store/org-store.ts';
import { getPeriod, type Period } from '../store/period-store.ts';
import { getRubricVersion } from '../store/rubric-store.ts';
import { Access, hasAnyRelation } from './access.ts';
import { presentEvaluation, presentHistory } from './present.ts';
import { refreshRankingsAfterChange } from './rankings.ts';

export interface Caller {
  db: Db;
  principal: Principal;
  now: Date;
}

const MAX_ATTEMPTS = 8;
const NOT_FOUND_MESSAGE = 'Không tìm thấy phiếu đánh giá.';

async function loadVisible(caller: Caller, access: Access, employeeId: string, period: string) {
  const evaluation = await getEvaluation(caller.db, employeeId, period);
  if (!evaluation) throw notFound(NOT_FOUND_MESSAGE);
  const relations = await access.relationsTo(evaluation);
  // Someone with no part in an evaluation must not learn that it exists.
  if (!hasAnyRelation(relations)) throw notFound(NOT_FOUND_MESSAGE);
  return { evaluation, relations };
}

export async function readEvaluation(caller: Caller, employeeId: string, period: string) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const { evaluation } = await loadVisible(caller, access, employeeId, period);
  const periodRecord = await getPeriod(caller.db, period);
  return presentEvaluation(evaluation, periodRecord?.publishedAt ?? null);
}

export async function readHistory(caller: Caller, employeeId: string, period: string) {
  const access = new Access(caller.db, caller.principal, caller.now);
  await loadVisible(caller, access, employeeId, period);
  return { items: presentHistory(await listHistory(caller.db, employeeId, period)) };
}

export async function readEmployeeYear(caller: Caller, employeeId: string, year: number) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const employee = await getEmployee(caller.db, employeeId);
  const allowed =
    caller.principal.employeeId === employeeId ||
    access.isAdmin ||
    (employee !== null &&
      (employee.supervisorId === caller.principal.employeeId ||
        (await access.hrScopeContains(employee.unitId)) ||
        (await access.headsUnitOrAncestor(employee.unitId))));
  if (!allowed || (!employee && !access.isAdmin)) throw notFound('Không tìm thấy nhân sự.');
  const evaluations = await listEmployeeEvaluations(caller.db, employeeId, String(year));
  const published = await publishedAtByPeriod(
    caller.db,
    evaluations.map((e) => e.period),
  );
  return { items: evaluations.map((e) => presentEvaluation(e, published.get(e.period) ?? null)) };
}

export async function publishedAtByPeriod(db: Db, periods: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const period of new Set(periods)) out.set(period, (await getPeriod(db, period))?.publishedAt ?? null);
  return out;
}

/** Grades of the other approved members of a unit head's unit, for the leader rule. */
async function subordinateGrades(db: Db, evaluation: StoredEvaluation): Promise<Grade[] | undefined> {
  if (!evaluation.isUnitHead) return undefined;
  const members = await listQueue(db, keys.unitEvaluations(evaluation.unitId, evaluation.period));
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

export interface TransitionOptions {
  ifMatch: number | null;
  /** For the period-close job: acts as the system, not as a person. */
  relations?: ActorRelations;
}

/**
 * Applies one action. Returns the new evaluation; throws the contract's error when the rules refuse it, 412
 * when `If-Match` is stale, 409 CONFLICT when it could not get through after repeated concurrent changes.
 */
export async function transition(
  caller: Caller,
  employeeId: string,
  period: string,
  action: Action,
  options: TransitionOptions,
): Promise<{ evaluation: StoredEvaluation; period: Period | null }> {
  const access = new Access(caller.db, caller.principal, caller.now);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const now = caller.now;
    let evaluation: StoredEvaluation;
    let relations: ActorRelations;
    if (options.relations) {
      const found = await getEvaluation(caller.db, employeeId, period);
      if (!found) throw notFound(NOT_FOUND_MESSAGE);
      evaluation = found;
      relations = options.relations;
    } else {
      ({ evaluation, relations } = await loadVisible(caller, access, employeeId, period));
    }
    if (options.ifMatch !== null && options.ifMatch !== evaluation.version) {
      throw new ApiError(
        'PRECONDITION_FAILED',
        `Phiếu đã được cập nhật (phiên bản hiện tại ${evaluation.version}); hãy tải lại rồi thao tác tiếp.`,
      );
    }
    const [periodRecord, rubric, employee, counters, grades] = await Promise.all([
      getPeriod(caller.db, period),
      getRubricVersion(caller.db, evaluation.rubricId, evaluation.rubricVersion),
      getEmployee(caller.db, employeeId),
      getUnitPeriod(caller.db, evaluation.unitId, period),
      action.type === 'approve' || action.type === 'decideAppeal'
        ? subordinateGrades(caller.db, evaluation)
        : Promise.resolve(undefined),
    ]);
    if (!rubric) throw new Error(`rubric ${evaluation.rubricId} v${evaluation.rubricVersion} missing`);
    const decided = decide({
      evaluation: { ...evaluation, publishedAt: periodRecord?.publishedAt ?? null },
      relations,
      action,
      now: now.toISOString(),
      rubric,
      employeeFlags: employee?.flags ?? {},
      quota: { evaluated: counters.evaluated, outstanding: counters.outstanding, counts: counters.grades },
      appealDeadline: periodRecord?.appealDeadline ?? null,
      subordinateGrades: grades,
    });
    if (!decided.ok) throw new ApiError(decided.code, decided.message, decided.details ?? []);
    const next: StoredEvaluation = {
      ...evaluation,
      ...decided.next,
      // Publication belongs to the period; the evaluation item never stores it.
      publishedAt: null,
      employeeName: evaluation.employeeName,
      approverUnitId: evaluation.approverUnitId,
      createdAt: evaluation.createdAt,
      updatedAt: now.toISOString(),
    };
    const actingFor = relations.isActingApprover && !relations.isApprover ? evaluation.approverId : null;
    const event: HistoryEvent = {
      employeeId,
      period,
      version: next.version,
      at: now.toISOString(),
      actorId: relations.isSystem ? 'system' : caller.principal.employeeId,
      action: decided.event.action,
      fromStatus: decided.event.fromStatus,
      toStatus: decided.event.toStatus,
      comment: decided.event.comment,
      changes: decided.event.changes,
      onBehalfOf: actingFor,
    };
    const guard = involvesQuota(decided.gradeChange, rubric.quota.kind === 'shareOfB')
      ? counters.grades
      : null;
    const outcome = await writeTransition(caller.db, evaluation, next, event, decided.gradeChange, guard);
    if (outcome === 'written') {
      const changedPublished =
        action.type === 'decideAppeal' &&
        periodRecord?.status === 'CLOSED' &&
        (next.decision?.total !== evaluation.decision?.total ||
          next.decision?.grade !== evaluation.decision?.grade);
      // Published rankings must show the result as it now stands.
      if (changedPublished)
        await refreshRankingsAfterChange(caller.db, evaluation.unitId, period, now.toISOString());
      return { evaluation: next, period: periodRecord };
    }
    // Someone else changed the evaluation or the unit's grades first: decide again on what is there now.
    await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
  }
  throw new ApiError('CONFLICT', 'Có nhiều thao tác đồng thời trên phiếu này; vui lòng thử lại.');
}

export async function transitionAndPresent(
  caller: Caller,
  employeeId: string,
  period: string,
  action: Action,
  options: TransitionOptions,
) {
  const { evaluation, period: periodRecord } = await transition(caller, employeeId, period, action, options);
  return presentEvaluation(evaluation, periodRecord?.publishedAt ?? null);
}
