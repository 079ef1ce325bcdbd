/**
 * Starts one in-memory DynamoDB Local and one s3rver (a real S3 API, files in a temporary folder) for the whole test
 * run and stops them afterwards, so nothing is left running. Test files get their endpoints with
 * `inject('dynamoEndpoint')` and `inject('s3Endpoint')`, and create their own table and bucket.
 */
import type { TestProject } from 'vitest/node';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';
import { type RunningS3, startS3Local } from '../../functions/local/s3-local.ts';

let engine: RunningDynamoDb | undefined;
let s3: RunningS3 | undefined;

export async function setup(project: TestProject): Promise<void> {
  [engine, s3] = await Promise.all([startDynamoDbLocal({ dataDir: null }), startS3Local({ dataDir: null })]);
  project.provide('dynamoEndpoint', engine.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
}

export async function teardown(): Promise<void> {
  await Promise.all([engine?.stop(), s3?.stop()]);
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}
