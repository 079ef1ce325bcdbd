/** Query helpers: every list in this system is a Query on the table or one of its designed indexes. */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import type { IndexName } from './table-definition.ts';

export interface QuerySpec {
  index?: IndexName;
  pk: string;
  skPrefix?: string;
  /** Newest first (descending sort key). */
  descending?: boolean;
  limit?: number;
  consistent?: boolean;
}

function input(db: Db, spec: QuerySpec, startKey?: Record<string, unknown>): QueryCommandInput {
  const pkName = spec.index ? `${spec.index}pk` : 'pk';
  const skName = spec.index ? `${spec.index}sk` : 'sk';
  return {
    TableName: db.tableName,
    IndexName: spec.index,
    KeyConditionExpression: spec.skPrefix ? '#pk = :pk AND begins_with(#sk, :sk)' : '#pk = :pk',
    ExpressionAttributeNames: spec.skPrefix ? { '#pk': pkName, '#sk': skName } : { '#pk': pkName },
    ExpressionAttributeValues: spec.skPrefix ? { ':pk': spec.pk, ':sk': spec.skPrefix } : { ':pk': spec.pk },
    ScanIndexForward: !spec.descending,
    Limit: spec.limit,
    // Indexes are eventually consistent by definition; the table can be read consistently where it matters.
    ConsistentRead: spec.index ? undefined : spec.consistent,
    ExclusiveStartKey: startKey,
  };
}

/** Every item of the query, following pagination. */
export async function queryAll<T = Record<string, unknown>>(db: Db, spec: QuerySpec): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new QueryCommand(input(db, spec, startKey)));
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
    if (spec.limit !== undefined && items.length >= spec.limit) break;
  } while (startKey);
  return items;
}

/** Pages of a query, for jobs that process large partitions without holding them in memory. */
export async function* queryPages<T = Record<string, unknown>>(db: Db, spec: QuerySpec): AsyncGenerator<T[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new QueryCommand(input(db, spec, startKey)));
    yield (page.Items ?? []) as T[];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Drops key and bookkeeping attributes before an item leaves the store. */
export function stripKeys<T extends Record<string, unknown>>(item: T): Omit<T, 'pk' | 'sk' | 'entityType'> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name === 'pk' || name === 'sk' || name === 'entityType' || /^gsi\d+(pk|sk)$/.test(name)) continue;
    out[name] = value;
  }
  return out as Omit<T, 'pk' | 'sk' | 'entityType'>;
}
