/**
 * A unit's own employees, for the people who manage them: HR whose scope holds the unit, admins, and the head of
 * the unit. Sorted by name in Vietnamese order (then id) and paged with an opaque cursor that names the last item
 * of the page: a page never repeats or skips someone when staff are added or leave between two pages.
 */
import { forbidden, notFound, validationFailed } from '../domain/errors.ts';
import { compareVietnamese } from '../domain/rankings.ts';
import type { Employee } from '../store/entities.ts';
import { Access } from './access.ts';
import type { Caller } from './caller.ts';
import { presentFlagNotes } from './flags.ts';
import { presentEmployee } from './present.ts';

export const DEFAULT_PAGE_SIZE = 50;

/** Vietnamese order of names, then ids: the order of every page. */
const byName = (a: Pick<Employee, 'name' | 'id'>, b: Pick<Employee, 'name' | 'id'>) =>
  compareVietnamese(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The cursor after an item: its name and id, base64url (opaque to clients). */
export const cursorAfter = (e: Pick<Employee, 'name' | 'id'>) =>
  Buffer.from(JSON.stringify([e.name, e.id]), 'utf8').toString('base64url');

function readCursor(cursor: string): Pick<Employee, 'name' | 'id'> {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string'))
      return { name: value[0] as string, id: value[1] as string };
  } catch {
    // falls through to the refusal
  }
  throw validationFailed([{ path: 'query.cursor', message: 'Con trỏ trang không hợp lệ.' }]);
}

export async function readUnitEmployees(
  caller: Caller,
  unitId: string,
  options: { includeInactive: boolean; limit?: number | undefined; cursor?: string | undefined },
) {
  const access = Access.of(caller);
  const after = options.cursor === undefined ? null : readCursor(options.cursor);
  const [unit] = await access.chain(unitId);
  if (!unit) throw notFound('Không tìm thấy đơn vị.');
  const allowed =
    access.isAdmin ||
    (await access.hrScopeContains(unitId)) ||
    (await access.head(unitId))?.id === caller.principal.employeeId;
  if (!allowed)
    throw forbidden('Chỉ cơ quan tổ chức cán bộ, quản trị và người đứng đầu đơn vị xem danh sách này.');
  const staff = (await caller.store.org.listUnitStaff(unitId))
    .filter((e) => options.includeInactive || e.active)
    .sort(byName);
  const start = after ? staff.findIndex((e) => byName(e, after) > 0) : 0;
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  const page = start < 0 ? [] : staff.slice(start, start + limit);
  const last = page.at(-1);
  const more = start >= 0 && start + limit < staff.length;
  const notes = await presentFlagNotes(caller.store, page);
  return {
    unitId,
    unitName: unit.name,
    total: staff.length,
    items: page.map((e) => ({ ...presentEmployee(e), flagNotes: notes.get(e.id) ?? {} })),
    nextCursor: more && last ? cursorAfter(last) : null,
  };
}
