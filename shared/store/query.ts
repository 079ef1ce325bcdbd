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
  /** Only these attributes (dotted paths allowed), to read less. */
  attributes?: readonly string[];
}

type Item = Record<string, unknown>;

/** A ProjectionExpression of top-level or dotted attribute paths, adding their placeholders to `names`. */
export function projectionOf(attributes: readonly string[], names: Record<string, string>): string {
  return attributes
    .map((path) =>
      path
        .split('.')
        .map((part) => {
          names[`#${part}`] = part;
          return `#${part}`;
        })
        .join('.'),
    )
    .join(', ');
}

function input(db: Db, spec: QuerySpec, startKey?: Item): QueryCommandInput {
  const pkName = spec.index ? `${spec.index}pk` : 'pk';
  const skName = spec.index ? `${spec.index}sk` : 'sk';
  const names: Record<string, string> = { '#pk': pkName };
  const values: Record<string, unknown> = { ':pk': spec.pk };
  if (spec.skPrefix) {
    names['#sk'] = skName;
    values[':sk'] = spec.skPrefix;
  }
  const projection = spec.attributes ? projectionOf(spec.attributes, names) : undefined;
  return {
    TableName: db.tableName,
    IndexName: spec.index,
    KeyConditionExpression: spec.skPrefix ? '#pk = :pk AND begins_with(#sk, :sk)' : '#pk = :pk',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ProjectionExpression: projection,
    ScanIndexForward: !spec.descending,
    Limit: spec.limit,
    // Indexes are eventually consistent by definition; the table can be read consistently where it matters.
    ConsistentRead: spec.index ? undefined : spec.consistent,
    ExclusiveStartKey: startKey,
  };
}

/** Every item of the query, following pagination. */
export async function queryAll(db: Db, spec: QuerySpec): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(db, spec)) {
    items.push(...page);
    if (spec.limit !== undefined && items.length >= spec.limit) break;
  }
  return items;
}

/** Pages of a query, for work over large partitions without holding them in memory. */
export async function* queryPages(db: Db, spec: QuerySpec): AsyncGenerator<Item[]> {
  let startKey: Item | undefined;
  do {
    const page = await db.doc.send(new QueryCommand(input(db, spec, startKey)));
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
