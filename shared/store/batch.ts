/** Batch reads and writes, retrying what DynamoDB hands back unprocessed. */
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import type { TableKey } from './keys.ts';
import { inParallel } from './parallel.ts';
import { projectionOf } from './query.ts';

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

/** Puts in batches of 25 (the BatchWriteItem limit), `concurrency` batches at a time. */
export async function batchPut(
  db: Db,
  items: readonly Record<string, unknown>[],
  concurrency = 1,
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await inParallel(batches, Math.max(1, concurrency), async (batch) => {
    let requests: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      const out = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[db.tableName] ?? []) as Record<string, unknown>[];
      if (requests.length > 0) {
        if (attempt >= 8) throw new Error(`${requests.length} items left unprocessed`);
        await backoff(attempt);
      }
    }
  });
}

export const keyOf = (k: TableKey) => `${k.pk}\u0000${k.sk}`;

/** BatchGets of one call in flight at once: a period's counters for 3,000 units are 30 requests, not 30 round trips. */
const BATCH_GETS_IN_FLIGHT = 4;

/**
 * Gets up to any number of items by key, 100 per request (up to BATCH_GETS_IN_FLIGHT requests at once); found items by
 * `keyOf` their key. `attributes`: only these attributes (dotted paths allowed; the keys are always returned), to
 * read less.
 */
export async function batchGet(
  db: Db,
  wanted: readonly TableKey[],
  options: { consistent?: boolean; attributes?: readonly string[] } = {},
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const names: Record<string, string> = {};
  const projection = options.attributes
    ? projectionOf(['pk', 'sk', ...options.attributes], names)
    : undefined;
  const chunks: TableKey[][] = [];
  for (let i = 0; i < wanted.length; i += 100) chunks.push(wanted.slice(i, i + 100));
  const getChunk = async (chunk: readonly TableKey[]) => {
    let request:
      | Record<
          string,
          {
            Keys: Record<string, unknown>[];
            ConsistentRead?: boolean;
            ProjectionExpression?: string;
            ExpressionAttributeNames?: Record<string, string>;
          }
        >
      | undefined = {
      [db.tableName]: {
        Keys: chunk.map((k) => ({ pk: k.pk, sk: k.sk })),
        ConsistentRead: options.consistent,
        ...(projection ? { ProjectionExpression: projection, ExpressionAttributeNames: names } : {}),
      },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      const out = await db.doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[db.tableName] ?? []) {
        found.set(keyOf({ pk: String(item.pk), sk: String(item.sk) }), item);
      }
      request = out.UnprocessedKeys as typeof request;
      if (request && Object.keys(request).length > 0) await backoff(attempt);
    }
  };
  await inParallel(chunks, BATCH_GETS_IN_FLIGHT, getChunk);
  return found;
}
