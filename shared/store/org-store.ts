/** Units, employees and acting-head delegations. */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { EmployeeCategory, EmployeeFlags } from '../domain/types.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { queryAll, stripKeys } from './query.ts';

export interface Unit {
  id: string;
  name: string;
  parentId: string | null;
  outstanding: boolean;
  updatedAt: string;
}

export interface Employee {
  id: string;
  name: string;
  unitId: string;
  category: EmployeeCategory;
  supervisorId: string | null;
  isUnitHead: boolean;
  email: string | null;
  active: boolean;
  flags: EmployeeFlags;
  updatedAt: string;
}

export interface Delegation {
  unitId: string;
  /** The unit head who named the acting head. */
  headId: string;
  delegateId: string;
  from: string;
  to: string;
  reason: string | null;
  createdAt: string;
}

export interface OrgAuditEvent {
  at: string;
  actorId: string;
  action: string;
  entity: 'unit' | 'employee' | 'delegation' | 'rubric' | 'period';
  entityId: string;
  changes?: Record<string, unknown>;
}

export function orgAuditItem(event: OrgAuditEvent) {
  return { ...keys.orgAudit(event.at.slice(0, 10), event.at, randomUUID()), ...event };
}

export function unitItem(unit: Unit) {
  return { ...keys.unit(unit.id, unit.parentId), ...unit };
}

export function employeeItem(employee: Employee) {
  return { ...keys.employee(employee.id, employee.unitId), ...employee };
}

export async function getUnit(db: Db, unitId: string): Promise<Unit | null> {
  const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.unitKey(unitId) }));
  return Item ? (stripKeys(Item) as unknown as Unit) : null;
}

export async function getEmployee(db: Db, employeeId: string): Promise<Employee | null> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.employeeKey(employeeId) }),
  );
  return Item ? (stripKeys(Item) as unknown as Employee) : null;
}

export async function getEmployees(db: Db, employeeIds: string[]): Promise<Map<string, Employee>> {
  const found = new Map<string, Employee>();
  const unique = [...new Set(employeeIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [db.tableName]: { Keys: unique.slice(i, i + 100).map((id) => ({ ...keys.employeeKey(id) })) },
    };
    while (request && Object.keys(request).length > 0) {
      const page = await db.doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of page.Responses?.[db.tableName] ?? []) {
        const employee = stripKeys(item) as unknown as Employee;
        found.set(employee.id, employee);
      }
      request = page.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

export async function listUnits(db: Db): Promise<Unit[]> {
  const items = await queryAll(db, keys.allUnits());
  return items.map((i) => stripKeys(i) as unknown as Unit);
}

export async function listChildUnits(db: Db, parentId: string | null): Promise<Unit[]> {
  const items = await queryAll(db, keys.childUnits(parentId));
  return items.map((i) => stripKeys(i) as unknown as Unit);
}

export async function listUnitStaff(db: Db, unitId: string): Promise<Employee[]> {
  const items = await queryAll(db, keys.unitStaff(unitId));
  return items.map((i) => stripKeys(i) as unknown as Employee);
}

/** The active head of a unit, if there is exactly one; more than one is a data error reported as none. */
export async function findUnitHead(db: Db, unitId: string): Promise<Employee | null> {
  const heads = (await listUnitStaff(db, unitId)).filter((e) => e.isUnitHead && e.active);
  return heads.length === 1 ? (heads[0] ?? null) : null;
}

/** The unit and its ancestors, nearest first. Stops on a cycle rather than looping. */
export async function unitChain(db: Db, unitId: string): Promise<Unit[]> {
  const chain: Unit[] = [];
  const seen = new Set<string>();
  let next: string | null = unitId;
  while (next !== null && !seen.has(next)) {
    seen.add(next);
    const unit = await getUnit(db, next);
    if (!unit) break;
    chain.push(unit);
    next = unit.parentId;
  }
  return chain;
}

/** Writes an org item together with its audit event, in one transaction. */
async function putWithAudit(db: Db, item: Record<string, unknown>, audit: OrgAuditEvent): Promise<void> {
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: db.tableName, Item: item } },
        { Put: { TableName: db.tableName, Item: orgAuditItem(audit) } },
      ],
    }),
  );
}

export const putUnit = (db: Db, unit: Unit, audit: OrgAuditEvent) => putWithAudit(db, unitItem(unit), audit);

export const putEmployee = (db: Db, employee: Employee, audit: OrgAuditEvent) =>
  putWithAudit(db, employeeItem(employee), audit);

export const putDelegation = (db: Db, delegation: Delegation, audit: OrgAuditEvent) =>
  putWithAudit(
    db,
    { ...keys.delegation(delegation.unitId, delegation.delegateId, delegation.from), ...delegation },
    audit,
  );

export async function listUnitDelegations(db: Db, unitId: string): Promise<Delegation[]> {
  const spec = keys.unitDelegations(unitId);
  const items = await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix });
  return items.map((i) => stripKeys(i) as unknown as Delegation);
}

export async function listDelegationsTo(db: Db, delegateId: string): Promise<Delegation[]> {
  const items = await queryAll(db, keys.delegationsTo(delegateId));
  return items.map((i) => stripKeys(i) as unknown as Delegation);
}
