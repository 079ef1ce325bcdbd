/**
 * The part of the org that one unit's drafts depend on, loaded for the assignment rule (domain/assignment.ts):
 * the unit and its staff, the parent unit and its staff (whose head approves the unit head), and supervisors
 * working in other units (only whether they are active matters). `assign` gives the same answers on it as on the
 * whole org, for that unit's staff: this is what lets the open-period job work one unit at a time without loading
 * 170,000 employees per unit.
 */
import type { OrgSnapshot } from '../../domain/assignment.ts';
import type { Employee, Unit } from '../../store/entities.ts';
import type { Store } from '../../store/store.ts';
import { headOf } from '../access.ts';

export type UnitOrgSnapshot = OrgSnapshot<Unit, Employee>;

export async function loadUnitOrgSnapshot(store: Store, unitId: string): Promise<UnitOrgSnapshot> {
  const snapshot: UnitOrgSnapshot = { units: new Map(), heads: new Map(), staff: new Map() };
  const unit = await store.org.getUnit(unitId);
  if (!unit) return snapshot;
  const members = await store.org.listUnitStaff(unit.id);
  const addUnit = (u: Unit, staff: Employee[]) => {
    snapshot.units.set(u.id, u);
    snapshot.staff.set(u.id, staff);
    snapshot.heads.set(u.id, headOf(staff));
  };
  addUnit(unit, members);
  // Only a unit head is approved from the parent unit.
  const parent =
    unit.parentId !== null && members.some((e) => e.isUnitHead && e.active)
      ? await store.org.getUnit(unit.parentId)
      : null;
  if (parent) addUnit(parent, await store.org.listUnitStaff(parent.id));
  const known = new Set([...snapshot.staff.values()].flat().map((e) => e.id));
  const outside = members
    .map((e) => e.supervisorId)
    .filter((id): id is string => id !== null && !known.has(id));
  if (outside.length > 0) {
    for (const supervisor of (await store.org.getEmployees(outside)).values()) {
      // Listed under their own unit, for the active check only: that unit's head is never consulted.
      const list = snapshot.staff.get(supervisor.unitId) ?? [];
      if (!snapshot.staff.has(supervisor.unitId)) snapshot.staff.set(supervisor.unitId, list);
      list.push(supervisor);
    }
  }
  return snapshot;
}
