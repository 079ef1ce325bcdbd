/**
 * Receipts of requests sent with an `Idempotency-Key`: the first answer, kept 24 hours (TTL) to be replayed to a
 * retry. A transition writes its receipt in the same transaction as the change (see evaluation-store.ts), so a
 * crash can never leave a change without its receipt or a receipt without its change; other requests, whose work
 * is idempotent by itself (opening, closing, an import), write it once done. There is no "in progress" state
 * to be left behind by a crash.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { putIfAbsent } from './conditional-write.ts';
import { decode, receiptSchema, type StoredReceipt } from './entities.ts';
import { keys } from './keys.ts';

export type { StoredResponse } from './entities.ts';
export type Receipt = StoredReceipt;

/** Receipts are kept this long, then DynamoDB's TTL removes them. */
export const RECEIPT_TTL_SECONDS = 24 * 60 * 60;

/**
 * Answers longer than this are kept compressed (Brotli): an evaluation's JSON shrinks by a third or more, so its
 * receipt stays within the 1 KB a write unit covers (a transaction bills each of its items twice).
 */
const COMPRESS_FROM = 400;

export function receiptItem(receipt: Receipt) {
  const { body, ...rest } = receipt.response;
  const compressed =
    body.length >= COMPRESS_FROM
      ? brotliCompressSync(Buffer.from(body, 'utf8'), {
          // A fast setting: a few hundred bytes of JSON compress as well at 5 as at 11, in a fraction of the time.
          params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        })
      : null;
  return {
    ...keys.idempotency(receipt.principalId, receipt.key),
    ...receipt,
    response: compressed ? { ...rest, bodyBrotli: new Uint8Array(compressed) } : receipt.response,
    expiresAt: Math.floor(Date.parse(receipt.at) / 1000) + RECEIPT_TTL_SECONDS,
  };
}

/** A receipt as stored (its answer's body compressed or not), decoded. */
export function receiptOf(item: Record<string, unknown>): Receipt {
  const response = item.response as Record<string, unknown> | undefined;
  const packed = response?.bodyBrotli;
  if (!(packed instanceof Uint8Array)) return decode(receiptSchema, item, 'idempotency receipt');
  const { bodyBrotli: _, ...rest } = response as Record<string, unknown>;
  const body = brotliDecompressSync(packed).toString('utf8');
  return decode(receiptSchema, { ...item, response: { ...rest, body } }, 'idempotency receipt');
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
      return receiptOf(Item);
    },

    /** Stores a receipt unless one exists for the key: 'exists' when another answer got there first. */
    async put(receipt: Receipt): Promise<'written' | 'exists'> {
      return (await putIfAbsent(db, receiptItem(receipt))) ? 'written' : 'exists';
    },
  };
}

export type IdempotencyStore = ReturnType<typeof idempotencyStore>;
