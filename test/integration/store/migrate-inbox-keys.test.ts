/**
 * The `inbox-keys` migration on a table written by the previous design: evaluations listed for their reviewer on
 * gsi1 and their approver on gsi2 (both ALL). Written here the old way, item by item, then migrated: a dry run
 * changes nothing, an interrupted run resumes where it stopped, a second run finds nothing, and the lists answer
 * exactly as before (and as they did before the migration, read from the old indexes too).
 */
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluationItem } from '../../../shared/store/evaluation-store.ts';
import { keys } from '../../../shared/store/keys.ts';
import { migrateInboxKeys } from '../../../shared/store/migrate-inbox-keys.ts';
import { draft } from '../../support/store-contract.ts';
import { freshTable, type TestTable } from '../../support/table.ts';

/** An evaluation item as the previous design wrote it: the reviewer's list on gsi1, the approver's on gsi2. */
function oldItem(employeeId: string, reviewerId: string, approverId: string, unitId: string) {
  const e = { ...draft(employeeId, unitId), reviewerId, approverId };
  const { gsi4pk, gsi4sk, gsi5pk, gsi5sk, ...rest } = evaluationItem(e);
  return { ...rest, gsi1pk: gsi4pk, gsi1sk: gsi4sk, gsi2pk: gsi5pk, gsi2sk: gsi5sk };
}

describe('migration inbox-keys (evaluations from gsi1/gsi2 to keys-only gsi4/gsi5)', () => {
  let t: TestTable;
  const people = Array.from({ length: 60 }, (_, i) => `e${String(i).padStart(3, '0')}`);
  const reviewerOf = (i: number) => (i % 2 === 0 ? 'rev-a' : 'rev-b');

  beforeAll(async () => {
    t = await freshTable('migrate');
    for (const [i, id] of people.entries()) {
      await t.db.doc.send(
        new PutCommand({ TableName: t.db.tableName, Item: oldItem(id, reviewerOf(i), 'head', 'u1') }),
      );
    }
  });

  const raw = async (id: string) =>
    (
      await t.db.doc.send(
        new GetCommand({
          TableName: t.db.tableName,
          Key: keys.evaluationKey(id, '2026-11'),
          ConsistentRead: true,
        }),
      )
    ).Item ?? {};

  it('a dry run counts the old evaluations and writes nothing', async () => {
    // Before the migration the lists are whole already (read from the old indexes too).
    const before = await t.store.evaluations.listByReviewer('rev-a', '2026-11');
    expect(before.map((e) => e.employeeId)).toEqual(people.filter((_, i) => reviewerOf(i) === 'rev-a'));
    expect((await t.store.evaluations.listByApprover('head', '2026-11')).length).toBe(60);
    const report = await migrateInboxKeys(t.db, { dryRun: true, segments: 2, pageSize: 7 });
    expect(report).toMatchObject({ dryRun: true, found: 60, migrated: 0, complete: true });
    expect(await raw('e000')).toHaveProperty('gsi1pk', 'REVIEWER#rev-a#2026-11');
    const checkpoint = await t.db.doc.send(
      new GetCommand({
        TableName: t.db.tableName,
        Key: keys.migrationKey('inbox-keys'),
        ConsistentRead: true,
      }),
    );
    expect(checkpoint.Item).toBeUndefined();
  });

  it('an interrupted run resumes where it stopped; the lists then answer as before', async () => {
    const first = await migrateInboxKeys(t.db, { segments: 2, pageSize: 7, maxPages: 3 });
    expect(first.complete).toBe(false);
    expect(first.migrated).toBeGreaterThan(0);
    expect(first.migrated).toBeLessThan(60);
    // Half migrated: every list still whole, nobody twice.
    expect((await t.store.evaluations.listByApprover('head', '2026-11')).map((e) => e.employeeId)).toEqual(
      people,
    );
    const rest = await migrateInboxKeys(t.db, { segments: 2, pageSize: 7 });
    expect(rest.complete).toBe(true);
    expect(first.migrated + rest.migrated).toBe(60);

    const item = await raw('e001');
    expect(item).toMatchObject({
      gsi4pk: 'REVIEWER#rev-b#2026-11',
      gsi4sk: 'e001',
      gsi5pk: 'APPROVER#head#2026-11',
      gsi5sk: 'e001',
    });
    expect(item).not.toHaveProperty('gsi1pk');
    expect(item).not.toHaveProperty('gsi2pk');

    const a = await t.store.evaluations.listByReviewer('rev-a', '2026-11');
    expect(a.map((e) => e.employeeId)).toEqual(people.filter((_, i) => reviewerOf(i) === 'rev-a'));
    const all = await t.store.evaluations.listByApprover('head', '2026-11');
    expect(all.map((e) => e.employeeId)).toEqual(people);
    expect(all[0]).toEqual({ ...draft('e000', 'u1'), reviewerId: 'rev-a', approverId: 'head' });
  });

  it('a run after the end finds nothing, and no evaluation is left in gsi1 or gsi2', async () => {
    const again = await migrateInboxKeys(t.db, { segments: 2, pageSize: 7 });
    expect(again).toMatchObject({ found: 0, migrated: 0, complete: true });
    const dry = await migrateInboxKeys(t.db, { dryRun: true, segments: 2 });
    expect(dry.found).toBe(0);
    const left = await t.db.doc.send(
      new ScanCommand({
        TableName: t.db.tableName,
        FilterExpression: 'entityType = :e AND (attribute_exists(gsi1pk) OR attribute_exists(gsi2pk))',
        ExpressionAttributeValues: { ':e': 'Evaluation' },
      }),
    );
    expect(left.Items ?? []).toEqual([]);
  });

  it('refuses to resume with another number of segments', async () => {
    await expect(migrateInboxKeys(t.db, { segments: 3 })).rejects.toThrow(/2 segments/);
  });
});
