/**
 * Evidence metadata: one small item per file in the employee's partition beside the evaluation (the file itself
 * is in the evidence bucket, never in the table). An upload starts as UPLOADING with a TTL, so a file nobody
 * confirms leaves no lasting item; confirming makes it AVAILABLE, removes the TTL and logs it, in one transaction
 * that also checks the evaluation is still before its review. Removing a file is logged the same way.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { putIfAbsent } from './conditional-write.ts';
import { attachmentSchema, decode, type StoredAttachment, type WorkLogEvent } from './entities.ts';
import { keys } from './keys.ts';
import { evaluationOpenCheck, workLogItem } from './product-store.ts';
import { queryAll } from './query.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const toAttachment = (item: Record<string, unknown>) => decode(attachmentSchema, item, 'attachment');

/** An upload not confirmed within a day is forgotten (DynamoDB TTL). */
const UPLOADING_TTL_SECONDS = 24 * 60 * 60;

export type AttachmentWriteOutcome = 'written' | 'locked' | 'missing' | 'conflict';

export function attachmentStore(db: Db) {
  const openEvaluation = (employeeId: string, period: string) =>
    evaluationOpenCheck(db.tableName, employeeId, period);

  const send = async (items: TransactItem[]): Promise<AttachmentWriteOutcome> => {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'locked';
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'missing';
      if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'conflict';
      throw error;
    }
  };

  return {
    async get(employeeId: string, period: string, attachmentId: string): Promise<StoredAttachment | null> {
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.attachmentKey(employeeId, period, attachmentId),
          ConsistentRead: true,
        }),
      );
      return Item ? toAttachment(Item) : null;
    },

    async ofEvaluation(employeeId: string, period: string): Promise<StoredAttachment[]> {
      const spec = keys.attachmentsOf(employeeId, period);
      return (await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true })).map(
        toAttachment,
      );
    },

    /** A new UPLOADING attachment; false when the id is taken (never in practice: ids are random). */
    async create(attachment: StoredAttachment, nowMs: number): Promise<boolean> {
      return putIfAbsent(db, {
        ...keys.attachment(attachment.employeeId, attachment.period, attachment.id),
        ...attachment,
        expiresAt: Math.floor(nowMs / 1000) + UPLOADING_TTL_SECONDS,
      });
    },

    /** UPLOADING → AVAILABLE with the size found, while the evaluation is before its review; logged. */
    async confirm(
      attachment: StoredAttachment,
      size: number,
      at: string,
      audit: WorkLogEvent,
    ): Promise<AttachmentWriteOutcome> {
      return send([
        openEvaluation(attachment.employeeId, attachment.period),
        {
          Update: {
            TableName: db.tableName,
            Key: keys.attachmentKey(attachment.employeeId, attachment.period, attachment.id),
            UpdateExpression: 'SET #status = :available, #size = :size, confirmedAt = :at REMOVE expiresAt',
            ConditionExpression: '#status = :uploading',
            ExpressionAttributeNames: { '#status': 'status', '#size': 'size' },
            ExpressionAttributeValues: {
              ':available': 'AVAILABLE',
              ':uploading': 'UPLOADING',
              ':size': size,
              ':at': at,
            },
          },
        },
        { Put: { TableName: db.tableName, Item: workLogItem(audit) } },
      ]);
    },

    /** Removes an attachment while the evaluation is before its review; logged. */
    async remove(attachment: StoredAttachment, audit: WorkLogEvent): Promise<AttachmentWriteOutcome> {
      return send([
        openEvaluation(attachment.employeeId, attachment.period),
        {
          Delete: {
            TableName: db.tableName,
            Key: keys.attachmentKey(attachment.employeeId, attachment.period, attachment.id),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        { Put: { TableName: db.tableName, Item: workLogItem(audit) } },
      ]);
    },

    /** Forgets an upload that was refused at confirmation (never AVAILABLE, so nothing to log). */
    async discard(attachment: StoredAttachment): Promise<void> {
      await db.doc
        .send(
          new DeleteCommand({
            TableName: db.tableName,
            Key: keys.attachmentKey(attachment.employeeId, attachment.period, attachment.id),
            ConditionExpression: '#status = :uploading',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':uploading': 'UPLOADING' },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },
  };
}

export type AttachmentStore = ReturnType<typeof attachmentStore>;
