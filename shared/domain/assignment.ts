/**
 * Who reviews and who approves an employee (DOMAIN.md "Who uses it"; API.md): the reviewer is the supervisor (the
 * unit head when none, or when the supervisor has left); the approver is the head of the employee's unit; a unit
 * head is approved by the head of the parent unit; the head of a top-level unit, with nobody above, by the
 * deployment's configured approver (the top unit's HR, or a named collective body), a role rather than a person.
 * Nobody reviews or approves themselves: such an employee gets no evaluation and is reported for HR to fix the org
 * data. Pure: it works on an org snapshot already loaded.
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

/**
 * Who evaluates the heads of top-level units (DOMAIN.md "Heads of top-level units"):
 * - `hr` **[default]**: the HR of that top-level unit (an account in the `hr` group whose own unit is it);
 * - `body`: a named collective body (e.g. the Standing Committee), whose decision its listed members record;
 * - `none`: nobody: they get no draft and are listed as skipped (the behaviour before this was configurable).
 */
export type TopHeadApprover =
  | { kind: 'hr' }
  | { kind: 'body'; id: string; name: string; members: readonly string[] }
  | { kind: 'none' };

export const DEFAULT_TOP_HEAD_APPROVER: TopHeadApprover = { kind: 'hr' };

/**
 * Approver (and reviewer) ids that name a role, not a person: `hr@<unitId>` (HR of that unit), `body@<bodyId>`.
 * Employee ids never hold `@`, so a role id can never be mistaken for a person's.
 */
export const hrRoleId = (unitId: string) => `hr@${unitId}`;
export const bodyRoleId = (bodyId: string) => `body@${bodyId}`;

export type Role = { kind: 'hr'; unitId: string } | { kind: 'body'; bodyId: string };

/** The role an approver or reviewer id names, or null for a person's id. */
export function roleOf(id: string): Role | null {
  const at = id.indexOf('@');
  if (at < 0) return null;
  const kind = id.slice(0, at);
  const rest = id.slice(at + 1);
  if (rest === '') return null;
  if (kind === 'hr') return { kind: 'hr', unitId: rest };
  if (kind === 'body') return { kind: 'body', bodyId: rest };
  return null;
}

/** How users read a role: "Cơ quan tổ chức cán bộ (hn)", or the body's own name. */
export function roleLabel(id: string, approver: TopHeadApprover = DEFAULT_TOP_HEAD_APPROVER): string | null {
  const role = roleOf(id);
  if (role === null) return null;
  if (role.kind === 'hr') return `Cơ quan tham mưu tổ chức cán bộ (${role.unitId})`;
  return approver.kind === 'body' && approver.id === role.bodyId ? approver.name : `Tập thể ${role.bodyId}`;
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

export function assign(
  employee: OrgEmployee,
  snapshot: OrgSnapshot,
  topHeadApprover: TopHeadApprover = DEFAULT_TOP_HEAD_APPROVER,
): Assignment {
  const unit = snapshot.units.get(employee.unitId);
  if (!unit) return { ok: false, reason: 'Đơn vị của nhân sự không tồn tại.' };
  const approverUnitId = employee.isUnitHead ? unit.parentId : unit.id;
  let approverId: string;
  let assignedUnitId: string;
  if (approverUnitId === null) {
    // The head of a top-level unit: the configured approver, a role acting for the unit itself.
    if (topHeadApprover.kind === 'none') {
      return { ok: false, reason: 'Người đứng đầu đơn vị cấp cao nhất: không có cấp trên để phê duyệt.' };
    }
    approverId = topHeadApprover.kind === 'hr' ? hrRoleId(unit.id) : bodyRoleId(topHeadApprover.id);
    assignedUnitId = unit.id;
  } else {
    const approver = snapshot.heads.get(approverUnitId) ?? null;
    if (!approver || approver.id === employee.id) {
      return {
        ok: false,
        reason: `Đơn vị "${approverUnitId}" chưa có (đúng một) người đứng đầu để phê duyệt.`,
      };
    }
    approverId = approver.id;
    assignedUnitId = approverUnitId;
  }
  const activeIds = activeIdsOf(snapshot);
  const supervisor =
    employee.supervisorId !== null && activeIds.has(employee.supervisorId) ? employee.supervisorId : null;
  const reviewerId = supervisor ?? approverId;
  if (reviewerId === employee.id) return { ok: false, reason: 'Nhân sự không thể tự nhận xét chính mình.' };
  return { ok: true, reviewerId, approverId, approverUnitId: assignedUnitId };
}
