/**
 * In-app notifications and the mail settings of each person, in one partition per person (`NOTIF#<employeeId>`):
 * `/v1/me` and `/v1/notifications` read both with one Query. Notifications are small (ids, kind, period, a few
 * fields) and expire after 90 days (DynamoDB's TTL). Those a transition causes are written in the transition's own
 * transaction (evaluation-store.ts, `notificationItem`); the close writes publication notices per unit in batches.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut } from './batch.ts';
import type { Db } from './client.ts';
import {
  decode,
  type MailPreference,
  type MailSuppression,
  mailPreferenceSchema,
  notificationSchema,
  type StoredNotification,
} from './entities.ts';
import { ENTITY, keys } from './keys.ts';
import { queryAll } from './query.ts';

/** Notifications are kept this long, then DynamoDB's TTL removes them. */
export const NOTIFICATION_TTL_SECONDS = 90 * 24 * 3600;

const toNotification = (item: Record<string, unknown>) => decode(notificationSchema, item, 'notification');
const toPreference = (item: Record<string, unknown>) => decode(mailPreferenceSchema, item, 'mail preference');

/** The item of a notification, for a transaction or a batch. */
export const notificationItem = (n: StoredNotification) => ({
  ...keys.notification(n.recipientId, n.id),
  ...n,
  expiresAt: Math.floor(Date.parse(n.at) / 1000) + NOTIFICATION_TTL_SECONDS,
});

export function notificationStore(db: Db) {
  const getOne = async (recipientId: string, id: string): Promise<StoredNotification | null> => {
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.notificationKey(recipientId, id),
        ConsistentRead: true,
      }),
    );
    return Item ? toNotification(Item) : null;
  };

  const markRead = async (
    recipientId: string,
    id: string,
    at: string,
  ): Promise<StoredNotification | null> => {
    try {
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.notificationKey(recipientId, id),
          UpdateExpression: 'SET readAt = :at',
          // Read once: the first time stays.
          ConditionExpression: 'attribute_exists(pk) AND readAt = :null',
          ExpressionAttributeValues: { ':at': at, ':null': null },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toNotification(Attributes) : null;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return getOne(recipientId, id);
      throw error;
    }
  };

  return {
    /** A person's mail settings and notifications, oldest first (one Query; the partition is small by its TTL). */
    async inbox(
      recipientId: string,
    ): Promise<{ preference: MailPreference | null; items: StoredNotification[] }> {
      const found = await queryAll(db, { ...keys.notificationsOf(recipientId), consistent: true });
      let preference: MailPreference | null = null;
      const items: StoredNotification[] = [];
      for (const item of found) {
        if (item.entityType === ENTITY.mailPreference) preference = toPreference(item);
        else if (item.entityType === ENTITY.notification) items.push(toNotification(item));
      }
      return { preference, items };
    },

    get: getOne,

    /** Marks one notification read; null when the person has no such notification. */
    markRead,

    /** Marks every unread notification read; returns how many changed. */
    async markAllRead(recipientId: string, at: string, ids: readonly string[]): Promise<number> {
      let changed = 0;
      for (const id of ids) {
        const n = await markRead(recipientId, id, at);
        if (n?.readAt === at) changed++;
      }
      return changed;
    },

    /** Writes notifications outside a transition (the close's publication notices), 25 to a request. */
    async putMany(notifications: readonly StoredNotification[]): Promise<void> {
      await batchPut(db, notifications.map(notificationItem), 2);
    },
  };
}

export function mailStore(db: Db) {
  const write = async (
    employeeId: string,
    set: Record<string, unknown>,
    options: { suppressed?: boolean; unsuppress?: boolean } = {},
  ): Promise<MailPreference> => {
    const key = keys.mailPreference(employeeId, options.suppressed ?? false);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':type': key.entityType, ':id': employeeId };
    const sets = ['entityType = :type', 'employeeId = :id'];
    for (const [i, [name, value]] of Object.entries(set).entries()) {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      sets.push(`#s${i} = :s${i}`);
    }
    if (!('emailOff' in set)) {
      values[':false'] = false;
      sets.push('emailOff = if_not_exists(emailOff, :false)');
    }
    if (!('suppression' in set)) {
      values[':null'] = null;
      sets.push('suppression = if_not_exists(suppression, :null)');
    }
    if ('gsi1pk' in key) {
      values[':g1pk'] = key.gsi1pk;
      values[':g1sk'] = key.gsi1sk;
      sets.push('gsi1pk = :g1pk', 'gsi1sk = :g1sk');
    }
    const { Attributes } = await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.mailPreferenceKey(employeeId),
        UpdateExpression: `SET ${sets.join(', ')}${options.unsuppress ? ' REMOVE gsi1pk, gsi1sk' : ''}`,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toPreference(Attributes ?? {});
  };

  return {
    async getPreference(employeeId: string): Promise<MailPreference | null> {
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.mailPreferenceKey(employeeId),
          ConsistentRead: true,
        }),
      );
      return Item ? toPreference(Item) : null;
    },

    /** The person's own switch: e-mail off (true) or on. */
    setEmailOff(employeeId: string, emailOff: boolean, at: string): Promise<MailPreference> {
      return write(employeeId, { emailOff, updatedAt: at });
    },

    /** SES said this address bounced for good or complained: no more e-mail to it. */
    suppress(employeeId: string, suppression: MailSuppression): Promise<MailPreference> {
      return write(employeeId, { suppression, updatedAt: suppression.at }, { suppressed: true });
    },

    /** The suppression no longer applies (HR recorded another address). */
    clearSuppression(employeeId: string, at: string): Promise<MailPreference> {
      return write(employeeId, { suppression: null, updatedAt: at }, { unsuppress: true });
    },

    /** Everyone whose address is suppressed (a Query on gsi1; a handful in a city). */
    async listSuppressed(): Promise<MailPreference[]> {
      return (await queryAll(db, keys.suppressedAddresses())).map(toPreference);
    },
  };
}

export type NotificationStore = ReturnType<typeof notificationStore>;
export type MailStore = ReturnType<typeof mailStore>;
