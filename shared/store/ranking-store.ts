/** Ranking snapshots: what the ranking job computed for a unit and period, served as stored. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Participation, RankingEntry, SubunitEntry, UnitInflation } from '../domain/rankings.ts';
import type { Grade, Hundredths } from '../domain/types.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { stripKeys } from './query.ts';

/** The unit's own figures and those of its whole subtree, from which parents rank their sub-units. */
export interface SubtreeFigures {
  approved: number;
  evaluated: number;
  sumTotals: Hundredths;
  countA: number;
}

export interface RankingSnapshot {
  unitId: string;
  unitName: string;
  period: string;
  computedAt: string;
  rubricId: string | null;
  entries: RankingEntry[];
  distribution: Record<Grade, number>;
  quota: { rule: string; limit: number; used: number; ok: boolean } | null;
  participation: Participation;
  inflation: UnitInflation;
  subtree: SubtreeFigures;
}

export interface SubunitRankingSnapshot {
  unitId: string;
  period: string;
  computedAt: string;
  entries: SubunitEntry[];
}

export async function putRanking(db: Db, snapshot: RankingSnapshot): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.ranking(snapshot.unitId, snapshot.period), ...snapshot },
    }),
  );
}

export async function getRanking(db: Db, unitId: string, period: string): Promise<RankingSnapshot | null> {
  const k = keys.ranking(unitId, period);
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: { pk: k.pk, sk: k.sk } }),
  );
  return Item ? (stripKeys(Item) as unknown as RankingSnapshot) : null;
}

export async function putSubunitRanking(db: Db, snapshot: SubunitRankingSnapshot): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.subunitRanking(snapshot.unitId, snapshot.period), ...snapshot },
    }),
  );
}

export async function getSubunitRanking(
  db: Db,
  unitId: string,
  period: string,
): Promise<SubunitRankingSnapshot | null> {
  const k = keys.subunitRanking(unitId, period);
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: { pk: k.pk, sk: k.sk } }),
  );
  return Item ? (stripKeys(Item) as unknown as SubunitRankingSnapshot) : null;
}
