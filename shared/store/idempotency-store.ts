/**
 * Receipts of requests sent with an `Idempotency-Key`: the first answer, kept 24 hours (TTL) to be replayed to a
 * retry. A transition writes its receipt in the same transaction as the change (see evaluation-store.ts), so a
 * crash can never leave a change without its receipt or a receipt without its change; other requests, whose work
 * is idempotent by itself (opening, closing, an import), write it once done. There is no "in progress" state
 * to be left behind by a crash.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { putIfAbsent } from './conditional-write.ts';
import { decode, receiptSchema, type StoredReceipt } from './entities.ts';
import { keys } from './keys.ts';

export type { StoredResponse } from './entities.ts';
export type Receipt = StoredReceipt;

/** Receipts are kept this long, then DynamoDB's TTL removes them. */
export const RECEIPT_TTL_SECONDS = 24 * 60 * 60;

export function receiptItem(receipt: Receipt) {
  return {
    ...keys.idempotency(receipt.principalId, receipt.key),
    ...receipt,
    expiresAt: Math.floor(Date.parse(receipt.at) / 1000) + RECEIPT_TTL_SECONDS,
  };
}

export function idempotencyStore(db: Db) {
  return {
    async get(principalId: string, key: string): Promise<Receipt | null> {
      const { pk, sk } = keys.idempotency(principalId, key);
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: { pk, sk }, ConsistentRead: true }),
      );
      if (!Item) return null;
      // Expired but not yet removed by the TTL sweep: as good as gone.
      if (typeof Item.expiresAt === 'number' && Item.expiresAt * 1000 < Date.now()) return null;
      return decode(receiptSchema, Item, 'idempotency receipt');
    },

    /** Stores a receipt unless one exists for the key: 'exists' when another answer got there first. */
    async put(receipt: Receipt): Promise<'written' | 'exists'> {
      return (await putIfAbsent(db, receiptItem(receipt))) ? 'written' : 'exists';
    },
  };
}

export type IdempotencyStore = ReturnType<typeof idempotencyStore>;
