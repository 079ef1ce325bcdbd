/**
 * The org import (CSV or JSON): what a row leaves out (flags, e-mail, leaving) keeps its current value. Every row
 * is checked first — its shape, its references inside the file and to
 * what exists, cycles, and the same authorization as the single-item routes (`PUT /v1/units/{id}`,
 * `PUT /v1/employees/{id}`) for the record as it is now and as it would become — and the import is written only
 * when no row has a problem: one bad row means nothing is applied. A dry run does every check and says what would
 * change, writing nothing.
 */
import { AppError } from '../domain/errors.ts';
import type { Employee, Unit } from '../store/entities.ts';
import { Access } from './access.ts';
import type { Caller } from './caller.ts';
import { parseCsv } from './csv.ts';
import { FLAG_NAMES, type FlagChange, flagAudit, flagNotesAfter } from './flags.ts';
import { type ImportInput, importBody } from './inputs.ts';
import { employeeAuditChanges, requireOrgManager, toEmployee, toUnit } from './org.ts';

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

/**
 * Columns a CSV may add after the required ones, in any order: the duty group (with the column, an empty cell
 * means no group; without it, each employee's group stays as it is), the discipline flags (a cell left empty keeps
 * the flag as it is) and the grounds of a flag change.
 */
const CSV_OPTIONAL = ['dutyGroup', ...FLAG_NAMES, 'flagReason'] as const;
const YES = ['true', '1', 'x', 'có', 'yes'];
const NO = ['false', '0', 'không', 'no'];

export interface RowProblem {
  row: number;
  message: string;
}

/** CSV rows to the JSON import shape; row numbers count the header as row 1, as a spreadsheet shows them. */
function csvToImport(csv: string): {
  input: Record<string, unknown[]>;
  rowOf: Map<string, number>;
  errors: RowProblem[];
  /** Employees (by index) whose flags the file gives cell by cell: the flags it leaves empty are kept. */
  partialFlags: Set<number>;
} {
  const rows = parseCsv(csv);
  const header = rows[0]?.map((h) => h.trim());
  const errors: RowProblem[] = [];
  const units: unknown[] = [];
  const employees: unknown[] = [];
  const rowOf = new Map<string, number>();
  const partialFlags = new Set<number>();
  const extra = header?.slice(CSV_HEADER.length) ?? [];
  if (
    !header ||
    header.slice(0, CSV_HEADER.length).join(',') !== CSV_HEADER.join(',') ||
    extra.some((h) => !(CSV_OPTIONAL as readonly string[]).includes(h)) ||
    new Set(extra).size !== extra.length
  ) {
    errors.push({
      row: 1,
      message: `Dòng tiêu đề phải là: ${CSV_HEADER.join(',')} (có thể thêm các cột ${CSV_OPTIONAL.join(', ')}).`,
    });
    return { input: { units, employees }, rowOf, errors, partialFlags };
  }
  rows.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const get = (name: string) => {
      const at = header.indexOf(name);
      return at < 0 ? '' : (cells[at] ?? '').trim();
    };
    const kind = get('kind');
    if (kind === 'unit') {
      rowOf.set(`units.${units.length}`, row);
      units.push({ id: get('id'), name: get('name'), parentId: get('parentId') || null });
    } else if (kind === 'employee') {
      rowOf.set(`employees.${employees.length}`, row);
      const isUnitHead = get('isUnitHead').toLowerCase();
      const flags: Record<string, boolean> = {};
      for (const flag of FLAG_NAMES) {
        const cell = get(flag).toLowerCase();
        if (YES.includes(cell)) flags[flag] = true;
        else if (NO.includes(cell)) flags[flag] = false;
        else if (cell !== '')
          errors.push({ row, message: `${flag}: "${get(flag)}" không phải có/không (true/false).` });
      }
      if (Object.keys(flags).length > 0) partialFlags.add(employees.length);
      employees.push({
        id: get('id'),
        name: get('name'),
        unitId: get('unitId'),
        category: get('category'),
        supervisorId: get('supervisorId') || null,
        ...(isUnitHead ? { isUnitHead: YES.includes(isUnitHead) } : {}),
        ...(get('email') ? { email: get('email') } : {}),
        // With the column, an empty cell means no group; without it, the group stays as it is.
        ...(header.includes('dutyGroup') ? { dutyGroup: get('dutyGroup') || null } : {}),
        ...(Object.keys(flags).length > 0 ? { flags } : {}),
        ...(get('flagReason') ? { flagReason: get('flagReason') } : {}),
      });
    } else errors.push({ row, message: `Cột kind phải là "unit" hoặc "employee" (đang là "${kind}").` });
  });
  return { input: { units, employees }, rowOf, errors, partialFlags };
}

/** Whether `unitId` lies under `root` in a tree given by parent links (a cycle is cut, never followed). */
function isUnder(unitId: string, root: string, parents: ReadonlyMap<string, string | null>): boolean {
  const visited = new Set<string>();
  for (
    let cursor: string | null | undefined = unitId;
    cursor && !visited.has(cursor);
    cursor = parents.get(cursor)
  ) {
    if (cursor === root) return true;
    visited.add(cursor);
  }
  return false;
}

type Action = 'create' | 'update' | 'unchanged';

export interface ImportChange {
  row: number;
  kind: 'unit' | 'employee';
  id: string;
  action: Action;
  /** The fields that change (for an update). */
  fields: string[];
}

function unitChanges(before: Unit | undefined, after: Unit): { action: Action; fields: string[] } {
  if (!before) return { action: 'create', fields: [] };
  const fields: string[] = (['name', 'parentId', 'outstanding'] as const).filter(
    (f) => before[f] !== after[f],
  );
  return { action: fields.length > 0 ? 'update' : 'unchanged', fields };
}

function employeeChanges(
  before: Employee | undefined,
  after: Employee,
): { action: Action; fields: string[] } {
  if (!before) return { action: 'create', fields: [] };
  const fields: string[] = (
    ['name', 'unitId', 'category', 'supervisorId', 'isUnitHead', 'email', 'active'] as const
  ).filter((f) => before[f] !== after[f]);
  if ((before.dutyGroup ?? null) !== (after.dutyGroup ?? null)) fields.push('dutyGroup');
  if (JSON.stringify(before.flags) !== JSON.stringify(after.flags)) fields.push('flags');
  return { action: fields.length > 0 ? 'update' : 'unchanged', fields };
}

export async function importOrg(
  caller: Caller,
  json: unknown,
  csv: string | null,
  options: { dryRun?: boolean } = {},
) {
  const access = Access.of(caller);
  requireOrgManager(access);
  const { store } = caller;
  let raw: unknown = json;
  let rowOf = new Map<string, number>();
  let partialFlags = new Set<number>();
  const errors: RowProblem[] = [];
  const outOfScope: RowProblem[] = [];
  if (csv !== null) {
    const parsed = csvToImport(csv);
    raw = parsed.input;
    rowOf = parsed.rowOf;
    partialFlags = parsed.partialFlags;
    errors.push(...parsed.errors);
  }
  const result = importBody.safeParse(raw);
  const rowFor = (path: readonly PropertyKey[]) =>
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
  const existingUnits = new Map((await store.org.listUnits()).map((u) => [u.id, u]));
  const existingEmployees = await store.org.getEmployees([
    ...data.employees.map((e) => e.id),
    ...data.employees.flatMap((e) => (e.supervisorId ? [e.supervisorId] : [])),
  ]);
  const currentParents = new Map([...existingUnits].map(([id, u]) => [id, u.parentId]));
  const parentOf = new Map(currentParents);
  for (const u of data.units) parentOf.set(u.id, u.parentId);

  const seenIds = new Set<string>();
  data.units.forEach((u, i) => {
    const row = rowFor(['units', i]);
    if (seenIds.has(`u:${u.id}`)) errors.push({ row, message: `Đơn vị "${u.id}" lặp lại trong tệp.` });
    seenIds.add(`u:${u.id}`);
    if (u.parentId !== null && !parentOf.has(u.parentId))
      errors.push({ row, message: `Không có đơn vị cấp trên "${u.parentId}".` });
    const visited = new Set<string>();
    for (let cursor: string | null | undefined = u.id; cursor; cursor = parentOf.get(cursor)) {
      if (visited.has(cursor)) {
        errors.push({ row, message: `Đơn vị "${u.id}" tạo thành vòng cấp trên – cấp dưới.` });
        break;
      }
      visited.add(cursor);
    }
  });
  const employeeIds = new Set(data.employees.map((e) => e.id));
  data.employees.forEach((e, i) => {
    const row = rowFor(['employees', i]);
    if (seenIds.has(`e:${e.id}`)) errors.push({ row, message: `Nhân sự "${e.id}" lặp lại trong tệp.` });
    seenIds.add(`e:${e.id}`);
    if (!parentOf.has(e.unitId)) errors.push({ row, message: `Không có đơn vị "${e.unitId}".` });
    if (e.supervisorId === e.id)
      errors.push({ row, message: 'Một người không thể tự quản lý trực tiếp chính mình.' });
    else if (
      e.supervisorId !== null &&
      !employeeIds.has(e.supervisorId) &&
      !existingEmployees.has(e.supervisorId)
    )
      errors.push({ row, message: `Không có người quản lý trực tiếp "${e.supervisorId}".` });
  });

  if (!access.isAdmin) {
    // Each row as the single-item route would authorize it: HR manages only the subtree of its own unit, for the
    // record as it is now (current tree) and as it would become (the tree after the import).
    const me = await access.me();
    const scopeRoot = me?.active ? me.unitId : null;
    const manages = (unitId: string, parents: ReadonlyMap<string, string | null>) =>
      scopeRoot !== null && isUnder(unitId, scopeRoot, parents);
    data.units.forEach((u, i) => {
      const wasOutside = existingUnits.has(u.id) && !manages(u.id, currentParents);
      // A new top-level unit is the admin's, and a unit goes only under a unit in scope, as for PUT /v1/units.
      if (wasOutside || u.parentId === null || !manages(u.parentId, parentOf)) {
        outOfScope.push({
          row: rowFor(['units', i]),
          message: `Đơn vị "${u.id}" nằm ngoài phạm vi quản lý của bạn.`,
        });
      }
    });
    data.employees.forEach((e, i) => {
      const now = existingEmployees.get(e.id);
      const row = rowFor(['employees', i]);
      if (now && !manages(now.unitId, currentParents)) {
        outOfScope.push({
          row,
          message: `Nhân sự "${e.id}" hiện thuộc đơn vị "${now.unitId}", nằm ngoài phạm vi quản lý của bạn.`,
        });
      } else if (!manages(e.unitId, parentOf)) {
        outOfScope.push({ row, message: `Đơn vị "${e.unitId}" nằm ngoài phạm vi quản lý của bạn.` });
      }
    });
  }

  const at = caller.now.toISOString();
  // A row says what it gives; what it leaves out stays as it is (a CSV has no column for discipline flags or
  // for leaving: re-importing the org must not clear HR's flags, un-retire anybody, or erase an address).
  const units = data.units.map((u) =>
    toUnit(u.id, { ...u, outstanding: u.outstanding ?? existingUnits.get(u.id)?.outstanding }, at),
  );
  // A flag change needs its grounds; the notes say who set each flag, when and why (see flags.ts).
  const flagChanges = new Map<string, FlagChange>();
  const employees = data.employees.map((e, i) => {
    const now = existingEmployees.get(e.id);
    // A CSV gives flags cell by cell (an empty cell keeps the flag); JSON gives the whole set, or none to keep.
    const flags = e.flags ? (partialFlags.has(i) ? { ...now?.flags, ...e.flags } : e.flags) : now?.flags;
    const flagged = flagNotesAfter(
      now,
      flags ?? {},
      e.flagReason,
      caller.principal.employeeId,
      at,
      'flagReason',
    );
    if ('problem' in flagged)
      errors.push({ row: rowFor(['employees', i]), message: `flagReason: ${flagged.problem.message}` });
    else if (flagged.change) flagChanges.set(e.id, flagged.change);
    return toEmployee(
      e.id,
      {
        ...e,
        isUnitHead: e.isUnitHead ?? now?.isUnitHead,
        email: e.email ?? now?.email ?? undefined,
        active: e.active ?? now?.active,
        flags,
        dutyGroup: e.dutyGroup === undefined ? (now?.dutyGroup ?? null) : e.dutyGroup,
      },
      at,
      'problem' in flagged ? undefined : flagged.notes,
    );
  });
  const byRow = (a: { row: number }, b: { row: number }) => a.row - b.row;
  if (options.dryRun) {
    const changes: ImportChange[] = [
      ...units.map((u, i) => ({
        row: rowFor(['units', i]),
        kind: 'unit' as const,
        id: u.id,
        ...unitChanges(existingUnits.get(u.id), u),
      })),
      ...employees.map((e, i) => ({
        row: rowFor(['employees', i]),
        kind: 'employee' as const,
        id: e.id,
        ...employeeChanges(existingEmployees.get(e.id), e),
      })),
    ].sort(byRow);
    const count = (kind: 'unit' | 'employee', action: Action) =>
      changes.filter((c) => c.kind === kind && c.action === action).length;
    return {
      dryRun: true,
      units: data.units.length,
      employees: data.employees.length,
      summary: {
        units: {
          create: count('unit', 'create'),
          update: count('unit', 'update'),
          unchanged: count('unit', 'unchanged'),
        },
        employees: {
          create: count('employee', 'create'),
          update: count('employee', 'update'),
          unchanged: count('employee', 'unchanged'),
        },
      },
      changes,
      errors: [...outOfScope, ...errors].sort(byRow),
    };
  }
  if (outOfScope.length > 0) {
    throw new AppError(
      'FORBIDDEN',
      `Tệp có ${outOfScope.length} dòng nằm ngoài phạm vi quản lý của bạn; không dữ liệu nào được ghi.`,
      outOfScope.sort(byRow).map((e) => ({ path: `row ${e.row}`, message: e.message })),
    );
  }
  if (errors.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Tệp có ${errors.length} lỗi; không dữ liệu nào được ghi.`,
      errors.sort(byRow).map((e) => ({ path: `row ${e.row}`, message: e.message })),
    );
  }
  // Each chunk's audit event says what the import changed in the org, record by record (no names, no e-mail).
  await store.org.importOrg(units, employees, (chunk, index) => ({
    at,
    actorId: caller.principal.employeeId,
    action: 'import',
    entity: 'unit',
    entityId: `import:${index + 1}`,
    changes: {
      units: chunk.units.map((u) => ({ id: u.id, parentId: u.parentId, outstanding: u.outstanding })),
      employees: chunk.employees.map((e) => ({
        id: e.id,
        ...employeeAuditChanges(e),
        ...flagAudit(flagChanges.get(e.id) ?? null),
      })),
    },
  }));
  return { units: units.length, employees: employees.length, errors: [] as RowProblem[] };
}
