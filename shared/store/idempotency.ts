/**
 * Idempotency records for POST requests carrying an `Idempotency-Key` header, kept in the same table for
 * 24 hours (TTL). The first request claims the key with a conditional write; a retry with the same key and
 * body gets the stored response, a retry with another body is a conflict.
 */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { keys } from './keys.ts';

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const RECORD_TTL_SECONDS = 24 * 60 * 60;
/** A claim older than this is taken to belong to a request that died; the key can be claimed again. */
const IN_PROGRESS_LOCK_SECONDS = 60;

export type ClaimResult =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

export async function claimIdempotencyKey(
  db: Db,
  principalId: string,
  key: string,
  requestHash: string,
  nowMs: number,
): Promise<ClaimResult> {
  const itemKey = keys.idempotency(principalId, key);
  const nowSeconds = Math.floor(nowMs / 1000);
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...itemKey,
          status: 'IN_PROGRESS',
          requestHash,
          lockedUntil: nowSeconds + IN_PROGRESS_LOCK_SECONDS,
          expiresAt: nowSeconds + RECORD_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND lockedUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':now': nowSeconds },
      }),
    );
    return { kind: 'claimed' };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: { pk: itemKey.pk, sk: itemKey.sk },
      ConsistentRead: true,
    }),
  );
  if (!Item) return { kind: 'in-progress' };
  if (Item.requestHash !== requestHash) return { kind: 'mismatch' };
  if (Item.status !== 'COMPLETE') return { kind: 'in-progress' };
  return { kind: 'replay', response: Item.response as StoredResponse };
}

export async function completeIdempotencyKey(
  db: Db,
  principalId: string,
  key: string,
  requestHash: string,
  response: StoredResponse,
  nowMs: number,
): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.idempotency(principalId, key),
        status: 'COMPLETE',
        requestHash,
        response,
        expiresAt: Math.floor(nowMs / 1000) + RECORD_TTL_SECONDS,
      },
    }),
  );
}

export async function releaseIdempotencyKey(db: Db, principalId: string, key: string): Promise<void> {
  const { pk, sk } = keys.idempotency(principalId, key);
  await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { pk, sk } }));
}
