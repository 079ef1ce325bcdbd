/**
 * compute-rankings: every unit's ranking snapshot (ranks, distribution, quota use, participation, late counts,
 * inflation signals) and every parent's league table of its sub-units up to the root, for each open period.
 *
 * Per unit: the same `computeUnitSnapshot` the API uses, written together with the unit's checkpoint (which
 * keeps the unit's own figures). Finalisation: the subtree figures from the checkpoints (no snapshot is read
 * again), written onto the parents' snapshots, and the league tables. The stored result is the one
 * `computeAllRankings` (the API) stores for the same data and time; the tests hold both to that.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  computeUnitSnapshot,
  RANKING_ATTRIBUTES,
  type RankingRow,
  rollUp,
  subunitSnapshot,
} from '../app/rankings.ts';
import { isValidPeriod } from '../domain/calendar.ts';
import type { Db } from '../store/client.ts';
import { listUnitPeriods } from '../store/evaluation-store.ts';
import { keys } from '../store/keys.ts';
import type { Unit } from '../store/org-store.ts';
import { getPeriod, listPeriods } from '../store/period-store.ts';
import { stripKeys } from '../store/query.ts';
import type { SubtreeFigures } from '../store/ranking-store.ts';
import { batchGet, batchPut, keyOf } from './batch.ts';
import type { StepWork } from './runs.ts';
import type { JobContext, RunReport } from './types.ts';
import { startUnitRun, type UnitJob } from './unit-run.ts';

export interface RankingStepResult {
  own: SubtreeFigures;
  /** False when the unit disappeared before its step ran: nothing was written for it. */
  stored: boolean;
}

const EMPTY: SubtreeFigures = { approved: 0, evaluated: 0, sumTotals: 0, countA: 0 };

/** A step ranks a few units at once, within these bounds (a transaction holds at most 100 items and 4 MB). */
export const MAX_UNITS_PER_STEP = 16;
export const MAX_EVALUATIONS_PER_STEP = 3_000;

/**
 * Groups units, in order, into steps of at most `maxUnits` units and `maxEvaluations` evaluations (a bigger
 * unit is a step of its own): small units share a message, a request for their records and a transaction.
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

/**
 * The Query the ranking makes per unit: its evaluations on the unit index, with only the attributes a ranking
 * reads (the read units are those of the whole items; the transfer and the parsing are a third).
 */
export function rankingQuery(
  db: Db,
  unitId: string,
  period: string,
  startKey?: Record<string, unknown>,
): QueryCommandInput {
  const names: Record<string, string> = { '#pk': 'gsi3pk' };
  const paths = RANKING_ATTRIBUTES.map((path) =>
    path
      .split('.')
      .map((part) => {
        names[`#${part}`] = part;
        return `#${part}`;
      })
      .join('.'),
  );
  return {
    TableName: db.tableName,
    IndexName: 'gsi3',
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':pk': keys.unitEvaluations(unitId, period).pk },
    ProjectionExpression: paths.join(', '),
    ExclusiveStartKey: startKey,
  };
}

export async function rankingRows(db: Db, unitId: string, period: string): Promise<RankingRow[]> {
  const rows: RankingRow[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new QueryCommand(rankingQuery(db, unitId, period, startKey)));
    rows.push(...((page.Items ?? []) as RankingRow[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
}

/**
 * Some units' snapshots, each ready to be written with its checkpoint: the units' records and counters in one
 * request, each unit's evaluations in one Query (paged). A snapshot's `subtree` is the unit's own figures; the
 * finalisation replaces it on units that have sub-units.
 */
export async function rankingWork(
  db: Db,
  period: string,
  unitIds: readonly string[],
  computedAt: string,
): Promise<Map<string, StepWork<RankingStepResult>>> {
  const records = await batchGet(
    db,
    unitIds.flatMap((id) => [keys.unitKey(id), keys.unitPeriodKey(id, period)]),
    { consistent: true },
  );
  const out = new Map<string, StepWork<RankingStepResult>>();
  // One unit after the other: the steps themselves run side by side, and that is the concurrency wanted.
  for (const unitId of unitIds) {
    const unitRecord = records.get(keyOf(keys.unitKey(unitId)));
    if (!unitRecord) {
      out.set(unitId, { result: { own: EMPTY, stored: false } });
      continue;
    }
    const unit = stripKeys(unitRecord) as unknown as Unit;
    const counters = records.get(keyOf(keys.unitPeriodKey(unitId, period)));
    const evaluations = await rankingRows(db, unitId, period);
    const { own, ...snapshot } = await computeUnitSnapshot(db, unit, period, computedAt, evaluations, {
      evaluated: typeof counters?.evaluated === 'number' ? counters.evaluated : 0,
      outstanding: counters?.outstanding === true,
    });
    out.set(unitId, {
      result: { own, stored: true },
      items: [
        {
          Put: {
            TableName: db.tableName,
            Item: { ...keys.ranking(unitId, period), ...snapshot, subtree: own },
          },
        },
      ],
    });
  }
  return out;
}

/** One unit's snapshot and checkpoint result (the close ranks unit by unit). */
export async function rankingUnitWork(
  db: Db,
  period: string,
  unitId: string,
  computedAt: string,
): Promise<StepWork<RankingStepResult>> {
  return (
    (await rankingWork(db, period, [unitId], computedAt)).get(unitId) ?? {
      result: { own: EMPTY, stored: false },
    }
  );
}

/** Subtree figures onto the parents' snapshots, and the parents' league tables. */
export async function rankingFinalize(
  db: Db,
  period: string,
  computedAt: string,
  units: Unit[],
  results: ReadonlyMap<string, RankingStepResult>,
  concurrency = 8,
): Promise<Record<string, unknown>> {
  const own = new Map([...results].map(([unitId, r]) => [unitId, r.own]));
  const { subtree, children } = rollUp(units, own);
  const parents = units.filter((u) => (children.get(u.id)?.length ?? 0) > 0);
  // The parents' snapshots get their subtree figures: read in batches, rewritten in batches. Only this run's
  // snapshots: one a newer computation (the API's, a later run) wrote meanwhile is left alone.
  const stored = await batchGet(
    db,
    parents.filter((u) => results.get(u.id)?.stored).map((u) => keys.ranking(u.id, period)),
    { consistent: true },
  );
  const rewritten: Record<string, unknown>[] = [];
  for (const unit of parents) {
    const snapshot = stored.get(keyOf(keys.ranking(unit.id, period)));
    if (snapshot?.computedAt === computedAt)
      rewritten.push({ ...snapshot, subtree: subtree.get(unit.id) ?? EMPTY });
  }
  await batchPut(db, rewritten, concurrency);
  await batchPut(
    db,
    parents.map((unit) => ({
      ...keys.subunitRanking(unit.id, period),
      ...subunitSnapshot(unit.id, children.get(unit.id) ?? [], subtree, period, computedAt),
    })),
    concurrency,
  );
  let approved = 0;
  let evaluated = 0;
  for (const r of results.values()) {
    approved += r.own.approved;
    evaluated += r.own.evaluated;
  }
  return { period, computedAt, units: units.length, parents: parents.length, evaluated, approved };
}

export const computeRankingsJob: UnitJob<RankingStepResult> = {
  job: 'compute-rankings',
  repeatable: true,
  plan: async (ctx, run, units) => {
    const sizes = new Map((await listUnitPeriods(ctx.db, run.scope)).map((c) => [c.unitId, c.evaluated]));
    return packUnits(
      units.map((u) => u.id),
      sizes,
    );
  },
  work: (ctx, run, unitIds) => rankingWork(ctx.db, run.scope, unitIds, run.at),
  finalize: (ctx, run, results, units) =>
    rankingFinalize(ctx.db, run.scope, run.at, units, results, ctx.concurrency),
};

/**
 * The periods to rank: the one asked for, or every OPEN period (a CLOSING or CLOSED period's rankings are
 * computed by its close).
 */
export async function startComputeRankings(ctx: JobContext, target?: string): Promise<RunReport[]> {
  if (target !== undefined && !isValidPeriod(target)) throw new Error(`not a period: ${target}`);
  if (target !== undefined && !(await getPeriod(ctx.db, target))) {
    const note = `Chưa mở kỳ đánh giá ${target}.`;
    return [
      {
        job: 'compute-rankings',
        scope: target,
        runId: null,
        state: 'skipped',
        status: null,
        queued: 0,
        summary: null,
        note,
      },
    ];
  }
  const periods =
    target !== undefined
      ? [target]
      : (await listPeriods(ctx.db)).filter((p) => p.status === 'OPEN').map((p) => p.period);
  const reports: RunReport[] = [];
  for (const period of periods) reports.push(await startUnitRun(ctx, computeRankingsJob, period));
  return reports;
}
