/**
 * The one definition of the single DynamoDB table. The CDK stack and the local bootstrap both read it,
 * so the table in AWS and the table in DynamoDB Local cannot drift apart.
 * Key names are generic on purpose: what each key holds is decided in `keys.ts`, never here.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired items (idempotency records, outbox entries). */
  timeToLiveAttribute: 'expiresAt',
  /**
   * `projection`: ALL copies the whole item into the index (every change of the item is an index write too);
   * KEYS_ONLY copies only the keys, so a change that leaves the index keys alone costs the index nothing. The
   * reviewers' and approvers' lists (gsi4, gsi5) read their items by key after the Query: an evaluation's
   * transitions never touch those indexes.
   */
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'ALL' },
    { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: 'KEYS_ONLY' },
    { indexName: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: 'KEYS_ONLY' },
  ],
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  timeToLiveAttribute: string;
  globalSecondaryIndexes: readonly {
    indexName: string;
    partitionKey: string;
    sortKey: string;
    projection: 'ALL' | 'KEYS_ONLY';
  }[];
};

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];

/** Environment variable that carries the table name into every function. */
export const TABLE_NAME_ENV = 'TABLE_NAME';
