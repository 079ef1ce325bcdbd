/**
 * Starts one in-memory DynamoDB Local for the whole test run and stops it afterwards, so nothing is left
 * running. Test files get its endpoint with `inject('dynamoEndpoint')` and create their own table.
 */
import type { TestProject } from 'vitest/node';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';

let engine: RunningDynamoDb | undefined;

export async function setup(project: TestProject): Promise<void> {
  engine = await startDynamoDbLocal({ dataDir: null });
  project.provide('dynamoEndpoint', engine.endpoint);
}

export async function teardown(): Promise<void> {
  await engine?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
