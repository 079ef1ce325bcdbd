/** A fresh table on the shared DynamoDB Local for one test file, with the store on it installed process-wide. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type Db } from '../../shared/store/client.ts';
import { createTableIfMissing } from '../../shared/store/create-table.ts';
import { createDynamoStore, type Store, setStore } from '../../shared/store/store.ts';
import { TABLE_NAME_ENV } from '../../shared/store/table-definition.ts';

export interface TestTable {
  /** The raw table, for what only a test may do (scan everything, inspect items). */
  db: Db;
  store: Store;
}

export async function freshTable(label = 'test'): Promise<TestTable> {
  const endpoint = inject('dynamoEndpoint');
  const db = createDb({ tableName: `${label}-${randomUUID().slice(0, 8)}`, endpoint });
  await createTableIfMissing(db.client, db.tableName);
  const store = createDynamoStore(db);
  // The handlers read their configuration as in Lambda, and use the process's store.
  process.env[TABLE_NAME_ENV] ??= db.tableName;
  setStore(store);
  return { db, store };
}
