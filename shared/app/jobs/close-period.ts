/**
 * close-period (daily, 00:30, or at once when an admin closes a period): closes every period whose close time
 * (`closesAt`, after the approval deadline, moved with weekends and holidays) has come, or whose close has begun:
 * OPEN → CLOSING; per unit, every evaluation not approved → EXPIRED, then the unit's ranking (one step, one
 * checkpoint); finalisation: the league tables up to the root, then CLOSED with the appeal deadline (published).
 * The close's time is the moment it began (`closingStartedAt`), so a close resumed later stores exactly what an
 * uninterrupted one would. It is the ranking pipeline of compute-rankings.ts with the expiry before each unit, and
 * each unit's publication notices (in-app) after it.
 */
import { appealDeadline, isValidPeriod } from '../../domain/calendar.ts';
import type { ActorRelations } from '../../domain/types.ts';
import type { Period } from '../../store/entities.ts';
import type { Store } from '../../store/store.ts';
import { SYSTEM_ACTOR } from '../caller.ts';
import { attemptTransition } from '../evaluations.ts';
import { publicationNotices } from '../notification-rules.ts';
import {
  finalizeRankings,
  planByUnitSize,
  type RankingStepResult,
  rankUnitsStep,
} from './compute-rankings.ts';
import { type JobContext, type RunReport, skippedRun } from './types.ts';
import { startUnitRun, type UnitJob } from './unit-run.ts';
import { transitionEachOfUnit } from './unit-transitions.ts';

/** The system, as the close acts: it may only expire what was not approved in time. */
const SYSTEM_RELATIONS: ActorRelations = {
  actorId: SYSTEM_ACTOR,
  isEmployee: false,
  isReviewer: false,
  isApprover: false,
  isActingApprover: false,
  isAppealDecider: false,
  isHrInScope: false,
  isAdmin: false,
  isSystem: true,
};

/** Expires every evaluation of a unit that was not approved, as of the close's time; returns how many. */
export function expireUnit(store: Store, period: string, unitId: string, at: Date): Promise<number> {
  return transitionEachOfUnit(
    store,
    unitId,
    period,
    (e) => e.status !== 'APPROVED' && e.status !== 'EXPIRED',
    (e) =>
      attemptTransition(
        { store, principal: { employeeId: SYSTEM_ACTOR, groups: [] }, now: at },
        e.employeeId,
        period,
        { type: 'expire' },
        { ifMatch: null, relations: SYSTEM_RELATIONS },
      ),
  );
}

export const closePeriodJob: UnitJob<RankingStepResult> = {
  job: 'close-period',
  repeatable: false,
  // Each close is its own run (its time is when it began): a period reopened and closed again is closed anew.
  onePerAt: true,
  plan: (ctx, run, units) => planByUnitSize(ctx, run.scope, units),
  async work(ctx, run, unitIds) {
    const at = new Date(run.at);
    for (const unitId of unitIds) await expireUnit(ctx.store, run.scope, unitId, at);
    const ranked = await rankUnitsStep(ctx, run.scope, unitIds, run.at);
    // Everyone of the unit learns the result is published: written before the unit's checkpoint, in batches, with
    // ids fixed by the close's time (a step redone after a crash writes the same items). They show once the
    // period is CLOSED.
    for (const unitId of unitIds) {
      const rows = await ctx.store.evaluations.rankingRows(unitId, run.scope);
      await ctx.store.notifications.putMany(publicationNotices(run.scope, run.at, rows));
    }
    return ranked;
  },
  async finalize(ctx, run, results, units) {
    const ranking = await finalizeRankings(ctx, run.scope, run.at, units, results);
    const appeal = appealDeadline(run.at);
    if (!appeal) throw new Error(`appeal deadline not computable from ${run.at}`);
    // A second close running alongside may have finished first; its result is the same.
    await ctx.store.periods.markClosed(run.scope, run.at, appeal);
    return {
      period: run.scope,
      closedAt: run.at,
      appealDeadline: appeal,
      // After the close, whatever was not approved has expired.
      expired: ranking.evaluated - ranking.approved,
      units: ranking.units,
      approved: ranking.approved,
    };
  },
};

/** Due once its close time has come, or as soon as a close has begun (by hand through the API, or a run that stopped). */
const due = (p: Period, now: Date) =>
  p.status === 'CLOSING' || (p.status === 'OPEN' && Date.parse(p.closesAt) <= now.getTime());

/** OPEN → CLOSING (once), and the instant the close began, which is the close's time. */
export async function beginClosing(store: Store, period: string, now: Date): Promise<Period | null> {
  const record = await store.periods.get(period);
  if (record?.status !== 'OPEN') return record;
  await store.periods.markClosing(period, now.toISOString());
  // Someone else may have begun the close a moment ago: take their time.
  return store.periods.get(period);
}

export async function startClosePeriod(ctx: JobContext, target?: string): Promise<RunReport[]> {
  if (target !== undefined && !isValidPeriod(target)) throw new Error(`not a period: ${target}`);
  const candidates =
    target !== undefined ? [await ctx.store.periods.get(target)] : await ctx.store.periods.list();
  const reports: RunReport[] = [];
  for (const candidate of candidates) {
    if (!candidate) {
      reports.push(skippedRun('close-period', target ?? '', `Chưa mở kỳ đánh giá ${target ?? ''}.`));
      continue;
    }
    if (!due(candidate, ctx.now)) {
      // Asked for by name: say why nothing happened. On the daily schedule, silence is the normal case.
      if (target !== undefined) {
        const why =
          candidate.status === 'CLOSED' ? 'đã đóng' : `chưa đến thời điểm đóng (${candidate.closesAt})`;
        reports.push(skippedRun('close-period', candidate.period, `Kỳ ${candidate.period} ${why}.`));
      }
      continue;
    }
    const closing = await beginClosing(ctx.store, candidate.period, ctx.now);
    if (closing?.status === 'CLOSED') continue;
    const at = new Date(closing?.closingStartedAt ?? ctx.now.toISOString());
    reports.push(await startUnitRun(ctx, closePeriodJob, candidate.period, { at }));
  }
  return reports;
}
