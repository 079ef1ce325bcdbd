/**
 * compute-rankings: every unit's ranking snapshot (ranks, distribution, quota use, participation, late counts,
 * inflation signals) and every parent's league table of its sub-units up to the root, for each open period.
 *
 * Per unit (a step ranks a few small units together): the unit's evaluations (one Query, only what a ranking
 * reads) and its snapshot, which carries the unit's own figures, then the unit's checkpoint (which keeps them
 * too). Finalisation: the subtree figures from the checkpoints (no snapshot is read again), set on the parents'
 * snapshots in place, and the league tables. The close of a period (close-period.ts) ranks with the same pieces.
 */
import { isValidPeriod } from '../../domain/calendar.ts';
import type { SubtreeFigures, Unit } from '../../store/entities.ts';
import { computeUnitSnapshot, EMPTY_FIGURES, rollUp, subunitSnapshot } from '../rankings/compute.ts';
import type { RunRef } from './runs.ts';
import { type JobContext, type RunReport, skippedRun } from './types.ts';
import { type StepWork, startUnitRun, type UnitJob } from './unit-run.ts';

export interface RankingStepResult {
  own: SubtreeFigures;
  /** False when the unit disappeared before its step ran: nothing was written for it. */
  stored: boolean;
}

/** A step ranks a few units at once, within these bounds (its checkpoints fit one batch or transaction). */
export const MAX_UNITS_PER_STEP = 16;
export const MAX_EVALUATIONS_PER_STEP = 3_000;

/**
 * Groups units, in order, into steps of at most `maxUnits` units and `maxEvaluations` evaluations (a bigger
 * unit is a step of its own): small units share a message, a request for their records and a batch of checkpoints.
 */
export function packUnits(
  unitIds: readonly string[],
  sizes: ReadonlyMap<string, number>,
  maxUnits = MAX_UNITS_PER_STEP,
  maxEvaluations = MAX_EVALUATIONS_PER_STEP,
): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let size = 0;
  for (const id of unitIds) {
    const n = sizes.get(id) ?? 0;
    if (group.length > 0 && (group.length >= maxUnits || size + n > maxEvaluations)) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(id);
    size += n;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Groups a period's units by their number of evaluations (from the unit counters). */
export async function planByUnitSize(
  ctx: JobContext,
  period: string,
  units: readonly Unit[],
): Promise<string[][]> {
  const sizes = new Map(
    (
      await ctx.store.evaluations.periodCounters(
        period,
        units.map((u) => u.id),
      )
    ).map((c) => [c.unitId, c.evaluated]),
  );
  return packUnits(
    units.map((u) => u.id),
    sizes,
  );
}

/**
 * Some units' snapshots as a step's work, each the output written with its unit's checkpoint: the units' records
 * and counters in one request each, then each unit's evaluations (one Query, paged).
 */
export async function rankUnitsStep(
  ctx: JobContext,
  period: string,
  unitIds: readonly string[],
  computedAt: string,
): Promise<Map<string, StepWork<RankingStepResult>>> {
  const [units, counters] = await Promise.all([
    ctx.store.org.getUnits(unitIds),
    ctx.store.evaluations.unitCountersOf(unitIds, period),
  ]);
  const out = new Map<string, StepWork<RankingStepResult>>();
  // One unit after the other: the steps themselves run side by side, and that is the concurrency wanted.
  for (const unitId of unitIds) {
    const unit = units.get(unitId);
    if (!unit) {
      out.set(unitId, { result: { own: EMPTY_FIGURES, stored: false } });
      continue;
    }
    const rows = await ctx.store.evaluations.rankingRows(unit.id, period);
    const { own, ...snapshot } = await computeUnitSnapshot(
      ctx.store,
      unit,
      period,
      computedAt,
      rows,
      counters.get(unitId),
    );
    out.set(unitId, {
      result: { own, stored: true },
      outputs: [{ kind: 'ranking', snapshot }],
      carried: { own },
    });
  }
  return out;
}

/** Subtree figures onto the parents' snapshots, and the parents' league tables. */
export async function finalizeRankings(
  ctx: JobContext,
  period: string,
  computedAt: string,
  units: Unit[],
  results: ReadonlyMap<string, RankingStepResult>,
): Promise<{ units: number; parents: number; evaluated: number; approved: number }> {
  const own = new Map([...results].map(([unitId, r]) => [unitId, r.own]));
  const { subtree, children } = rollUp(units, own);
  const parents = units.filter((u) => (children.get(u.id)?.length ?? 0) > 0);
  // The parents' snapshots get their subtree figures, in place (no snapshot is read back). Only this run's: a
  // snapshot a newer computation (an appeal's recomputation, a later run) wrote meanwhile is left alone.
  const parentSubtrees = new Map(
    parents
      .filter((u) => results.get(u.id)?.stored)
      .map((u) => [u.id, subtree.get(u.id) ?? EMPTY_FIGURES] as const),
  );
  const leagueTables = parents.map((unit) =>
    subunitSnapshot(unit.id, children.get(unit.id) ?? [], subtree, period, computedAt),
  );
  await Promise.all([
    ctx.store.rankings.setSubtrees(period, computedAt, parentSubtrees, ctx.concurrency),
    ctx.store.rankings.putMany([], leagueTables, ctx.concurrency),
  ]);
  let approved = 0;
  let evaluated = 0;
  for (const r of results.values()) {
    approved += r.own.approved;
    evaluated += r.own.evaluated;
  }
  return { units: units.length, parents: parents.length, evaluated, approved };
}

export const computeRankingsJob: UnitJob<RankingStepResult> = {
  job: 'compute-rankings',
  repeatable: true,
  plan: (ctx, run, units) => planByUnitSize(ctx, run.scope, units),
  work: (ctx, run: RunRef, unitIds) => rankUnitsStep(ctx, run.scope, unitIds, run.at),
  finalize: async (ctx, run, results, units) => ({
    period: run.scope,
    computedAt: run.at,
    ...(await finalizeRankings(ctx, run.scope, run.at, units, results)),
  }),
};

/**
 * The periods to rank: the one asked for, or every OPEN period (a CLOSING or CLOSED period's rankings are
 * computed by its close).
 */
export async function startComputeRankings(ctx: JobContext, target?: string): Promise<RunReport[]> {
  if (target !== undefined && !isValidPeriod(target)) throw new Error(`not a period: ${target}`);
  if (target !== undefined && !(await ctx.store.periods.get(target))) {
    return [skippedRun('compute-rankings', target, `Chưa mở kỳ đánh giá ${target}.`)];
  }
  const periods =
    target !== undefined
      ? [target]
      : (await ctx.store.periods.list()).filter((p) => p.status === 'OPEN').map((p) => p.period);
  const reports: RunReport[] = [];
  for (const period of periods) reports.push(await startUnitRun(ctx, computeRankingsJob, period));
  return reports;
}
