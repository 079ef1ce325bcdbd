/** Periods (one month of evaluation for the whole deployment). */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadlines } from '../domain/types.ts';
import type { Db } from './client.ts';
import { conditionHeld, putIfAbsent } from './conditional-write.ts';
import { decode, type OrgAuditEvent, type Period, periodSchema, type SkippedEmployee } from './entities.ts';
import { keys } from './keys.ts';
import { orgAuditItem } from './org-store.ts';
import { queryAll } from './query.ts';

/**
 * The period record keeps at most this many skipped employees (the first by id) for HR: a headless unit of
 * thousands would otherwise outgrow DynamoDB's 400 KB item. `skippedCount` keeps the full count.
 */
export const MAX_SKIPPED_LISTED = 1000;

const toPeriod = (item: Record<string, unknown>) => decode(periodSchema, item, 'period');

export function periodStore(db: Db) {
  const get = async (period: string): Promise<Period | null> => {
    const { Item } = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: keys.periodKey(period), ConsistentRead: true }),
    );
    return Item ? toPeriod(Item) : null;
  };

  /** A conditional update: true when applied, false when its condition did not hold. */
  const updateIf = async (
    period: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> => {
    return conditionHeld(
      db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.periodKey(period),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  };

  return {
    get,

    async list(): Promise<Period[]> {
      return (await queryAll(db, keys.allPeriods())).map(toPeriod);
    },

    /** Creates the period unless it exists; returns the stored one either way. */
    async createIfMissing(period: Period): Promise<{ created: boolean; period: Period }> {
      if (await putIfAbsent(db, { ...keys.period(period.period), ...period }))
        return { created: true, period };
      const existing = await get(period.period);
      if (!existing) throw new Error(`period ${period.period} exists and cannot be read`);
      return { created: false, period: existing };
    },

    async setSkipped(period: string, skipped: readonly SkippedEmployee[]): Promise<void> {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.periodKey(period),
          UpdateExpression: 'SET skipped = :s, skippedCount = :n',
          ExpressionAttributeValues: { ':s': skipped.slice(0, MAX_SKIPPED_LISTED), ':n': skipped.length },
        }),
      );
    },

    /** OPEN → CLOSING: from now on the close is in progress and resumable. False when it was not OPEN. */
    markClosing: (period: string, at: string) =>
      updateIf(period, 'SET #status = :closing, closingStartedAt = :at', '#status = :open', {
        ':closing': 'CLOSING',
        ':open': 'OPEN',
        ':at': at,
      }),

    /**
     * CLOSED → REOPENING, with the audit event of the decision, in one transaction: only while the period is CLOSED
     * with the appeal deadline the caller checked, and no appeal was filed (each appeal counts itself on the period
     * only while it is CLOSED: the two never both get through). Publication and the appeal deadline are withdrawn
     * at once; the new deadlines and close time apply. False when the conditions no longer held.
     */
    async beginReopening(
      period: string,
      change: {
        reopen: NonNullable<Period['reopen']>;
        deadlines: Deadlines;
        closesAt: string;
        /** The appeal deadline the caller read and checked against the clock. */
        appealDeadline: string;
      },
      audit: OrgAuditEvent,
    ): Promise<boolean> {
      try {
        await db.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: db.tableName,
                  Key: keys.periodKey(period),
                  UpdateExpression:
                    'SET #status = :reopening, reopen = :reopen, deadlines = :deadlines, closesAt = :closesAt, closedAt = :null, publishedAt = :null, appealDeadline = :null REMOVE closingStartedAt',
                  ConditionExpression:
                    '#status = :closed AND appealDeadline = :seen AND (attribute_not_exists(appealsFiled) OR appealsFiled = :zero)',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':reopening': 'REOPENING',
                    ':closed': 'CLOSED',
                    ':reopen': change.reopen,
                    ':deadlines': change.deadlines,
                    ':closesAt': change.closesAt,
                    ':null': null,
                    ':seen': change.appealDeadline,
                    ':zero': 0,
                  },
                },
              },
              { Put: { TableName: db.tableName, Item: orgAuditItem(audit) } },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.some(
            (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
          )
        )
          return false;
        throw error;
      }
    },

    /** REOPENING → OPEN, once everything the close expired is back. False when it was not REOPENING. */
    markReopened: (period: string) =>
      updateIf(period, 'SET #status = :open', '#status = :reopening', {
        ':open': 'OPEN',
        ':reopening': 'REOPENING',
      }),

    /** CLOSING → CLOSED with the publication time and appeal deadline. False when it was not CLOSING. */
    markClosed: (period: string, at: string, appealDeadline: string) =>
      updateIf(
        period,
        'SET #status = :closed, closedAt = :at, publishedAt = :at, appealDeadline = :appeal',
        '#status = :closing',
        { ':closed': 'CLOSED', ':closing': 'CLOSING', ':at': at, ':appeal': appealDeadline },
      ),
  };
}

export type PeriodStore = ReturnType<typeof periodStore>;
