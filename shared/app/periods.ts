/**
 * Period use cases: open (idempotent, with the org snapshot), status with counts, close (resumable).
 * The scheduled jobs call the same functions as the API.
 */

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { appealDeadline, deadlinesFor, validateDeadlines } from '../domain/calendar.ts';
import type { Deadlines, EvaluationStatus } from '../domain/types.ts';
import { EVALUATION_STATUSES } from '../domain/types.ts';
import { ApiError, forbidden, notFound, validationFailed } from '../http/errors.ts';
import type { Db } from '../store/client.ts';
import {
  createDraft,
  evaluationItem,
  type HistoryEvent,
  listQueue,
  listUnitPeriods,
  type StoredEvaluation,
} from '../store/evaluation-store.ts';
import { keys } from '../store/keys.ts';
import {
  type Employee,
  getEmployees,
  getUnit,
  listUnitStaff,
  listUnits,
  type Unit,
} from '../store/org-store.ts';
import {
  createPeriodIfMissing,
  getPeriod,
  MAX_SKIPPED_LISTED,
  markClosed,
  markClosing,
  type Period,
  type SkippedEmployee,
  setSkipped,
} from '../store/period-store.ts';
import { getLatestRubric } from '../store/rubric-store.ts';
import { Access, subtreeIds } from './access.ts';
import { type Invoker, startInBackground } from './background-jobs.ts';
import { rubricIdFor } from './config.ts';
import type { Caller } from './evaluations.ts';
import { transition } from './evaluations.ts';
import { inParallel } from './parallel.ts';
import { computeAllRankings } from './rankings.ts';

export async function requirePeriodManager(access: Access): Promise<void> {
  if (!access.isAdmin && !(await access.isTopLevelHr())) {
    throw forbidden('Chỉ quản trị hoặc cơ quan tổ chức cán bộ cấp cao nhất được mở, đóng kỳ đánh giá.');
  }
}

/** Who reviews and who approves an employee, from the org as it is now. */
export interface OrgSnapshot {
  units: Map<string, Unit>;
  heads: Map<string, Employee | null>;
  staff: Map<string, Employee[]>;
}

export async function loadOrgSnapshot(db: Db): Promise<OrgSnapshot> {
  const units = await listUnits(db);
  const staff = new Map<string, Employee[]>();
  const heads = new Map<string, Employee | null>();
  await inParallel(units, 8, async (unit) => {
    const members = await listUnitStaff(db, unit.id);
    staff.set(unit.id, members);
    const unitHeads = members.filter((e) => e.isUnitHead && e.active);
    heads.set(unit.id, unitHeads.length === 1 ? (unitHeads[0] ?? null) : null);
  });
  return { units: new Map(units.map((u) => [u.id, u])), heads, staff };
}

/**
 * The part of the org that one unit's drafts depend on: the unit and its staff, the parent unit and its staff
 * (whose head approves the unit head), and supervisors working in other units (only whether they are active
 * matters). `assign` gives the same answers on it as on the whole org, for that unit's staff: this is what lets
 * the open-period job work one unit at a time without loading 170,000 employees per unit.
 */
export async function loadUnitOrgSnapshot(db: Db, unitId: string): Promise<OrgSnapshot> {
  const snapshot: OrgSnapshot = { units: new Map(), heads: new Map(), staff: new Map() };
  const unit = await getUnit(db, unitId);
  if (!unit) return snapshot;
  const members = await listUnitStaff(db, unit.id);
  const addUnit = (u: Unit, staff: Employee[]) => {
    snapshot.units.set(u.id, u);
    snapshot.staff.set(u.id, staff);
    const unitHeads = staff.filter((e) => e.isUnitHead && e.active);
    snapshot.heads.set(u.id, unitHeads.length === 1 ? (unitHeads[0] ?? null) : null);
  };
  addUnit(unit, members);
  // Only a unit head is approved from the parent unit.
  const parent =
    unit.parentId !== null && members.some((e) => e.isUnitHead && e.active)
      ? await getUnit(db, unit.parentId)
      : null;
  if (parent) addUnit(parent, await listUnitStaff(db, parent.id));
  const known = new Set([...snapshot.staff.values()].flat().map((e) => e.id));
  const outside = members
    .map((e) => e.supervisorId)
    .filter((id): id is string => id !== null && !known.has(id));
  if (outside.length > 0) {
    for (const supervisor of (await getEmployees(db, outside)).values()) {
      // Listed under their own unit, for the active check only: that unit's head is never consulted.
      const list = snapshot.staff.get(supervisor.unitId) ?? [];
      if (!snapshot.staff.has(supervisor.unitId)) snapshot.staff.set(supervisor.unitId, list);
      list.push(supervisor);
    }
  }
  return snapshot;
}

/** Active employee ids per snapshot, worked out once: per employee it made opening a city quadratic. */
const activeIdsCache = new WeakMap<OrgSnapshot['staff'], Set<string>>();
function activeIdsOf(snapshot: OrgSnapshot): Set<string> {
  let ids = activeIdsCache.get(snapshot.staff);
  if (!ids) {
    ids = new Set(
      [...snapshot.staff.values()]
        .flat()
        .filter((e) => e.active)
        .map((e) => e.id),
    );
    activeIdsCache.set(snapshot.staff, ids);
  }
  return ids;
}

type Assignment =
  | { ok: true; reviewerId: string; approverId: string; approverUnitId: string }
  | { ok: false; reason: string };

/**
 * The reviewer is the supervisor (the unit head when none); the approver is the unit head; a unit head is
 * reviewed and approved by the head of the parent unit (DOMAIN.md, API.md). Nobody reviews or approves
 * themselves: such an employee is skipped and reported for HR to fix the org data.
 */
export function assign(employee: Employee, snapshot: OrgSnapshot): Assignment {
  const unit = snapshot.units.get(employee.unitId);
  if (!unit) return { ok: false, reason: 'Đơn vị của nhân sự không tồn tại.' };
  const approverUnitId = employee.isUnitHead ? unit.parentId : unit.id;
  if (approverUnitId === null) {
    return { ok: false, reason: 'Người đứng đầu đơn vị cấp cao nhất: không có cấp trên để phê duyệt.' };
  }
  const approver = snapshot.heads.get(approverUnitId) ?? null;
  if (!approver || approver.id === employee.id) {
    return {
      ok: false,
      reason: `Đơn vị "${approverUnitId}" chưa có (đúng một) người đứng đầu để phê duyệt.`,
    };
  }
  const activeIds = activeIdsOf(snapshot);
  const supervisor =
    employee.supervisorId !== null && activeIds.has(employee.supervisorId) ? employee.supervisorId : null;
  const reviewerId = supervisor ?? approver.id;
  if (reviewerId === employee.id) return { ok: false, reason: 'Nhân sự không thể tự nhận xét chính mình.' };
  return { ok: true, reviewerId, approverId: approver.id, approverUnitId };
}

/** 49 drafts and their history events plus the unit's counters: 99 of the 100 items a transaction may hold. */
const DRAFTS_PER_TRANSACTION = 49;
const MAX_CONFLICT_RETRIES = 6;

interface NewDraft {
  draft: StoredEvaluation;
  event: HistoryEvent;
}

/**
 * Writes drafts of one unit in one transaction: each draft only if it does not exist, its history event, and the
 * unit's counters raised by the number written, so the counters can never drift from the drafts. When a draft
 * exists already (a rerun, or the API opening the same period at the same moment) the transaction is refused
 * as a whole and the chunk goes one draft at a time, each conditional.
 */
async function createDraftChunk(db: Db, chunk: NewDraft[], unitOutstanding: boolean): Promise<number> {
  const first = chunk[0];
  if (!first) return 0;
  const counters = keys.unitPeriod(first.draft.unitId, first.draft.period);
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...chunk.flatMap(({ draft, event }) => [
              {
                Put: {
                  TableName: db.tableName,
                  Item: evaluationItem(draft),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: db.tableName,
                  Item: { ...keys.history(event.employeeId, event.period, event.version), ...event },
                },
              },
            ]),
            {
              Update: {
                TableName: db.tableName,
                Key: { pk: counters.pk, sk: counters.sk },
                UpdateExpression:
                  'SET gsi1pk = :g1pk, gsi1sk = :g1sk, entityType = :type, unitId = :unit, #period = :period, outstanding = :out ADD evaluated :n, n_DRAFT :n',
                ExpressionAttributeNames: { '#period': 'period' },
                ExpressionAttributeValues: {
                  ':g1pk': counters.gsi1pk,
                  ':g1sk': counters.gsi1sk,
                  ':type': counters.entityType,
                  ':unit': first.draft.unitId,
                  ':period': first.draft.period,
                  ':out': unitOutstanding,
                  ':n': chunk.length,
                },
              },
            },
          ],
        }),
      );
      return chunk.length;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
        let created = 0;
        for (const { draft, event } of chunk) {
          if ((await createDraft(db, draft, event, unitOutstanding)) === 'created') created++;
        }
        return created;
      }
      // Someone moved the unit's counters at the same instant (an early self-assessment): try again shortly.
      if (attempt >= MAX_CONFLICT_RETRIES || !reasons.some((r) => r.Code === 'TransactionConflict'))
        throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt));
    }
  }
}

/**
 * Creates the drafts of one unit (skipping those that exist). The fan-out unit of the open-period job.
 * `existing` counts the unit's evaluations of the period that were there already.
 */
export async function openUnit(
  db: Db,
  period: Period,
  unitId: string,
  snapshot: OrgSnapshot,
  at: string,
  actorId: string,
): Promise<{ created: number; existing: number; skipped: SkippedEmployee[] }> {
  const unit = snapshot.units.get(unitId);
  if (!unit) return { created: 0, existing: 0, skipped: [] };
  const rubricVersions = new Map<string, number>();
  const skipped: SkippedEmployee[] = [];
  // One Query instead of one refused write per existing draft when the opening runs again. The index may lag
  // behind a draft written a moment ago; the conditional writes below still catch it.
  const existingIds = new Set(
    (await listQueue(db, keys.unitEvaluations(unitId, period.period))).map((e) => e.employeeId),
  );
  const pending: NewDraft[] = [];
  for (const employee of snapshot.staff.get(unitId) ?? []) {
    if (!employee.active || existingIds.has(employee.id)) continue;
    const assignment = assign(employee, snapshot);
    if (!assignment.ok) {
      skipped.push({ employeeId: employee.id, reason: assignment.reason });
      continue;
    }
    const rubricId = rubricIdFor(employee.category);
    let rubricVersion = rubricVersions.get(rubricId);
    if (rubricVersion === undefined) {
      rubricVersion = (await getLatestRubric(db, rubricId))?.version ?? 1;
      rubricVersions.set(rubricId, rubricVersion);
    }
    const draft: StoredEvaluation = {
      employeeId: employee.id,
      employeeName: employee.name,
      period: period.period,
      unitId,
      category: employee.category,
      isUnitHead: employee.isUnitHead,
      status: 'DRAFT',
      returnedTo: null,
      version: 1,
      rubricId,
      rubricVersion,
      reviewerId: assignment.reviewerId,
      approverId: assignment.approverId,
      approverUnitId: assignment.approverUnitId,
      deadlines: period.deadlines,
      selfAssessment: null,
      review: null,
      decision: null,
      appeal: null,
      flags: {},
      publishedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    pending.push({
      draft,
      event: {
        employeeId: employee.id,
        period: period.period,
        version: 1,
        at,
        actorId,
        action: 'open',
        fromStatus: null,
        toStatus: 'DRAFT',
        comment: null,
        changes: { reviewerId: draft.reviewerId, approverId: draft.approverId, rubricId, rubricVersion },
      },
    });
  }
  let created = 0;
  // One chunk at a time within a unit: every chunk updates the unit's counters, and parallel writes would only conflict.
  for (let i = 0; i < pending.length; i += DRAFTS_PER_TRANSACTION) {
    created += await createDraftChunk(db, pending.slice(i, i + DRAFTS_PER_TRANSACTION), unit.outstanding);
  }
  return { created, existing: existingIds.size, skipped };
}

export async function createPeriodRecord(
  db: Db,
  period: string,
  deadlines: Deadlines | undefined,
  at: string,
  actorId: string,
): Promise<{ created: boolean; period: Period }> {
  if (deadlines) {
    const problems = validateDeadlines(period, deadlines);
    if (problems.length > 0) throw validationFailed(problems.map((p) => ({ ...p, path: `body.${p.path}` })));
  }
  const calendar = deadlinesFor(period);
  const chosen = deadlines ?? {
    selfAssessment: calendar.selfAssessment,
    review: calendar.review,
    approval: calendar.approval,
  };
  const closesAt = deadlines
    ? new Date(Math.max(Date.parse(deadlines.approval) + 1, Date.parse(calendar.closesAt))).toISOString()
    : calendar.closesAt;
  return createPeriodIfMissing(db, {
    period,
    status: 'OPEN',
    deadlines: chosen,
    closesAt,
    openedAt: at,
    openedBy: actorId,
    skipped: [],
    closedAt: null,
    publishedAt: null,
    appealDeadline: null,
  });
}

/**
 * Opens a period: the period record, then a draft for every active employee with reviewer, approver and
 * rubric fixed from the org as it is now. Running it again creates only what is missing (e.g. after a crash,
 * or for staff added since) and never touches an existing evaluation.
 */
export async function openPeriod(
  db: Db,
  period: string,
  deadlines: Deadlines | undefined,
  at: string,
  actorId: string,
) {
  const { period: record } = await createPeriodRecord(db, period, deadlines, at, actorId);
  if (record.status !== 'OPEN') return { period: record, created: 0 };
  const snapshot = await loadOrgSnapshot(db);
  const results = await inParallel([...snapshot.units.keys()], 8, (unitId) =>
    openUnit(db, record, unitId, snapshot, at, actorId),
  );
  const skipped = results.flatMap((r) => r.skipped).sort((a, b) => a.employeeId.localeCompare(b.employeeId));
  await setSkipped(db, period, skipped);
  return {
    period: { ...record, skipped: skipped.slice(0, MAX_SKIPPED_LISTED), skippedCount: skipped.length },
    created: results.reduce((n, r) => n + r.created, 0),
  };
}

export async function periodCounts(db: Db, period: string, unitIds: Set<string> | null) {
  const counts = Object.fromEntries(EVALUATION_STATUSES.map((s) => [s, 0])) as Record<
    EvaluationStatus,
    number
  >;
  for (const unit of await listUnitPeriods(db, period)) {
    if (unitIds && !unitIds.has(unit.unitId)) continue;
    for (const status of EVALUATION_STATUSES) counts[status] += unit.status[status];
  }
  return counts;
}

export function presentPeriod(record: Period, counts: Record<EvaluationStatus, number>) {
  return {
    period: record.period,
    // CLOSING is an internal step of closing; to users the period is still open until it is closed.
    status: record.status === 'CLOSED' ? 'CLOSED' : 'OPEN',
    deadlines: record.deadlines,
    closesAt: record.closesAt,
    openedAt: record.openedAt,
    closedAt: record.closedAt,
    publishedAt: record.publishedAt,
    appealDeadline: record.appealDeadline,
    counts,
    skipped: record.skipped,
    skippedCount: record.skippedCount ?? record.skipped.length,
  };
}

export async function openPeriodForCaller(
  caller: Caller,
  period: string,
  deadlines: Deadlines | undefined,
  invoke?: Invoker,
) {
  const access = new Access(caller.db, caller.principal, caller.now);
  await requirePeriodManager(access);
  const at = caller.now.toISOString();
  const actor = caller.principal.employeeId;
  // The period and its deadlines are decided now; the drafts follow, here or in the job's own function.
  const { period: record } = await createPeriodRecord(caller.db, period, deadlines, at, actor);
  const opened =
    record.status === 'OPEN' && !(await startInBackground('open-period', period, invoke))
      ? (await openPeriod(caller.db, period, deadlines, at, actor)).period
      : record;
  return presentPeriod(opened, await periodCounts(caller.db, period, null));
}

export async function readPeriod(caller: Caller, period: string) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const record = await getPeriod(caller.db, period);
  if (!access.isAdmin && !access.isHr) throw forbidden();
  if (!record) throw notFound(`Chưa mở kỳ đánh giá ${period}.`);
  let scope: Set<string> | null = null;
  if (!access.isAdmin) {
    // HR sees the counts of its own subtree.
    const me = await access.me();
    scope = me ? subtreeIds(await listUnits(caller.db), me.unitId) : new Set();
  }
  return presentPeriod(record, await periodCounts(caller.db, period, scope));
}

/** The system, as the close job acts: it may only expire what was not approved in time. */
const SYSTEM = {
  principal: { employeeId: 'system', groups: [] },
  relations: {
    actorId: 'system',
    isEmployee: false,
    isReviewer: false,
    isApprover: false,
    isActingApprover: false,
    isAppealDecider: false,
    isHrInScope: false,
    isAdmin: false,
    isSystem: true,
  },
} as const;

/** Expires every evaluation of a unit that was not approved: the fan-out unit of the close job. */
export async function expireUnit(db: Db, period: string, unitId: string, now: Date): Promise<number> {
  let expired = 0;
  for (const e of await listQueue(db, keys.unitEvaluations(unitId, period))) {
    if (e.status === 'APPROVED' || e.status === 'EXPIRED') continue;
    try {
      await transition(
        { db, principal: { ...SYSTEM.principal, groups: [] }, now },
        e.employeeId,
        period,
        { type: 'expire' },
        {
          ifMatch: null,
          relations: SYSTEM.relations,
        },
      );
      expired++;
    } catch (error) {
      // Approved or expired since the (eventually consistent) index listed it: nothing left to expire.
      if (error instanceof ApiError && error.code === 'INVALID_TRANSITION') continue;
      throw error;
    }
  }
  return expired;
}

/**
 * How the steps of a close are carried out. The API runs them as they are; the scheduled job passes versions
 * that checkpoint each unit, so that a close interrupted at city scale resumes where it stopped.
 */
export interface CloseSteps {
  expireUnit(unitId: string, now: Date): Promise<number>;
  computeRankings(units: Unit[], computedAt: string): Promise<void>;
}

/** When the close began: a close resumed later still closes as of that instant, so its result does not move. */
async function closingTime(db: Db, record: Period, now: Date): Promise<string> {
  const started = (record as Period & { closingStartedAt?: string }).closingStartedAt;
  if (record.status === 'CLOSING' && started) return started;
  const at = now.toISOString();
  if (record.status === 'OPEN' && (await markClosing(db, record.period, at))) return at;
  // Someone else began the close a moment ago: take their time.
  const current = (await getPeriod(db, record.period)) as (Period & { closingStartedAt?: string }) | null;
  return current?.closingStartedAt ?? at;
}

/**
 * Closes a period: OPEN → CLOSING, every evaluation not approved → EXPIRED, rankings computed, results
 * published (CLOSED, with the appeal deadline). Each step can be repeated, so a close that stopped half-way
 * is finished by running it again (as of the time it began); a closed period is left as it is.
 */
export async function closePeriod(db: Db, period: string, now: Date, steps: Partial<CloseSteps> = {}) {
  const record = await getPeriod(db, period);
  if (!record) throw notFound(`Chưa mở kỳ đánh giá ${period}.`);
  if (record.status === 'CLOSED') return { period: record, expired: 0 };
  const at = await closingTime(db, record, now);
  const closeNow = new Date(at);
  const expire = steps.expireUnit ?? ((unitId: string, when: Date) => expireUnit(db, period, unitId, when));
  const rank =
    steps.computeRankings ??
    (async (units: Unit[], computedAt: string) => {
      await computeAllRankings(db, period, computedAt, { units });
    });
  const units = await listUnits(db);
  const expired = await inParallel(units, 8, (unit) => expire(unit.id, closeNow));
  await rank(units, at);
  const appeal = appealDeadline(at);
  if (!appeal) throw new Error('appeal deadline not computable');
  const current = await getPeriod(db, period);
  // A second close running alongside may have finished first; its result is the same.
  if (current?.status !== 'CLOSED') await markClosed(db, period, at, appeal);
  const closed = await getPeriod(db, period);
  return { period: closed ?? record, expired: expired.reduce((a, b) => a + b, 0) };
}

export async function closePeriodForCaller(caller: Caller, period: string, invoke?: Invoker) {
  const access = new Access(caller.db, caller.principal, caller.now);
  await requirePeriodManager(access);
  const record = await getPeriod(caller.db, period);
  if (!record) throw notFound(`Chưa mở kỳ đánh giá ${period}.`);
  if (record.status === 'OPEN') await markClosing(caller.db, period, caller.now.toISOString());
  // From CLOSING on, no new work starts; the rest (expiry, rankings, publication) runs here or in the job.
  const closed =
    record.status !== 'CLOSED' && (await startInBackground('close-period', period, invoke))
      ? { ...record, status: 'CLOSING' as const }
      : (await closePeriod(caller.db, period, caller.now)).period;
  return presentPeriod(closed, await periodCounts(caller.db, period, null));
}

export async function computeRankingsForCaller(caller: Caller, period: string) {
  const access = new Access(caller.db, caller.principal, caller.now);
  if (!access.isAdmin && !access.isHr)
    throw forbidden('Chỉ quản trị hoặc cơ quan tổ chức cán bộ được tính xếp hạng.');
  if (!(await getPeriod(caller.db, period))) throw notFound(`Chưa mở kỳ đánh giá ${period}.`);
  let units = await listUnits(caller.db);
  if (!access.isAdmin) {
    // HR recomputes its own subtree only.
    const me = await access.me();
    const scope = me ? subtreeIds(units, me.unitId) : new Set<string>();
    units = units.filter((u) => scope.has(u.id));
  }
  const computedAt = caller.now.toISOString();
  await computeAllRankings(caller.db, period, computedAt, { units });
  return { period, computedAt, units: units.length };
}
