import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { tableDefinition } from '../../shared/store/table-definition.ts';
import { freshTable } from '../support/table.ts';

describe('the local table', () => {
  it('is created from the shared definition, with every index', async () => {
    const { db } = await freshTable();
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: db.tableName }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual([
      tableDefinition.partitionKey,
      tableDefinition.sortKey,
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      tableDefinition.globalSecondaryIndexes.map((i) => i.indexName),
    );
  });
});
