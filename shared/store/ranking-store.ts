/** Ranking snapshots (what a ranking computed for a unit and period, served as stored) and annual results. */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchPut, keyOf } from './batch.ts';
import type { Db } from './client.ts';
import { conditionHeld } from './conditional-write.ts';
import {
  type AnnualSummary,
  annualRecordSchema,
  annualSummarySchema,
  decode,
  type RankingSnapshot,
  rankingSnapshotSchema,
  type StoredAnnualResult,
  type SubtreeFigures,
  type SubunitRankingSnapshot,
  subunitRankingSnapshotSchema,
} from './entities.ts';
import { keys } from './keys.ts';
import { inParallel } from './parallel.ts';
import { queryAll } from './query.ts';

type Item = Record<string, unknown>;
const toSubunitRanking = (item: Item) => decode(subunitRankingSnapshotSchema, item, 'sub-unit ranking');
const toAnnual = (item: Item) => decode(annualRecordSchema, item, 'annual result');
const toAnnualSummary = (item: Item) => decode(annualSummarySchema, item, 'annual summary');

/**
 * A snapshot as stored (since 2026-11): each entry a row `[rank, employeeId, name, total, grade]` in `rows`
 * rather than a map with its attribute names (a third fewer bytes, and a snapshot is mostly its entries: fewer
 * write units and a faster write), and the inflation signals without the unit's id and name, which the item has.
 * Read back into the same shape; a snapshot stored before (`entries`) is read as it is.
 */
export const rankingItem = (s: RankingSnapshot) => {
  const { entries, inflation, ...rest } = s;
  const { unitId: _unitId, name: _name, ...signals } = inflation;
  return {
    ...keys.ranking(s.unitId, s.period),
    ...rest,
    rows: entries.map((e) => [e.rank, e.employeeId, e.name, e.total, e.grade]),
    inflation: signals,
  };
};

const toRanking = (item: Item) => {
  if (!Array.isArray(item.rows)) return decode(rankingSnapshotSchema, item, 'ranking snapshot');
  const { rows, ...rest } = item;
  return decode(
    rankingSnapshotSchema,
    {
      ...rest,
      entries: (rows as unknown[]).map((row) => {
        const [rank, employeeId, name, total, grade] = Array.isArray(row) ? row : [];
        return { rank, employeeId, name, total, grade };
      }),
      inflation: { unitId: item.unitId, name: item.unitName, ...(item.inflation as object) },
    },
    'ranking snapshot',
  );
};
const subunitItem = (s: SubunitRankingSnapshot) => ({ ...keys.subunitRanking(s.unitId, s.period), ...s });

/** People per annual-results item: ~150 bytes a row keeps an item of the largest units far under 400 KB. */
const ANNUAL_CHUNK = 1000;

/** One person's annual result as a row of the unit's item (the unit, year and time are the item's). */
const annualRow = (r: StoredAnnualResult) => [
  r.employeeId,
  r.name,
  r.average,
  r.monthsCounted,
  r.grade,
  r.classified,
  r.periods.join(','),
  // `false`: absent (results computed before these were kept), unlike a stored null.
  r.periodsInYear ?? false,
  r.reason === undefined ? false : r.reason,
];

const fromAnnualRow = (
  row: unknown[],
  unitId: string,
  year: number,
  computedAt: string,
): StoredAnnualResult => {
  const [employeeId, name, average, monthsCounted, grade, classified, periods, periodsInYear, reason] = row;
  return toAnnual({
    employeeId,
    name,
    unitId,
    year,
    average,
    monthsCounted,
    grade,
    classified,
    periods: periods ? String(periods).split(',') : [],
    ...(periodsInYear === false || periodsInYear === undefined ? {} : { periodsInYear }),
    ...(reason === false || reason === undefined ? {} : { reason }),
    computedAt,
  });
};

export function rankingStore(db: Db) {
  const getItem = async (k: { pk: string; sk: string }) =>
    (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { pk: k.pk, sk: k.sk } }))).Item;

  return {
    async get(unitId: string, period: string): Promise<RankingSnapshot | null> {
      const item = await getItem(keys.ranking(unitId, period));
      return item ? toRanking(item) : null;
    },

    async put(snapshot: RankingSnapshot): Promise<void> {
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: rankingItem(snapshot) }));
    },

    /** Several units' snapshots of a period (consistent reads), by unit id. */
    async getMany(unitIds: readonly string[], period: string): Promise<Map<string, RankingSnapshot>> {
      const found = await batchGet(
        db,
        unitIds.map((id) => keys.ranking(id, period)),
        { consistent: true },
      );
      const out = new Map<string, RankingSnapshot>();
      for (const id of unitIds) {
        const item = found.get(keyOf(keys.ranking(id, period)));
        if (item) out.set(id, toRanking(item));
      }
      return out;
    },

    /** Puts snapshots and league tables in batches (plain overwrites). */
    async putMany(
      snapshots: readonly RankingSnapshot[],
      subunits: readonly SubunitRankingSnapshot[],
      concurrency = 8,
    ): Promise<void> {
      await batchPut(db, [...snapshots.map(rankingItem), ...subunits.map(subunitItem)], concurrency);
    },

    /**
     * Sets the subtree figures of units' snapshots of one computation (`computedAt`), in place: everything else the
     * item holds stays as it is (a job step's result among it), and a snapshot a newer computation stored since, or
     * none, is left alone. Returns how many were set.
     */
    async setSubtrees(
      period: string,
      computedAt: string,
      subtrees: ReadonlyMap<string, SubtreeFigures>,
      concurrency = 8,
    ): Promise<number> {
      const written = await inParallel([...subtrees], Math.max(1, concurrency), ([unitId, subtree]) => {
        const k = keys.ranking(unitId, period);
        return conditionHeld(
          db.doc.send(
            new UpdateCommand({
              TableName: db.tableName,
              Key: { pk: k.pk, sk: k.sk },
              UpdateExpression: 'SET subtree = :subtree',
              ConditionExpression: 'computedAt = :at',
              ExpressionAttributeValues: { ':subtree': subtree, ':at': computedAt },
            }),
          ),
        );
      });
      return written.filter(Boolean).length;
    },

    async getSubunit(unitId: string, period: string): Promise<SubunitRankingSnapshot | null> {
      const item = await getItem(keys.subunitRanking(unitId, period));
      return item ? toSubunitRanking(item) : null;
    },

    async putSubunit(snapshot: SubunitRankingSnapshot): Promise<void> {
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: subunitItem(snapshot) }));
    },

    /**
     * Stores employees' annual results, a unit's for a year as a whole: one item per unit and year (chunks of
     * ANNUAL_CHUNK people), each result a compact row, instead of an item per person and its index copy (2 write
     * units a person before, about 0.2 now). A rerun replaces the unit's results; chunks beyond the new count are
     * ignored by readers (they carry the older `computedAt`).
     */
    async putAnnual(
      results: readonly StoredAnnualResult[],
      /** The unit written, so that a unit left with nobody is written empty rather than left as it was. */
      unit?: { unitId: string; year: number; computedAt: string },
    ): Promise<void> {
      const byUnit = new Map<
        string,
        { unitId: string; year: number; computedAt: string; rows: StoredAnnualResult[] }
      >();
      if (unit) byUnit.set(`${unit.unitId}\u0000${unit.year}`, { ...unit, rows: [] });
      for (const r of results) {
        const k = `${r.unitId}\u0000${r.year}`;
        const entry = byUnit.get(k) ?? { unitId: r.unitId, year: r.year, computedAt: r.computedAt, rows: [] };
        entry.rows.push(r);
        byUnit.set(k, entry);
      }
      const items = [...byUnit.values()].flatMap(({ unitId, year, computedAt, rows }) => {
        const sorted = [...rows].sort((a, b) => a.employeeId.localeCompare(b.employeeId));
        const chunks = Math.max(1, Math.ceil(sorted.length / ANNUAL_CHUNK));
        return Array.from({ length: chunks }, (_, i) => ({
          ...keys.unitAnnualChunk(unitId, year, i),
          unitId,
          year,
          computedAt,
          chunks,
          rows: sorted.slice(i * ANNUAL_CHUNK, (i + 1) * ANNUAL_CHUNK).map(annualRow),
        }));
      });
      await batchPut(db, items);
    },

    /** Units' annual summaries (plain overwrites: a rerun writes the same items, with its time). */
    async putAnnualSummaries(summaries: readonly AnnualSummary[], concurrency = 8): Promise<void> {
      await batchPut(
        db,
        summaries.map((s) => ({ ...keys.annualSummary(s.unitId, s.year), ...s })),
        concurrency,
      );
    },

    /** Some units' annual summaries of a year (one BatchGet), by unit id; units never rolled up are absent. */
    async getAnnualSummaries(unitIds: readonly string[], year: number): Promise<Map<string, AnnualSummary>> {
      const found = await batchGet(
        db,
        unitIds.map((id) => keys.annualSummary(id, year)),
      );
      const out = new Map<string, AnnualSummary>();
      for (const id of unitIds) {
        const item = found.get(keyOf(keys.annualSummary(id, year)));
        if (item) out.set(id, toAnnualSummary(item));
      }
      return out;
    },

    /**
     * The stored annual results of a unit's members (as of the last rollup), by employee id. A year rolled up before
     * the results were kept per unit (2026-11) is read from its per-person items on gsi3.
     */
    async listUnitAnnual(unitId: string, year: number): Promise<StoredAnnualResult[]> {
      const spec = keys.unitAnnualChunks(unitId, year);
      const chunks = await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix });
      const head = chunks.find((c) => c.sk === keys.unitAnnualChunk(unitId, year, 0).sk);
      if (!head) return (await queryAll(db, keys.unitAnnual(unitId, year))).map(toAnnual);
      return chunks
        .filter((c) => c.computedAt === head.computedAt && Number(c.chunk) < Number(head.chunks))
        .flatMap((c) =>
          ((c.rows ?? []) as unknown[][]).map((row) =>
            fromAnnualRow(row, unitId, year, String(c.computedAt)),
          ),
        )
        .sort((a, b) => a.employeeId.localeCompare(b.employeeId));
    },
  };
}

export type RankingStore = ReturnType<typeof rankingStore>;
