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
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];

/** Environment variable that carries the table name into every function. */
export const TABLE_NAME_ENV = 'TABLE_NAME';
