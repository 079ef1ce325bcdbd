/**
 * Table permissions by access level, written out action by action (never `dynamodb:*`, never a wildcard
 * resource): the table and each index by name from the shared table definition.
 *
 * - `read`: GetItem, BatchGetItem, Query (TransactGetItems is authorised as GetItem).
 * - `write`: the above plus PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem
 *   (TransactWriteItems is authorised per contained action). No Scan: every list is a Query on an index.
 * - `none`: nothing.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TableAccess } from '../../shared/http/routes.ts';
import { tableDefinition } from '../../shared/store/table-definition.ts';

export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
export const INDEX_READ_ACTIONS = ['dynamodb:Query'] as const;
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

export function tableAccessStatements(table: ITable, access: TableAccess): PolicyStatement[] {
  if (access === 'none') return [];
  const indexArns = tableDefinition.globalSecondaryIndexes.map(
    (i) => `${table.tableArn}/index/${i.indexName}`,
  );
  return [
    new PolicyStatement({
      sid: access === 'write' ? 'TableReadWrite' : 'TableRead',
      actions: [...TABLE_READ_ACTIONS, ...(access === 'write' ? TABLE_WRITE_ACTIONS : [])],
      resources: [table.tableArn],
    }),
    new PolicyStatement({ sid: 'IndexQuery', actions: [...INDEX_READ_ACTIONS], resources: indexArns }),
  ];
}

export function grantTableAccess(grantee: IGrantable, table: ITable, access: TableAccess): void {
  for (const statement of tableAccessStatements(table, access))
    grantee.grantPrincipal.addToPrincipalPolicy(statement);
}
