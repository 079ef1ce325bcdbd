/**
 * Ranking snapshots as stored: entries as compact rows and the inflation signals without the unit's id and name,
 * read back into the snapshot they were made from; a snapshot stored before (entries as maps) reads as it did.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_FIGURES } from '../../../shared/app/rankings/compute.ts';
import type { RankingSnapshot } from '../../../shared/store/entities.ts';
import { keys } from '../../../shared/store/keys.ts';
import { freshTable, type TestTable } from '../../support/table.ts';

const snapshot = (unitId: string): RankingSnapshot => ({
  unitId,
  unitName: 'Phòng Tổ chức cán bộ',
  period: '2026-10',
  computedAt: '2026-11-01T01:00:00.000Z',
  rubricId: 'default',
  entries: [
    { rank: 1, employeeId: 'e2', name: 'Trần Thị Bích Ngọc', total: 9500, grade: 'A' },
    { rank: 2, employeeId: 'e1', name: 'Nguyễn Văn An', total: 8200, grade: 'B' },
    { rank: 2, employeeId: 'e3', name: 'Lê Văn Bình', total: 8200, grade: 'B' },
  ],
  distribution: { A: 1, B: 2, C: 0, D: 0 },
  quota: { rule: 'max-share', limit: 1, used: 1, ok: true },
  participation: { evaluated: 4, submitted: 3, reviewed: 3, approved: 3, missing: 1, late: 0 },
  inflation: {
    unitId,
    name: 'Phòng Tổ chức cán bộ',
    approved: 3,
    shareA: 3333,
    meanSelfMinusReview: 150,
    allSameGrade: false,
    identicalComments: 0,
    signals: [],
  },
  subtree: { ...EMPTY_FIGURES, units: 1, approved: 3, evaluated: 4, sumTotals: 25900, countA: 1, countB: 2 },
});

describe('ranking snapshot items', () => {
  let t: TestTable;
  beforeAll(async () => {
    t = await freshTable('ranking-items');
  });

  it('stores entries as rows, without what the item repeats, and reads back the same snapshot', async () => {
    await t.store.rankings.put(snapshot('u1'));
    const k = keys.ranking('u1', '2026-10');
    const { Item } = await t.db.doc.send(
      new GetCommand({ TableName: t.db.tableName, Key: { pk: k.pk, sk: k.sk } }),
    );
    expect(Item?.entries).toBeUndefined();
    expect(Item?.rows).toEqual([
      [1, 'e2', 'Trần Thị Bích Ngọc', 9500, 'A'],
      [2, 'e1', 'Nguyễn Văn An', 8200, 'B'],
      [2, 'e3', 'Lê Văn Bình', 8200, 'B'],
    ]);
    expect(Item?.inflation).not.toHaveProperty('unitId');
    expect(Item?.inflation).not.toHaveProperty('name');
    expect(await t.store.rankings.get('u1', '2026-10')).toEqual(snapshot('u1'));
    expect((await t.store.rankings.getMany(['u1', 'u9'], '2026-10')).get('u1')).toEqual(snapshot('u1'));
  });

  it('reads a snapshot stored before, with entries as maps', async () => {
    const old = snapshot('u2');
    await t.db.doc.send(
      new PutCommand({ TableName: t.db.tableName, Item: { ...keys.ranking('u2', '2026-10'), ...old } }),
    );
    expect(await t.store.rankings.get('u2', '2026-10')).toEqual(old);
  });
});
