/** Ranking snapshots (what a ranking computed for a unit and period, served as stored) and annual results. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchPut, keyOf } from './batch.ts';
import type { Db } from './client.ts';
import {
  type AnnualSummary,
  annualRecordSchema,
  annualSummarySchema,
  decode,
  type RankingSnapshot,
  rankingSnapshotSchema,
  type StoredAnnualResult,
  type SubunitRankingSnapshot,
  subunitRankingSnapshotSchema,
} from './entities.ts';
import { keys } from './keys.ts';
import { queryAll } from './query.ts';

type Item = Record<string, unknown>;
const toRanking = (item: Item) => decode(rankingSnapshotSchema, item, 'ranking snapshot');
const toSubunitRanking = (item: Item) => decode(subunitRankingSnapshotSchema, item, 'sub-unit ranking');
const toAnnual = (item: Item) => decode(annualRecordSchema, item, 'annual result');
const toAnnualSummary = (item: Item) => decode(annualSummarySchema, item, 'annual summary');

export const rankingItem = (s: RankingSnapshot) => ({ ...keys.ranking(s.unitId, s.period), ...s });
const subunitItem = (s: SubunitRankingSnapshot) => ({ ...keys.subunitRanking(s.unitId, s.period), ...s });

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

    async getSubunit(unitId: string, period: string): Promise<SubunitRankingSnapshot | null> {
      const item = await getItem(keys.subunitRanking(unitId, period));
      return item ? toSubunitRanking(item) : null;
    },

    async putSubunit(snapshot: SubunitRankingSnapshot): Promise<void> {
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: subunitItem(snapshot) }));
    },

    /** Stores employees' annual results (plain overwrites: a rerun writes the same items). */
    async putAnnual(results: readonly StoredAnnualResult[]): Promise<void> {
      await batchPut(
        db,
        results.map((r) => ({ ...keys.annual(r.employeeId, r.year, r.unitId), ...r })),
      );
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

    /** The stored annual results of a unit's members (as of the last rollup). */
    async listUnitAnnual(unitId: string, year: number): Promise<StoredAnnualResult[]> {
      return (await queryAll(db, keys.unitAnnual(unitId, year))).map(toAnnual);
    },
  };
}

export type RankingStore = ReturnType<typeof rankingStore>;
