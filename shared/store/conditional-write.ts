/**
 * Conditional writes that answer whether their condition held: a failed condition is an outcome the caller acts on
 * (already there, moved meanwhile, quota reached), never an error; anything else still throws.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';

/** Awaits a conditional write: false when its condition failed (nothing written), true when it was written. */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Puts the item unless one with its key exists: false when it was there already (nothing written). */
export function putIfAbsent(db: Db, item: Record<string, unknown>): Promise<boolean> {
  return conditionHeld(
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}
