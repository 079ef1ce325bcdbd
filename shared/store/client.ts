/**
 * The DynamoDB clients, created once per process (once per Lambda cold start), never per request.
 * In Lambda the endpoint and credentials come from the environment; locally DYNAMODB_ENDPOINT points at
 * DynamoDB Local.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_NAME_ENV } from './table-definition.ts';

export interface Db {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** `clientConfig` adds to the SDK client's settings (the local runtime bounds each call's time with it). */
export function createDb(options: {
  tableName: string;
  endpoint?: string | undefined;
  clientConfig?: DynamoDBClientConfig;
}): Db {
  const client = new DynamoDBClient({
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          region: process.env.AWS_REGION ?? 'ap-southeast-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    ...options.clientConfig,
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  return { client, doc, tableName: options.tableName };
}

let processDb: Db | undefined;

/** The process-wide client, configured from the environment; fails fast when the table name is missing. */
export function db(): Db {
  if (!processDb) {
    const tableName = process.env[TABLE_NAME_ENV];
    if (!tableName) throw new Error(`Missing environment variable ${TABLE_NAME_ENV}`);
    processDb = createDb({ tableName, endpoint: process.env.DYNAMODB_ENDPOINT });
  }
  return processDb;
}

/** For the local server and tests, which choose the table at run time. */
export function setDb(next: Db): void {
  processDb = next;
}
