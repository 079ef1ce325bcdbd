/** Units, employees, acting-head delegations and the org audit trail. */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch.ts';
import type { Db } from './client.ts';
import {
  type Delegation,
  decode,
  delegationSchema,
  type Employee,
  employeeSchema,
  type Names,
  nameRowSchema,
  type OrgAuditEvent,
  type Unit,
  unitSchema,
} from './entities.ts';
import { keys } from './keys.ts';
import { queryAll } from './query.ts';

export function orgAuditItem(event: OrgAuditEvent) {
  return { ...keys.orgAudit(event.at.slice(0, 10), event.at, randomUUID()), ...event };
}

export const unitItem = (unit: Unit) => ({ ...keys.unit(unit.id, unit.parentId), ...unit });
export const employeeItem = (employee: Employee) => ({
  ...keys.employee(employee.id, employee.unitId),
  ...employee,
});
const delegationItem = (d: Delegation) => ({ ...keys.delegation(d.unitId, d.delegateId, d.from), ...d });

const toUnit = (item: Record<string, unknown>) => decode(unitSchema, item, 'unit');
const toEmployee = (item: Record<string, unknown>) => decode(employeeSchema, item, 'employee');
const toDelegation = (item: Record<string, unknown>) => decode(delegationSchema, item, 'delegation');

/** A transaction holds at most 100 items: 99 records and their audit event. */
const IMPORT_CHUNK = 99;

export function orgStore(db: Db) {
  /** Writes an org item together with its audit event, in one transaction. */
  const putWithAudit = async (item: Record<string, unknown>, audit: OrgAuditEvent): Promise<void> => {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: db.tableName, Item: item } },
          { Put: { TableName: db.tableName, Item: orgAuditItem(audit) } },
        ],
      }),
    );
  };

  return {
    async getUnit(unitId: string): Promise<Unit | null> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: keys.unitKey(unitId) }),
      );
      return Item ? toUnit(Item) : null;
    },

    async getEmployee(employeeId: string): Promise<Employee | null> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: keys.employeeKey(employeeId) }),
      );
      return Item ? toEmployee(Item) : null;
    },

    /** Employees by id (BatchGet, 100 at a time); ids not found are absent from the map. */
    async getEmployees(employeeIds: readonly string[]): Promise<Map<string, Employee>> {
      const found = new Map<string, Employee>();
      const unique = [...new Set(employeeIds)];
      for (let i = 0; i < unique.length; i += 100) {
        let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
          [db.tableName]: { Keys: unique.slice(i, i + 100).map((id) => ({ ...keys.employeeKey(id) })) },
        };
        while (request && Object.keys(request).length > 0) {
          const page = await db.doc.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of page.Responses?.[db.tableName] ?? []) {
            const employee = toEmployee(item);
            found.set(employee.id, employee);
          }
          request = page.UnprocessedKeys as typeof request;
        }
      }
      return found;
    },

    /** Units by id (BatchGet); ids not found are absent from the map. */
    async getUnits(unitIds: readonly string[]): Promise<Map<string, Unit>> {
      const found = await batchGet(db, [...new Set(unitIds)].map(keys.unitKey));
      const out = new Map<string, Unit>();
      for (const item of found.values()) {
        const unit = toUnit(item);
        out.set(unit.id, unit);
      }
      return out;
    },

    /**
     * The names of some employees and units, in one BatchGetItem of the distinct ids (100 keys a request) reading
     * the id and the name only: for answers that show people and units by name. Unknown ids are absent.
     */
    async names(employeeIds: readonly string[], unitIds: readonly string[]): Promise<Names> {
      const people = [...new Set(employeeIds)];
      const units = [...new Set(unitIds)];
      const out: Names = { employees: new Map(), units: new Map() };
      if (people.length + units.length === 0) return out;
      const found = await batchGet(db, [...people.map(keys.employeeKey), ...units.map(keys.unitKey)], {
        attributes: ['id', 'name'],
      });
      for (const item of found.values()) {
        const row = decode(nameRowSchema, item, 'name');
        (String(item.pk).startsWith('UNIT#') ? out.units : out.employees).set(row.id, row.name);
      }
      return out;
    },

    async listUnits(): Promise<Unit[]> {
      return (await queryAll(db, keys.allUnits())).map(toUnit);
    },

    /** Whether the organisation has no unit at all (a fresh table). */
    async isEmpty(): Promise<boolean> {
      return (await queryAll(db, { ...keys.allUnits(), limit: 1 })).length === 0;
    },

    async listChildUnits(parentId: string | null): Promise<Unit[]> {
      return (await queryAll(db, keys.childUnits(parentId))).map(toUnit);
    },

    async listUnitStaff(unitId: string): Promise<Employee[]> {
      return (await queryAll(db, keys.unitStaff(unitId))).map(toEmployee);
    },

    putUnit: (unit: Unit, audit: OrgAuditEvent) => putWithAudit(unitItem(unit), audit),
    putEmployee: (employee: Employee, audit: OrgAuditEvent) => putWithAudit(employeeItem(employee), audit),
    putDelegation: (delegation: Delegation, audit: OrgAuditEvent) =>
      putWithAudit(delegationItem(delegation), audit),

    /**
     * Writes an import's units and employees in transactions of 99 records plus one audit event each. A failure
     * part-way leaves earlier chunks written: the same import sent again completes it (it is a set of PUTs).
     */
    async importOrg(
      units: readonly Unit[],
      employees: readonly Employee[],
      auditFor: (chunk: { units: Unit[]; employees: Employee[] }, index: number) => OrgAuditEvent,
    ): Promise<void> {
      const records = [
        ...units.map((unit) => ({ unit, item: unitItem(unit) })),
        ...employees.map((employee) => ({ employee, item: employeeItem(employee) })),
      ];
      for (let i = 0; i < records.length; i += IMPORT_CHUNK) {
        const chunk = records.slice(i, i + IMPORT_CHUNK);
        const audit = auditFor(
          {
            units: chunk.flatMap((r) => ('unit' in r ? [r.unit] : [])),
            employees: chunk.flatMap((r) => ('employee' in r ? [r.employee] : [])),
          },
          i / IMPORT_CHUNK,
        );
        await db.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              ...chunk.map(({ item }) => ({ Put: { TableName: db.tableName, Item: item } })),
              { Put: { TableName: db.tableName, Item: orgAuditItem(audit) } },
            ],
          }),
        );
      }
    },

    /** An audit event on its own, for changes stored elsewhere (a rubric version). */
    async recordAudit(event: OrgAuditEvent): Promise<void> {
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: orgAuditItem(event) }));
    },

    async listUnitDelegations(unitId: string): Promise<Delegation[]> {
      const spec = keys.unitDelegations(unitId);
      return (await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix })).map(toDelegation);
    },

    async listDelegationsTo(delegateId: string): Promise<Delegation[]> {
      return (await queryAll(db, keys.delegationsTo(delegateId))).map(toDelegation);
    },
  };
}

export type OrgStore = ReturnType<typeof orgStore>;
