/** Org use cases: units, employees, acting heads. (The import is in org-import.ts.) */
import { forbidden, notFound, validationFailed } from '../domain/errors.ts';
import type { Employee, FlagNotes, Unit } from '../store/entities.ts';
import { Access, subtreeIds } from './access.ts';
import type { Caller } from './caller.ts';
import { flagAudit, flagNotesAfter, presentFlagNotes } from './flags.ts';
import type { EmployeeInput, UnitInput } from './inputs.ts';
import { presentEmployee, presentUnit } from './present.ts';

export function toEmployee(id: string, input: EmployeeInput, at: string, flagNotes?: FlagNotes): Employee {
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
    // Absent rather than null when unset: an employee item is read on every opening.
    ...(input.dutyGroup ? { dutyGroup: input.dutyGroup } : {}),
    // Kept small: only when a set flag has a note.
    ...(flagNotes && Object.keys(flagNotes).length > 0 ? { flagNotes } : {}),
    updatedAt: at,
  };
}

/** The employee as the API shows it, with the notes of the set flags (who, with their name; when; why). */
export async function presentWithFlagNotes(caller: Caller, employee: Employee) {
  const notes = await presentFlagNotes(caller.store, [employee]);
  return { ...presentEmployee(employee), flagNotes: notes.get(employee.id) ?? {} };
}

export function toUnit(id: string, input: UnitInput, at: string): Unit {
  return {
    id,
    name: input.name,
    parentId: input.parentId,
    outstanding: input.outstanding ?? false,
    updatedAt: at,
  };
}

/** What changed in the org, not who the person is: no name or e-mail in the audit trail's changes. */
export const employeeAuditChanges = (e: Employee) => ({
  unitId: e.unitId,
  supervisorId: e.supervisorId,
  isUnitHead: e.isUnitHead,
  active: e.active,
  flags: e.flags,
  dutyGroup: e.dutyGroup ?? null,
});

/** Admins and HR manage org data; everyone else is refused before anything is read or validated. */
export function requireOrgManager(access: Access): void {
  if (!access.isAdmin && !access.isHr)
    throw forbidden('Chỉ quản trị hoặc cơ quan tổ chức cán bộ quản lý dữ liệu tổ chức.');
}

export async function upsertUnit(caller: Caller, unitId: string, input: UnitInput) {
  const access = Access.of(caller);
  requireOrgManager(access);
  const existing = await caller.store.org.getUnit(unitId);
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
  const unit = toUnit(unitId, input, caller.now.toISOString());
  await caller.store.org.putUnit(unit, {
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
  const access = Access.of(caller);
  requireOrgManager(access);
  const units = await caller.store.org.listUnits();
  if (access.isAdmin) return { items: units.map(presentUnit) };
  const me = await access.me();
  if (!me) return { items: [] };
  const scope = subtreeIds(units, me.unitId);
  const inScope = units.filter((u) => scope.has(u.id));
  return { items: inScope.sort((a, b) => a.id.localeCompare(b.id)).map(presentUnit) };
}

async function checkEmployeeReferences(caller: Caller, employeeId: string, input: EmployeeInput) {
  const problems = [];
  if (!(await caller.store.org.getUnit(input.unitId)))
    problems.push({ path: 'body.unitId', message: `Không có đơn vị "${input.unitId}".` });
  if (input.supervisorId === employeeId) {
    problems.push({
      path: 'body.supervisorId',
      message: 'Một người không thể tự quản lý trực tiếp chính mình.',
    });
  } else if (input.supervisorId !== null && !(await caller.store.org.getEmployee(input.supervisorId))) {
    problems.push({ path: 'body.supervisorId', message: `Không có nhân sự "${input.supervisorId}".` });
  }
  if (problems.length > 0) throw validationFailed(problems);
}

export async function upsertEmployee(caller: Caller, employeeId: string, input: EmployeeInput) {
  const access = Access.of(caller);
  requireOrgManager(access);
  const existing = await caller.store.org.getEmployee(employeeId);
  // The record as it would become, and as it is now: both must be in the caller's scope.
  await access.requireManage(input.unitId);
  if (existing && existing.unitId !== input.unitId) await access.requireManage(existing.unitId);
  await checkEmployeeReferences(caller, employeeId, input);
  const at = caller.now.toISOString();
  const flagged = flagNotesAfter(
    existing,
    input.flags ?? {},
    input.flagReason,
    caller.principal.employeeId,
    at,
    'body.flagReason',
  );
  if ('problem' in flagged) throw validationFailed([flagged.problem]);
  const employee = toEmployee(employeeId, input, at, flagged.notes);
  await caller.store.org.putEmployee(employee, {
    at: employee.updatedAt,
    actorId: caller.principal.employeeId,
    action: existing ? 'update' : 'create',
    entity: 'employee',
    entityId: employeeId,
    changes: { ...employeeAuditChanges(employee), ...flagAudit(flagged.change) },
  });
  return presentWithFlagNotes(caller, employee);
}

export async function readEmployee(caller: Caller, employeeId: string) {
  const access = Access.of(caller);
  const employee = await caller.store.org.getEmployee(employeeId);
  const allowed =
    employee !== null &&
    (employeeId === caller.principal.employeeId ||
      access.isAdmin ||
      employee.supervisorId === caller.principal.employeeId ||
      (await access.hrScopeContains(employee.unitId)) ||
      (await access.headsUnitOrAncestor(employee.unitId)));
  if (!allowed) throw notFound('Không tìm thấy nhân sự.');
  return presentWithFlagNotes(caller, employee);
}

export async function nameActingHead(
  caller: Caller,
  unitId: string,
  delegateId: string,
  input: { from: string; to: string; reason?: string | undefined },
) {
  const access = Access.of(caller);
  const head = await access.head(unitId);
  if (!head) throw notFound('Không tìm thấy đơn vị hoặc đơn vị chưa có người đứng đầu.');
  if (head.id !== caller.principal.employeeId && !access.isAdmin) {
    throw forbidden('Chỉ người đứng đầu đơn vị được giao quyền cấp trưởng.');
  }
  if (delegateId === head.id)
    throw validationFailed([{ path: 'params.employeeId', message: 'Không thể giao quyền cho chính mình.' }]);
  const delegate = await caller.store.org.getEmployee(delegateId);
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
  await caller.store.org.putDelegation(delegation, {
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
  const access = Access.of(caller);
  if (!(await access.canManageUnit(unitId)) && !(await access.headsUnitOrAncestor(unitId))) throw forbidden();
  return { items: await caller.store.org.listUnitDelegations(unitId) };
}
