/**
 * The outbox: one item per (day, recipient, reminder), written only if absent, so nobody gets two messages for the
 * same day whatever reruns or retries happen. It is the truth about every message; the delivery queue only says
 * "look at this one now". A consumer claims an item (PENDING → SENDING, or a SENDING claim older than the lease that
 * SES never accepted) before sending, and marks it SENT after; SES's own Send event records `acceptedAt`, which
 * settles a claim whose sender died between the send and the mark. The day's sending quota is a counter item.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { conditionHeld, putIfAbsent } from './conditional-write.ts';
import { decode, type OutboxMessage, type OutboxStatus, outboxMessageSchema } from './entities.ts';
import { keys } from './keys.ts';
import { queryPages } from './query.ts';

/** Outbox items are kept 90 days, then DynamoDB's TTL removes them. */
const OUTBOX_TTL_SECONDS = 90 * 24 * 3600;
const QUOTA_TTL_SECONDS = 3 * 24 * 3600;

export type OutboxRef = Pick<OutboxMessage, 'day' | 'recipientId' | 'reminder'>;

const toMessage = (item: Record<string, unknown>) => decode(outboxMessageSchema, item, 'outbox message');

export function outboxStore(db: Db) {
  /** A conditional update; false when the condition did not hold. */
  const update = async (
    ref: OutboxRef,
    set: Record<string, unknown>,
    condition: string,
    conditionValues: Record<string, unknown>,
    remove: readonly string[] = [],
  ): Promise<boolean> => {
    const names: Record<string, string> = condition.includes('#status') ? { '#status': 'status' } : {};
    const values: Record<string, unknown> = { ...conditionValues };
    const sets = Object.entries(set).map(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    const removes = remove.map((name, i) => {
      names[`#r${i}`] = name;
      return `#r${i}`;
    });
    return conditionHeld(
      db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.outboxKey(ref.day, ref.recipientId, ref.reminder),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  };

  return {
    /** Queues a message unless one exists for the same day, recipient and reminder. */
    async enqueue(message: OutboxMessage): Promise<'queued' | 'exists'> {
      const queued = await putIfAbsent(db, {
        ...keys.outbox(message.day, message.recipientId, message.reminder),
        ...message,
        expiresAt: Math.floor(Date.parse(message.createdAt) / 1000) + OUTBOX_TTL_SECONDS,
      });
      return queued ? 'queued' : 'exists';
    },

    async get(ref: OutboxRef): Promise<OutboxMessage | null> {
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.outboxKey(ref.day, ref.recipientId, ref.reminder),
          ConsistentRead: true,
        }),
      );
      return Item ? toMessage(Item) : null;
    },

    /** A day's messages; `unsentOnly`: those still PENDING or SENDING (filtered by DynamoDB, read all the same). */
    async listDay(day: string, options: { unsentOnly?: boolean } = {}): Promise<OutboxMessage[]> {
      const out: OutboxMessage[] = [];
      for await (const page of queryPages(db, { ...keys.outboxOfDay(day), consistent: true })) {
        for (const item of page) {
          const message = toMessage(item);
          if (!options.unsentOnly || message.status === 'PENDING' || message.status === 'SENDING')
            out.push(message);
        }
      }
      return out;
    },

    /**
     * Claims a message for sending: PENDING, or SENDING with a claim taken before `staleBefore` that SES never
     * accepted (its sender died before sending). False when someone else holds it or it is settled.
     */
    claim(ref: OutboxRef, now: string, staleBefore: string): Promise<boolean> {
      return update(
        ref,
        { status: 'SENDING', claimedAt: now },
        '#status = :pending OR (#status = :sending AND claimedAt < :stale AND attribute_not_exists(acceptedAt))',
        { ':pending': 'PENDING', ':sending': 'SENDING', ':stale': staleBefore },
      );
    },

    /** SENDING → SENT, with SES's message id. */
    markSent(ref: OutboxRef, sentAt: string, providerMessageId: string | null, channel: 'ses' | 'local') {
      return update(
        ref,
        {
          status: 'SENT',
          sentAt,
          channel,
          ...(providerMessageId ? { providerMessageId } : {}),
        },
        '#status = :sending',
        { ':sending': 'SENDING' },
      );
    },

    /** SENDING → PENDING: not sent (throttled, out of today's quota): it stays queued. */
    release(ref: OutboxRef, error: string | null) {
      return update(ref, { status: 'PENDING', ...(error ? { error } : {}) }, '#status = :sending', {
        ':sending': 'SENDING',
      });
    },

    /** PENDING or SENDING → a final status that sends nothing (FAILED, OPTED_OUT, SUPPRESSED, FOLDED). */
    settle(
      ref: OutboxRef,
      to: OutboxStatus,
      extra: Partial<Pick<OutboxMessage, 'error' | 'foldedInto'>> = {},
    ) {
      return update(ref, { status: to, ...extra }, '#status IN (:pending, :sending)', {
        ':pending': 'PENDING',
        ':sending': 'SENDING',
      });
    },

    /** SES's Send event: the message was accepted (whatever the consumer managed to record). */
    recordAccepted(ref: OutboxRef, providerMessageId: string, at: string) {
      return update(
        ref,
        { acceptedAt: at, providerMessageId },
        'attribute_exists(pk) AND attribute_not_exists(acceptedAt)',
        {},
      );
    },

    /** Counts one more message handed to SES today, unless that would pass the day's quota. */
    async reserveQuota(day: string, limit: number, now: Date): Promise<boolean> {
      const key = keys.mailQuota(day);
      return conditionHeld(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: 'ADD sent :one SET entityType = :type, expiresAt = :ttl',
            ConditionExpression: 'attribute_not_exists(sent) OR sent < :limit',
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              ':type': key.entityType,
              ':ttl': Math.floor(now.getTime() / 1000) + QUOTA_TTL_SECONDS,
            },
          }),
        ),
      );
    },

    /** Gives back a slot reserved for a message that was not sent after all. */
    async returnQuota(day: string): Promise<void> {
      const key = keys.mailQuota(day);
      // Nothing to give back when the count is at zero already.
      await conditionHeld(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: 'ADD sent :minus',
            ConditionExpression: 'sent > :zero',
            ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
          }),
        ),
      );
    },

    async quotaUsed(day: string): Promise<number> {
      const key = keys.mailQuota(day);
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
      );
      return typeof Item?.sent === 'number' ? Item.sent : 0;
    },
  };
}

export type OutboxStore = ReturnType<typeof outboxStore>;
