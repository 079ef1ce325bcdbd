/** Org use cases: units, employees, import (all or nothing), acting heads. */

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { type employeeBody, importBody, type unitBody } from '../http/contract.ts';
import { ApiError, forbidden, notFound, validationFailed } from '../http/errors.ts';
import {
  type Employee,
  employeeItem,
  getEmployee,
  getUnit,
  listUnitDelegations,
  listUnits,
  orgAuditItem,
  putDelegation,
  putEmployee,
  putUnit,
  type Unit,
  unitItem,
} from '../store/org-store.ts';
import { Access, subtreeIds } from './access.ts';
import type { Caller } from './evaluations.ts';
import { presentEmployee, presentUnit } from './present.ts';

type UnitInput = z.output<typeof unitBody>;
type EmployeeInput = z.output<typeof employeeBody>;

function toEmployee(id: string, input: EmployeeInput, at: string): Employee {
  return {
    id,
    name: input.name,
    unitId: input.unitId,
    category: input.category,
    supervisorId: input.supervisorId,
    isUnitHead: input.isUnitHead ?? false,
    email: input.email ?? null,
    active: input.active ?? true,
    flags: input.flags ?? {},
    updatedAt: at,
  };
}

export async function upsertUnit(caller: Caller, unitId: string, input: UnitInput) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const existing = await getUnit(caller.db, unitId);
  if (input.parentId === unitId)
    throw validationFailed([
      { path: 'body.parentId', message: 'Đơn vị không thể là cấp trên của chính nó.' },
    ]);
  if (input.parentId !== null) {
    const parentChain = await access.chain(input.parentId);
    if (parentChain.length === 0)
      throw validationFailed([
        { path: 'body.parentId', message: `Không có đơn vị cấp trên "${input.parentId}".` },
      ]);
    if (parentChain.some((u) => u.id === unitId)) {
      throw validationFailed([
        {
          path: 'body.parentId',
          message: 'Không thể đặt đơn vị dưới một đơn vị cấp dưới của nó (tạo vòng).',
        },
      ]);
    }
  }
  // HR may create and move units only inside its scope; a new top-level unit is the admin's.
  if (!access.isAdmin) {
    if (existing && !(await access.hrScopeContains(unitId)))
      throw forbidden('Đơn vị này nằm ngoài phạm vi quản lý của bạn.');
    if (input.parentId === null || !(await access.hrScopeContains(input.parentId))) {
      throw forbidden('Chỉ được đặt đơn vị trong phạm vi quản lý của bạn.');
    }
  }
  const unit: Unit = {
    id: unitId,
    name: input.name,
    parentId: input.parentId,
    outstanding: input.outstanding ?? false,
    updatedAt: caller.now.toISOString(),
  };
  await putUnit(caller.db, unit, {
    at: unit.updatedAt,
    actorId: caller.principal.employeeId,
    action: existing ? 'update' : 'create',
    entity: 'unit',
    entityId: unitId,
    changes: { parentId: unit.parentId, outstanding: unit.outstanding },
  });
  return presentUnit(unit);
}

export async function readUnits(caller: Caller) {
  const access = new Access(caller.db, caller.principal, caller.now);
  if (!access.isAdmin && !access.isHr) throw forbidden();
  const units = await listUnits(caller.db);
  if (access.isAdmin) return { items: units.map(presentUnit) };
  const me = await access.me();
  if (!me) return { items: [] };
  const scope = subtreeIds(units, me.unitId);
  const inScope = units.filter((u) => scope.has(u.id));
  return { items: inScope.sort((a, b) => a.id.localeCompare(b.id)).map(presentUnit) };
}

async function checkEmployeeReferences(caller: Caller, employeeId: string, input: EmployeeInput) {
  const problems = [];
  if (!(await getUnit(caller.db, input.unitId)))
    problems.push({ path: 'body.unitId', message: `Không có đơn vị "${input.unitId}".` });
  if (input.supervisorId === employeeId) {
    problems.push({
      path: 'body.supervisorId',
      message: 'Một người không thể tự quản lý trực tiếp chính mình.',
    });
  } else if (input.supervisorId !== null && !(await getEmployee(caller.db, input.supervisorId))) {
    problems.push({ path: 'body.supervisorId', message: `Không có nhân sự "${input.supervisorId}".` });
  }
  if (problems.length > 0) throw validationFailed(problems);
}

export async function upsertEmployee(caller: Caller, employeeId: string, input: EmployeeInput) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const existing = await getEmployee(caller.db, employeeId);
  await access.requireManage(input.unitId);
  if (existing && existing.unitId !== input.unitId) await access.requireManage(existing.unitId);
  await checkEmployeeReferences(caller, employeeId, input);
  const employee = toEmployee(employeeId, input, caller.now.toISOString());
  await putEmployee(caller.db, employee, {
    at: employee.updatedAt,
    actorId: caller.principal.employeeId,
    action: existing ? 'update' : 'create',
    entity: 'employee',
    entityId: employeeId,
    // What changed in the org, not who the person is: no name or e-mail in the audit trail's changes.
    changes: {
      unitId: employee.unitId,
      supervisorId: employee.supervisorId,
      isUnitHead: employee.isUnitHead,
      active: employee.active,
      flags: employee.flags,
    },
  });
  return presentEmployee(employee);
}

export async function readEmployee(caller: Caller, employeeId: string) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const employee = await getEmployee(caller.db, employeeId);
  const allowed =
    employee !== null &&
    (employeeId === caller.principal.employeeId ||
      access.isAdmin ||
      employee.supervisorId === caller.principal.employeeId ||
      (await access.hrScopeContains(employee.unitId)) ||
      (await access.headsUnitOrAncestor(employee.unitId)));
  if (!allowed) throw notFound('Không tìm thấy nhân sự.');
  return presentEmployee(employee);
}

const CSV_HEADER = [
  'kind',
  'id',
  'name',
  'parentId',
  'unitId',
  'category',
  'supervisorId',
  'isUnitHead',
  'email',
];

/** RFC 4180 fields: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const source = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.length === 0) quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim().length > 0));
}

type ImportInput = z.output<typeof importBody>;

/** CSV rows to the JSON import shape; row numbers count the header as row 1, as a spreadsheet shows them. */
function csvToImport(csv: string): {
  input: Record<string, unknown[]>;
  rowOf: Map<string, number>;
  errors: { row: number; message: string }[];
} {
  const rows = parseCsv(csv);
  const header = rows[0]?.map((h) => h.trim());
  const errors: { row: number; message: string }[] = [];
  const input: Record<string, unknown[]> = { units: [], employees: [] };
  const rowOf = new Map<string, number>();
  if (!header || header.join(',') !== CSV_HEADER.join(',')) {
    errors.push({ row: 1, message: `Dòng tiêu đề phải là: ${CSV_HEADER.join(',')}` });
    return { input, rowOf, errors };
  }
  rows.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const get = (name: string) => (cells[CSV_HEADER.indexOf(name)] ?? '').trim();
    const kind = get('kind');
    if (kind === 'unit') {
      rowOf.set(`units.${input.units?.length ?? 0}`, row);
      input.units?.push({ id: get('id'), name: get('name'), parentId: get('parentId') || null });
    } else if (kind === 'employee') {
      rowOf.set(`employees.${input.employees?.length ?? 0}`, row);
      const isUnitHead = get('isUnitHead').toLowerCase();
      input.employees?.push({
        id: get('id'),
        name: get('name'),
        unitId: get('unitId'),
        category: get('category'),
        supervisorId: get('supervisorId') || null,
        ...(isUnitHead ? { isUnitHead: ['true', '1', 'x', 'có', 'yes'].includes(isUnitHead) } : {}),
        ...(get('email') ? { email: get('email') } : {}),
      });
    } else errors.push({ row, message: `Cột kind phải là "unit" hoặc "employee" (đang là "${kind}").` });
  });
  return { input, rowOf, errors };
}

/**
 * Validates every row first (shape, references inside the file and to what exists, cycles, scope) and writes
 * only when there is no error: a bad row means nothing is applied. Writes go in transactions of up to 100
 * items; should the service fail part-way, the same import can be sent again (it is a set of PUTs).
 */
export async function importOrg(caller: Caller, json: unknown, csv: string | null) {
  const access = new Access(caller.db, caller.principal, caller.now);
  if (!access.isAdmin && !access.isHr) throw forbidden();
  let raw: unknown = json;
  let rowOf = new Map<string, number>();
  const errors: { row: number; message: string }[] = [];
  if (csv !== null) {
    const parsed = csvToImport(csv);
    raw = parsed.input;
    rowOf = parsed.rowOf;
    errors.push(...parsed.errors);
  }
  const result = importBody.safeParse(raw);
  const rowFor = (path: PropertyKey[]) =>
    rowOf.get(`${String(path[0])}.${String(path[1])}`) ?? Number(path[1] ?? 0) + 1;
  if (!result.success) {
    for (const issue of result.error.issues) {
      errors.push({
        row: rowFor(issue.path),
        message: `${issue.path.slice(2).join('.') || issue.path.join('.')}: ${issue.message}`,
      });
    }
  }
  const data: ImportInput = result.success ? result.data : { units: [], employees: [] };
  const existingUnits = new Map((await listUnits(caller.db)).map((u) => [u.id, u]));
  const parentOf = new Map<string, string | null>([...existingUnits].map(([id, u]) => [id, u.parentId]));
  for (const u of data.units) parentOf.set(u.id, u.parentId);
  const seenIds = new Set<string>();
  data.units.forEach((u, i) => {
    const row = rowFor(['units', i]);
    if (seenIds.has(`u:${u.id}`)) errors.push({ row, message: `Đơn vị "${u.id}" lặp lại trong tệp.` });
    seenIds.add(`u:${u.id}`);
    if (u.parentId !== null && !parentOf.has(u.parentId))
      errors.push({ row, message: `Không có đơn vị cấp trên "${u.parentId}".` });
    const visited = new Set<string>();
    let cursor: string | null | undefined = u.id;
    while (cursor) {
      if (visited.has(cursor)) {
        errors.push({ row, message: `Đơn vị "${u.id}" tạo thành vòng cấp trên – cấp dưới.` });
        break;
      }
      visited.add(cursor);
      cursor = parentOf.get(cursor);
    }
  });
  const employeeIds = new Set(data.employees.map((e) => e.id));
  for (const [i, e] of data.employees.entries()) {
    const row = rowFor(['employees', i]);
    if (seenIds.has(`e:${e.id}`)) errors.push({ row, message: `Nhân sự "${e.id}" lặp lại trong tệp.` });
    seenIds.add(`e:${e.id}`);
    if (!parentOf.has(e.unitId)) errors.push({ row, message: `Không có đơn vị "${e.unitId}".` });
    if (e.supervisorId === e.id)
      errors.push({ row, message: 'Một người không thể tự quản lý trực tiếp chính mình.' });
    else if (
      e.supervisorId !== null &&
      !employeeIds.has(e.supervisorId) &&
      !(await getEmployee(caller.db, e.supervisorId))
    ) {
      errors.push({ row, message: `Không có người quản lý trực tiếp "${e.supervisorId}".` });
    }
  }
  if (!access.isAdmin && errors.length === 0) {
    // HR imports only into its subtree: every unit, old place and new, must sit under HR's own unit.
    const me = await access.me();
    const under = (unitId: string, parents: Map<string, string | null>) => {
      const visited = new Set<string>();
      for (
        let cursor: string | null | undefined = unitId;
        cursor && !visited.has(cursor);
        cursor = parents.get(cursor)
      ) {
        if (cursor === me?.unitId) return true;
        visited.add(cursor);
      }
      return false;
    };
    const existingParents = new Map([...existingUnits].map(([id, u]) => [id, u.parentId]));
    data.units.forEach((u, i) => {
      const movedFromOutside = existingUnits.has(u.id) && !under(u.id, existingParents);
      if (!me || !under(u.id, parentOf) || movedFromOutside) {
        errors.push({
          row: rowFor(['units', i]),
          message: `Đơn vị "${u.id}" nằm ngoài phạm vi quản lý của bạn.`,
        });
      }
    });
    data.employees.forEach((e, i) => {
      if (!me || !under(e.unitId, parentOf)) {
        errors.push({
          row: rowFor(['employees', i]),
          message: `Đơn vị "${e.unitId}" nằm ngoài phạm vi quản lý của bạn.`,
        });
      }
    });
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    throw new ApiError(
      'VALIDATION_FAILED',
      `Tệp có ${errors.length} lỗi; không dữ liệu nào được ghi.`,
      errors.map((e) => ({ path: `row ${e.row}`, message: e.message })),
    );
  }
  const at = caller.now.toISOString();
  const items: Record<string, unknown>[] = [
    ...data.units.map((u) =>
      unitItem({
        id: u.id,
        name: u.name,
        parentId: u.parentId,
        outstanding: u.outstanding ?? false,
        updatedAt: at,
      }),
    ),
    ...data.employees.map((e) => employeeItem(toEmployee(e.id, e, at))),
  ];
  for (let i = 0; i < items.length; i += 99) {
    const chunk = items.slice(i, i + 99);
    await caller.db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          ...chunk.map((Item) => ({ Put: { TableName: caller.db.tableName, Item } })),
          {
            Put: {
              TableName: caller.db.tableName,
              Item: orgAuditItem({
                at,
                actorId: caller.principal.employeeId,
                action: 'import',
                entity: 'unit',
                entityId: `import:${i / 99 + 1}`,
                changes: { units: data.units.length, employees: data.employees.length },
              }),
            },
          },
        ],
      }),
    );
  }
  return {
    units: data.units.length,
    employees: data.employees.length,
    errors: [] as { row: number; message: string }[],
  };
}

export async function nameActingHead(
  caller: Caller,
  unitId: string,
  delegateId: string,
  input: { from: string; to: string; reason?: string | undefined },
) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const head = await access.head(unitId);
  if (!head) throw notFound('Không tìm thấy đơn vị hoặc đơn vị chưa có người đứng đầu.');
  if (head.id !== caller.principal.employeeId && !access.isAdmin) {
    throw forbidden('Chỉ người đứng đầu đơn vị được giao quyền cấp trưởng.');
  }
  if (delegateId === head.id)
    throw validationFailed([{ path: 'params.employeeId', message: 'Không thể giao quyền cho chính mình.' }]);
  const delegate = await getEmployee(caller.db, delegateId);
  if (!delegate?.active)
    throw validationFailed([{ path: 'params.employeeId', message: `Không có nhân sự "${delegateId}".` }]);
  const delegation = {
    unitId,
    headId: head.id,
    delegateId,
    from: new Date(input.from).toISOString(),
    to: new Date(input.to).toISOString(),
    reason: input.reason ?? null,
    createdAt: caller.now.toISOString(),
  };
  await putDelegation(caller.db, delegation, {
    at: delegation.createdAt,
    actorId: caller.principal.employeeId,
    action: 'delegate',
    entity: 'delegation',
    entityId: `${unitId}:${delegateId}`,
    changes: { headId: head.id, from: delegation.from, to: delegation.to },
  });
  return delegation;
}

export async function readActingHeads(caller: Caller, unitId: string) {
  const access = new Access(caller.db, caller.principal, caller.now);
  if (!(await access.canManageUnit(unitId)) && !(await access.headsUnitOrAncestor(unitId))) throw forbidden();
  return { items: await listUnitDelegations(caller.db, unitId) };
}
