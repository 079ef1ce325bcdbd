/** A fresh table on the shared DynamoDB Local for one test file. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type Db, setDb } from '../../shared/store/client.ts';
import { createTableIfMissing } from '../../shared/store/create-table.ts';

export async function freshTable(label = 'test'): Promise<Db> {
  const endpoint = inject('dynamoEndpoint');
  const db = createDb({ tableName: `${label}-${randomUUID().slice(0, 8)}`, endpoint });
  await createTableIfMissing(db.client, db.tableName);
  setDb(db);
  return db;
}
