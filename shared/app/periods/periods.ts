/**
 * Period use cases of the API: open, read, close, and start a recomputation of the rankings. The work itself is
 * the jobs' (app/jobs): locally it runs in this process, in AWS the job's own function gets it, since a city's
 * 170,000 drafts take minutes and a request 30 seconds at most.
 */
import { forbidden, notFound } from '../../domain/errors.ts';
import type { Deadlines, EvaluationStatus } from '../../domain/types.ts';
import { EVALUATION_STATUSES } from '../../domain/types.ts';
import type { Period } from '../../store/entities.ts';
import type { Store } from '../../store/store.ts';
import { Access, subtreeIds } from '../access.ts';
import type { Caller } from '../caller.ts';
import { beginClosing } from '../jobs/close-period.ts';
import { beginRun } from '../jobs/runs.ts';
import type { JobStarter } from '../jobs/types.ts';
import { createPeriodRecord } from './open.ts';
import { reopenableUntil } from './reopenable.ts';

/** A caller who may start jobs: the API gives it a starter (inline locally, the job's function in AWS). */
export type PeriodCaller = Caller & { jobs: JobStarter };

/** Admins and HR of a top-level unit open and close periods: they are city-wide. */
export async function requirePeriodManager(access: Access): Promise<void> {
  if (!access.isAdmin && !(await access.isTopLevelHr())) {
    throw forbidden('Chỉ quản trị hoặc cơ quan tổ chức cán bộ cấp cao nhất được mở, đóng kỳ đánh giá.');
  }
}

export function requireHrOrAdmin(access: Access, message?: string): void {
  if (!access.isAdmin && !access.isHr) throw forbidden(message);
}

export async function periodCounts(store: Store, period: string, unitIds: Set<string> | null) {
  const counts = Object.fromEntries(EVALUATION_STATUSES.map((s) => [s, 0])) as Record<
    EvaluationStatus,
    number
  >;
  // HR's scope: only its units' counters are read (each is read by key).
  for (const unit of await store.evaluations.periodCounters(period, unitIds ? [...unitIds] : undefined)) {
    for (const status of EVALUATION_STATUSES) counts[status] += unit.status[status];
  }
  return counts;
}

/** Who reads the period, for what they may do with it now (reopening is an admin's). */
export interface PeriodViewer {
  isAdmin: boolean;
  now: Date;
}

export function presentPeriod(
  record: Period,
  counts: Record<EvaluationStatus, number>,
  viewer: PeriodViewer | null = null,
) {
  const until = viewer ? reopenableUntil(record, viewer.now) : null;
  return {
    period: record.period,
    // CLOSING and REOPENING are internal steps; to users the period is open until it is closed, and again once
    // an admin reopened it.
    status: record.status === 'CLOSED' ? 'CLOSED' : 'OPEN',
    closing: record.status === 'CLOSING',
    reopening: record.status === 'REOPENING',
    deadlines: record.deadlines,
    closesAt: record.closesAt,
    openedAt: record.openedAt,
    closedAt: record.closedAt,
    publishedAt: record.publishedAt,
    appealDeadline: record.appealDeadline,
    counts,
    skipped: record.skipped,
    skippedCount: record.skippedCount ?? record.skipped.length,
    /** The employee categories this period evaluates (its cycle's); null on periods opened before cycles. */
    categories: record.categories ?? null,
    /** Appeals filed since the close (a period with any cannot be reopened). */
    appealsFiled: record.appealsFiled ?? 0,
    /** Until when the period may be reopened (its appeal deadline), null when it cannot be now. */
    reopenableUntil: until,
    /** Whether the reader may reopen it now (admins only). */
    mayReopen: viewer?.isAdmin === true && until !== null,
  };
}

export type PresentedPeriod = ReturnType<typeof presentPeriod>;

/** The period decided now; its drafts follow, here (locally) or in the job's own function (AWS: handed off). */
export async function openPeriodForCaller(
  caller: PeriodCaller,
  period: string,
  deadlines: Deadlines | undefined,
): Promise<{ handedOff: boolean; period: PresentedPeriod }> {
  const access = Access.of(caller);
  await requirePeriodManager(access);
  const { store } = caller;
  const at = caller.now.toISOString();
  const { period: record } = await createPeriodRecord(
    store,
    period,
    deadlines,
    at,
    caller.principal.employeeId,
  );
  // Opening again creates drafts for staff added since: always a new run of the opening.
  const started =
    record.status === 'OPEN'
      ? await caller.jobs.start('open-period', period, { wait: true, fresh: true })
      : { handedOff: false, runs: [] };
  const latest = (await store.periods.get(period)) ?? record;
  return {
    handedOff: started.handedOff,
    period: presentPeriod(latest, await periodCounts(store, period, null), viewerOf(access, caller)),
  };
}

const viewerOf = (access: Access, caller: Caller): PeriodViewer => ({
  isAdmin: access.isAdmin,
  now: caller.now,
});

export async function readPeriod(caller: Caller, period: string) {
  const access = Access.of(caller);
  requireHrOrAdmin(access);
  const record = await caller.store.periods.get(period);
  if (!record) throw notFound(`Chưa mở kỳ đánh giá ${period}.`);
  let scope: Set<string> | null = null;
  if (!access.isAdmin) {
    // HR sees the counts of its own subtree.
    const me = await access.me();
    scope = me ? subtreeIds(await caller.store.org.listUnits(), me.unitId) : new Set();
  }
  return presentPeriod(record, await periodCounts(caller.store, period, scope), viewerOf(access, caller));
}

/**
 * Closes a period: OPEN → CLOSING now (from then on no close starts twice), then the close-period job expires what
 * was not approved, ranks and publishes, here (locally) or in its own function (AWS: handed off).
 */
export async function closePeriodForCaller(
  caller: PeriodCaller,
  period: string,
): Promise<{ handedOff: boolean; period: PresentedPeriod }> {
  const access = Access.of(caller);
  await requirePeriodManager(access);
  const { store } = caller;
  const closing = await beginClosing(store, period, caller.now);
  if (!closing) throw notFound(`Chưa mở kỳ đánh giá ${period}.`);
  const started =
    closing.status !== 'CLOSED'
      ? await caller.jobs.start('close-period', period, { wait: true })
      : { handedOff: false, runs: [] };
  const latest = (await store.periods.get(period)) ?? closing;
  return {
    handedOff: started.handedOff,
    period: presentPeriod(latest, await periodCounts(store, period, null), viewerOf(access, caller)),
  };
}

const presentRun = (run: {
  runId: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
}) => ({
  runId: run.runId,
  status: run.status,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
});

/**
 * Starts a recomputation of every ranking of the period and returns at once with the run to follow: the work is
 * the compute-rankings job's (never inside a request: a city is 170,000 evaluations).
 */
export async function computeRankingsForCaller(caller: PeriodCaller, period: string) {
  const access = Access.of(caller);
  requireHrOrAdmin(access, 'Chỉ quản trị hoặc cơ quan tổ chức cán bộ được tính xếp hạng.');
  const { store } = caller;
  if (!(await store.periods.get(period))) throw notFound(`Chưa mở kỳ đánh giá ${period}.`);
  const { run } = await beginRun(store, {
    job: 'compute-rankings',
    scope: period,
    trigger: { kind: 'manual', fresh: true },
    at: caller.now,
    repeatable: true,
  });
  // The job resumes this run (a manual start that is not fresh continues the current run).
  await caller.jobs.start('compute-rankings', period, { wait: false });
  return { period, computedAt: run.at, ...presentRun(run) };
}

/** The state of a recomputation started by `computeRankingsForCaller`; a newer run supersedes it. */
export async function readRankingRun(caller: Caller, period: string, runId: string) {
  const access = Access.of(caller);
  requireHrOrAdmin(access);
  const run = await caller.store.runs.get('compute-rankings', period);
  if (!run) throw notFound(`Chưa có lần tính xếp hạng nào cho kỳ ${period}.`);
  if (run.runId !== runId)
    return { period, runId, status: 'SUPERSEDED', startedAt: null, finishedAt: null, current: run.runId };
  return { period, computedAt: run.at, ...presentRun(run), summary: run.summary };
}
