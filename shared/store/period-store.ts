/** Periods (one month of evaluation for the whole deployment). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadlines } from '../domain/types.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { queryAll, stripKeys } from './query.ts';

export type PeriodStatus = 'OPEN' | 'CLOSING' | 'CLOSED';

export interface SkippedEmployee {
  employeeId: string;
  reason: string;
}

export interface Period {
  period: string;
  status: PeriodStatus;
  deadlines: Deadlines;
  /** When the scheduled close is due (after the approval deadline). */
  closesAt: string;
  openedAt: string;
  openedBy: string;
  /** Employees that could not get a draft (e.g. nobody to approve them), kept for HR to fix. */
  skipped: SkippedEmployee[];
  /** How many were skipped in all (the list keeps the first MAX_SKIPPED_LISTED). */
  skippedCount?: number;
  closedAt: string | null;
  publishedAt: string | null;
  appealDeadline: string | null;
}

export async function getPeriod(db: Db, period: string): Promise<Period | null> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.periodKey(period), ConsistentRead: true }),
  );
  return Item ? (stripKeys(Item) as unknown as Period) : null;
}

export async function listPeriods(db: Db): Promise<Period[]> {
  const items = await queryAll(db, keys.allPeriods());
  return items.map((i) => stripKeys(i) as unknown as Period);
}

/** Creates the period unless it exists; returns the stored one either way. */
export async function createPeriodIfMissing(
  db: Db,
  period: Period,
): Promise<{ created: boolean; period: Period }> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.period(period.period), ...period },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { created: true, period };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await getPeriod(db, period.period);
    if (!existing) throw error;
    return { created: false, period: existing };
  }
}

/**
 * The period record keeps at most this many skipped employees (the first by id) for HR: a headless unit of
 * thousands would otherwise outgrow DynamoDB's 400 KB item. `skippedCount` keeps the full count.
 */
export const MAX_SKIPPED_LISTED = 1000;

export async function setSkipped(db: Db, period: string, skipped: SkippedEmployee[]): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.periodKey(period),
      UpdateExpression: 'SET skipped = :s, skippedCount = :n',
      ExpressionAttributeValues: { ':s': skipped.slice(0, MAX_SKIPPED_LISTED), ':n': skipped.length },
    }),
  );
}

/** OPEN → CLOSING: from now on the close is in progress and resumable. Returns false when not OPEN. */
export async function markClosing(db: Db, period: string, at: string): Promise<boolean> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.periodKey(period),
        UpdateExpression: 'SET #status = :closing, closingStartedAt = :at',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':closing': 'CLOSING', ':open': 'OPEN', ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export async function markClosed(db: Db, period: string, at: string, appealDeadline: string): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.periodKey(period),
      UpdateExpression: 'SET #status = :closed, closedAt = :at, publishedAt = :at, appealDeadline = :appeal',
      ConditionExpression: '#status = :closing',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':closed': 'CLOSED',
        ':closing': 'CLOSING',
        ':at': at,
        ':appeal': appealDeadline,
      },
    }),
  );
}
