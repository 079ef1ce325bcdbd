/**
 * reopen-period (on demand, when an admin reopens a period closed by mistake): per unit, every evaluation the
 * close expired goes back to the status it had (history event `reopen`, by the admin, with the reason; the unit's
 * counters moved by the same transaction), then the unit's ranking (one step, one checkpoint, as the close ranks);
 * finalisation: the league tables up to the root, and the period OPEN again. The run's time is the reopening's
 * (`reopen.at`), so a run resumed later writes exactly what an uninterrupted one would, and a reopening after a
 * later close is a run of its own. Every write is conditional on the version read: racing or repeated runs bring
 * each evaluation back once.
 */
import { isValidPeriod } from '../../domain/calendar.ts';
import type { ActorRelations, Deadlines } from '../../domain/types.ts';
import type { Period } from '../../store/entities.ts';
import type { Store } from '../../store/store.ts';
import { attemptTransition } from '../evaluations.ts';
import { statusBeforeExpiry } from '../periods/reopen.ts';
import {
  finalizeRankings,
  planByUnitSize,
  type RankingStepResult,
  rankUnitsStep,
} from './compute-rankings.ts';
import { type JobContext, type RunReport, skippedRun } from './types.ts';
import { type StepWork, startUnitRun, type UnitJob } from './unit-run.ts';
import { transitionEachOfUnit } from './unit-transitions.ts';

export interface ReopenStepResult extends RankingStepResult {
  /** Evaluations of the unit brought back by this run. */
  restored: number;
}

const sameDeadlines = (a: Deadlines, b: Deadlines) =>
  a.selfAssessment === b.selfAssessment && a.review === b.review && a.approval === b.approval;

/** The admin who reopened, as the reopening acts: recorded as the actor of every `reopen` event. */
const adminRelations = (actorId: string): ActorRelations => ({
  actorId,
  isEmployee: false,
  isReviewer: false,
  isApprover: false,
  isActingApprover: false,
  isAppealDecider: false,
  isHrInScope: false,
  isAdmin: true,
});

/** Brings back every EXPIRED evaluation of a unit, as of the reopening's time; returns how many. */
export async function reopenUnit(store: Store, record: Period, unitId: string): Promise<number> {
  const reopen = record.reopen;
  if (!reopen) return 0;
  return transitionEachOfUnit(
    store,
    unitId,
    record.period,
    (e) => e.status === 'EXPIRED',
    async (e) => {
      // Expired before `expiredFrom` was recorded: its history says what it was (one Query, for those only).
      const before = e.expiredFrom
        ? null
        : statusBeforeExpiry(await store.evaluations.history(e.employeeId, record.period, e));
      return attemptTransition(
        { store, principal: { employeeId: reopen.by, groups: ['admin'] }, now: new Date(reopen.at) },
        e.employeeId,
        record.period,
        {
          type: 'reopen',
          reason: reopen.reason,
          deadlines: sameDeadlines(e.deadlines, record.deadlines) ? null : record.deadlines,
          before,
        },
        { ifMatch: null, relations: adminRelations(reopen.by) },
      );
    },
  );
}

export const reopenPeriodJob: UnitJob<ReopenStepResult> = {
  job: 'reopen-period',
  repeatable: false,
  onePerAt: true,
  plan: (ctx, run, units) => planByUnitSize(ctx, run.scope, units),
  async work(ctx, run, unitIds) {
    const record = await ctx.store.periods.get(run.scope);
    // A leftover message of a reopening finished or superseded (the period open, or closed again, since) brings
    // nothing back: only the reopening this run is for does.
    const live = record?.status === 'REOPENING' && record.reopen?.at === run.at ? record : null;
    const restored = new Map<string, number>();
    for (const unitId of unitIds) restored.set(unitId, live ? await reopenUnit(ctx.store, live, unitId) : 0);
    const ranked = await rankUnitsStep(ctx, run.scope, unitIds, run.at);
    const out = new Map<string, StepWork<ReopenStepResult>>();
    for (const [unitId, work] of ranked)
      out.set(unitId, { ...work, result: { ...work.result, restored: restored.get(unitId) ?? 0 } });
    return out;
  },
  async finalize(ctx, run, results, units) {
    const ranking = await finalizeRankings(ctx, run.scope, run.at, units, results);
    // A second run finishing alongside may have reopened it first; the result is the same.
    await ctx.store.periods.markReopened(run.scope);
    let restored = 0;
    for (const r of results.values()) restored += r.restored ?? 0;
    const stillExpired = (await ctx.store.evaluations.periodCounters(run.scope)).reduce(
      (n, c) => n + c.status.EXPIRED,
      0,
    );
    return { period: run.scope, reopenedAt: run.at, restored, stillExpired, units: ranking.units };
  },
};

/** The period asked for, or every period being reopened (a reopening whose job stopped is resumed). */
export async function startReopenPeriod(ctx: JobContext, target?: string): Promise<RunReport[]> {
  if (target !== undefined && !isValidPeriod(target)) throw new Error(`not a period: ${target}`);
  const candidates =
    target !== undefined ? [await ctx.store.periods.get(target)] : await ctx.store.periods.list();
  const reports: RunReport[] = [];
  for (const record of candidates) {
    if (record?.status !== 'REOPENING' || !record.reopen) {
      if (target !== undefined)
        reports.push(skippedRun('reopen-period', target, `Kỳ ${target} không ở trạng thái đang mở lại.`));
      continue;
    }
    reports.push(await startUnitRun(ctx, reopenPeriodJob, record.period, { at: new Date(record.reopen.at) }));
  }
  return reports;
}
