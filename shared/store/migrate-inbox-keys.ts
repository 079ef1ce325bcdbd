/**
 * Migration "inbox-keys" (2026-11): moves every evaluation's reviewer and approver list keys from gsi1/gsi2 (which
 * project ALL: each transition rewrote the evaluation in both) to gsi4/gsi5 (KEYS_ONLY: a transition that leaves the
 * reviewer and approver alone writes neither). Units, staff, periods and the other entities keep gsi1/gsi2.
 *
 * - Resumable: the table is scanned in `segments` parallel segments; after each page the segment's position is
 *   written to the migration's checkpoint item, and a later run goes on from there. Every update is conditional on
 *   the old key still being there with the value read, so a page done twice (a crash between the updates and the
 *   checkpoint) changes nothing the second time, and an evaluation written meanwhile by the new code is left alone.
 * - Dry run: scans and counts what it would change, writes nothing (not even the checkpoint).
 * A Scan is the right tool here (every item, once); no request path ever scans.
 */
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { conditionHeld } from './conditional-write.ts';
import { ENTITY, keys } from './keys.ts';

export const INBOX_KEYS_MIGRATION = 'inbox-keys';

type Item = Record<string, unknown>;

const checkpointKey = keys.migrationKey(INBOX_KEYS_MIGRATION);

export interface MigrationOptions {
  dryRun?: boolean;
  /** Parallel Scan segments (fixed for a migration: a resumed run must use the same number). */
  segments?: number;
  /** Items per Scan page. */
  pageSize?: number;
  /** Stop after this many pages in all (to bound one invocation; the next run resumes). */
  maxPages?: number;
}

export interface MigrationReport {
  dryRun: boolean;
  /** Items read by this run. */
  scanned: number;
  /** Evaluations still in the old design found by this run. */
  found: number;
  /** Of those, moved by this run (0 in a dry run). */
  migrated: number;
  /** Whether every segment has been scanned to its end (over all runs; a dry run always scans to the end). */
  complete: boolean;
}

interface Checkpoint {
  segments: number;
  /** Per segment: where its Scan goes on (null: from the start), or 'DONE'. */
  positions: (Item | null | 'DONE')[];
  migrated: number;
}

export async function migrateInboxKeys(db: Db, options: MigrationOptions = {}): Promise<MigrationReport> {
  const dryRun = options.dryRun === true;
  const segments = options.segments ?? 4;
  const pageSize = options.pageSize ?? 500;
  const report: MigrationReport = { dryRun, scanned: 0, found: 0, migrated: 0, complete: false };

  const stored = dryRun
    ? undefined
    : ((
        await db.doc.send(
          new GetCommand({ TableName: db.tableName, Key: checkpointKey, ConsistentRead: true }),
        )
      ).Item as (Checkpoint & Item) | undefined);
  if (stored && stored.segments !== segments)
    throw new Error(`migration ${INBOX_KEYS_MIGRATION} was started with ${stored.segments} segments`);
  const checkpoint: Checkpoint = stored
    ? { segments, positions: [...stored.positions], migrated: stored.migrated }
    : { segments, positions: Array.from({ length: segments }, () => null), migrated: 0 };
  let pagesLeft = options.maxPages ?? Number.POSITIVE_INFINITY;

  const save = () =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.migration(INBOX_KEYS_MIGRATION), ...checkpoint, updatedAt: new Date().toISOString() },
      }),
    );

  /** Moves one evaluation's list keys, only if they are still the ones read. */
  const move = async (item: Item): Promise<boolean> => {
    return conditionHeld(
      db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression:
            'SET gsi4pk = :rpk, gsi4sk = :rsk, gsi5pk = :apk, gsi5sk = :ask REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
          ConditionExpression: 'gsi1pk = :rpk AND gsi2pk = :apk',
          ExpressionAttributeValues: {
            ':rpk': item.gsi1pk,
            ':rsk': item.gsi1sk,
            ':apk': item.gsi2pk,
            ':ask': item.gsi2sk,
          },
        }),
      ),
    );
  };

  await Promise.all(
    checkpoint.positions.map(async (_, segment) => {
      let position = checkpoint.positions[segment];
      while (position !== 'DONE' && pagesLeft > 0) {
        pagesLeft--;
        const page = await db.doc.send(
          new ScanCommand({
            TableName: db.tableName,
            Segment: segment,
            TotalSegments: segments,
            Limit: pageSize,
            ExclusiveStartKey: position ?? undefined,
            FilterExpression: 'entityType = :evaluation AND begins_with(gsi1pk, :reviewer)',
            ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk',
            ExpressionAttributeValues: { ':evaluation': ENTITY.evaluation, ':reviewer': 'REVIEWER#' },
          }),
        );
        report.scanned += page.ScannedCount ?? 0;
        const old = page.Items ?? [];
        report.found += old.length;
        position = page.LastEvaluatedKey ?? 'DONE';
        if (!dryRun) {
          let moved = 0;
          for (const item of old) if (await move(item)) moved++;
          report.migrated += moved;
          checkpoint.positions[segment] = position;
          checkpoint.migrated += moved;
          await save();
        }
      }
      if (dryRun) checkpoint.positions[segment] = position ?? null;
    }),
  );
  report.complete = checkpoint.positions.every((p) => p === 'DONE');
  return report;
}
