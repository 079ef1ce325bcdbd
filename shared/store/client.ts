/**
 * The DynamoDB clients, created once per process (once per Lambda cold start), never per request. In Lambda the
 * endpoint and credentials come from the environment; locally an endpoint points at DynamoDB Local.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Db {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export interface DbOptions {
  tableName: string;
  /** A local engine (DynamoDB Local); absent: AWS, from the environment. */
  endpoint?: string | undefined;
  region?: string | undefined;
  /** Give up on a request that has not answered in this time (a frozen local engine), in milliseconds. */
  requestTimeoutMs?: number | undefined;
  /** More SDK client settings (the local runtime bounds connection time and attempts with it). */
  clientConfig?: DynamoDBClientConfig | undefined;
}

/** Local engines accept any credentials; these keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'ap-southeast-1';

export function createDb(options: DbOptions): Db {
  const client = new DynamoDBClient({
    ...(options.endpoint
      ? { endpoint: options.endpoint, region: options.region ?? LOCAL_REGION, credentials: LOCAL_CREDENTIALS }
      : {}),
    ...(options.requestTimeoutMs ? { requestHandler: { requestTimeout: options.requestTimeoutMs } } : {}),
    ...options.clientConfig,
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  return { client, doc, tableName: options.tableName };
}
