/** Units as a tree for pickers: each unit after its parent, indented by depth, siblings in Vietnamese order. */
import type { Unit } from '../api/types.ts';

export interface UnitOption {
  id: string;
  name: string;
  depth: number;
}

export function unitTree(units: readonly Unit[]): UnitOption[] {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<string | null, Unit[]>();
  for (const u of units) {
    const parent = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: UnitOption[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    const kids = [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    for (const u of kids) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      out.push({ id: u.id, name: u.name, depth });
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
