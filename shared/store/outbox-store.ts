/**
 * The outbox: one item per (day, recipient, reminder), written only if absent, so nobody is notified twice for
 * the same reminder whatever reruns or retries happen. Delivery claims an item (PENDING → SENDING) before sending
 * and marks it SENT after.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { decode, type OutboxMessage, type OutboxStatus, outboxMessageSchema } from './entities.ts';
import { keys } from './keys.ts';
import { queryPages } from './query.ts';

/** Outbox items are kept 90 days, then DynamoDB's TTL removes them. */
const OUTBOX_TTL_SECONDS = 90 * 24 * 3600;

export type OutboxRef = Pick<OutboxMessage, 'day' | 'recipientId' | 'reminder'>;

export function outboxStore(db: Db) {
  return {
    /** Queues a message unless one exists for the same day, recipient and reminder. */
    async enqueue(message: OutboxMessage): Promise<'queued' | 'exists'> {
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: {
              ...keys.outbox(message.day, message.recipientId, message.reminder),
              ...message,
              expiresAt: Math.floor(Date.parse(message.createdAt) / 1000) + OUTBOX_TTL_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 'queued';
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return 'exists';
        throw error;
      }
    },

    async listDay(day: string): Promise<OutboxMessage[]> {
      const out: OutboxMessage[] = [];
      for await (const page of queryPages(db, { ...keys.outboxOfDay(day), consistent: true })) {
        for (const item of page) out.push(decode(outboxMessageSchema, item, 'outbox message'));
      }
      return out;
    },

    /** Moves a message from one status to another; false when it was not in `from` (someone else moved it). */
    async setStatus(
      m: OutboxRef,
      from: OutboxStatus,
      to: OutboxStatus,
      extra: Partial<Pick<OutboxMessage, 'sentAt' | 'channel' | 'error'>> = {},
    ): Promise<boolean> {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = { ':from': from, ':to': to };
      const sets = ['#status = :to'];
      Object.entries(extra).forEach(([name, value], i) => {
        names[`#x${i}`] = name;
        values[`:x${i}`] = value;
        sets.push(`#x${i} = :x${i}`);
      });
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.outboxKey(m.day, m.recipientId, m.reminder),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#status = :from',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}

export type OutboxStore = ReturnType<typeof outboxStore>;
