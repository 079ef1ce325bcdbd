/**
 * Who reviews and who approves an employee (DOMAIN.md "Who uses it"; API.md): the reviewer is the supervisor (the
 * unit head when none, or when the supervisor has left); the approver is the head of the employee's unit; a unit
 * head is approved by the head of the parent unit. Nobody reviews or approves themselves: such an employee gets
 * no evaluation and is reported for HR to fix the org data. Pure: it works on an org snapshot already loaded.
 */
import type { EmployeeCategory } from './types.ts';

export interface OrgUnit {
  id: string;
  parentId: string | null;
}

export interface OrgEmployee {
  id: string;
  unitId: string;
  supervisorId: string | null;
  isUnitHead: boolean;
  active: boolean;
  category: EmployeeCategory;
}

/** The part of the org the assignment reads: units, each unit's head, and who is active. */
export interface OrgSnapshot<U extends OrgUnit = OrgUnit, E extends OrgEmployee = OrgEmployee> {
  units: Map<string, U>;
  /** The unit's single active head, or null (none, or more than one: a data error). */
  heads: Map<string, E | null>;
  staff: Map<string, E[]>;
}

export type Assignment =
  | { ok: true; reviewerId: string; approverId: string; approverUnitId: string }
  | { ok: false; reason: string };

/** Active employee ids per snapshot, worked out once: per employee it made opening a city quadratic. */
const activeIdsCache = new WeakMap<object, Set<string>>();
function activeIdsOf(snapshot: OrgSnapshot): Set<string> {
  let ids = activeIdsCache.get(snapshot.staff);
  if (!ids) {
    ids = new Set(
      [...snapshot.staff.values()]
        .flat()
        .filter((e) => e.active)
        .map((e) => e.id),
    );
    activeIdsCache.set(snapshot.staff, ids);
  }
  return ids;
}

export function assign(employee: OrgEmployee, snapshot: OrgSnapshot): Assignment {
  const unit = snapshot.units.get(employee.unitId);
  if (!unit) return { ok: false, reason: 'Đơn vị của nhân sự không tồn tại.' };
  const approverUnitId = employee.isUnitHead ? unit.parentId : unit.id;
  if (approverUnitId === null) {
    return { ok: false, reason: 'Người đứng đầu đơn vị cấp cao nhất: không có cấp trên để phê duyệt.' };
  }
  const approver = snapshot.heads.get(approverUnitId) ?? null;
  if (!approver || approver.id === employee.id) {
    return {
      ok: false,
      reason: `Đơn vị "${approverUnitId}" chưa có (đúng một) người đứng đầu để phê duyệt.`,
    };
  }
  const activeIds = activeIdsOf(snapshot);
  const supervisor =
    employee.supervisorId !== null && activeIds.has(employee.supervisorId) ? employee.supervisorId : null;
  const reviewerId = supervisor ?? approver.id;
  if (reviewerId === employee.id) return { ok: false, reason: 'Nhân sự không thể tự nhận xét chính mình.' };
  return { ok: true, reviewerId, approverId: approver.id, approverUnitId };
}
