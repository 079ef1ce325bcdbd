/**
 * A unit's own employees on the in-memory store: who may list them, Vietnamese order, inactive ones on request,
 * and pages that neither repeat nor skip anyone when staff change between two pages.
 */
import { describe, expect, it } from 'vitest';
import { cursorAfter, readUnitEmployees } from '../../../shared/app/unit-staff.ts';
import type { AppError } from '../../../shared/domain/errors.ts';
import { demoCity } from './support.ts';

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: AppError) => e.code,
  );

describe("a unit's employees", () => {
  it('are listed for HR in scope, admins and the head of the unit; 403 for others, 404 for no unit', async () => {
    const { as } = await demoCity();
    const list = (who: ReturnType<typeof as>, unitId = 'stc-ns') =>
      code(readUnitEmployees(who, unitId, { includeInactive: false }));
    expect(await list(as('hn-hr', ['hr']))).toBe('ok');
    expect(await list(as('admin', ['admin']))).toBe('ok');
    expect(await list(as('stc-ns-tp'))).toBe('ok');
    expect(await list(as('stc-ns-pp'))).toBe('FORBIDDEN');
    expect(await list(as('stc-ns-03'))).toBe('FORBIDDEN');
    expect(await list(as('stc-gia-tp'))).toBe('FORBIDDEN');
    expect(await list(as('sgd-tc-01', ['hr']))).toBe('FORBIDDEN');
    expect(await list(as('admin', ['admin']), 'nowhere')).toBe('NOT_FOUND');
  });

  it('sorts by name in Vietnamese order, hides who left unless asked, and pages with a stable cursor', async () => {
    const { as, store } = await demoCity();
    const hr = as('hn-hr', ['hr']);
    const left = await store.org.getEmployee('stc-ns-01');
    if (!left) throw new Error('demo employee missing');
    const at = new Date().toISOString();
    const audit = { at, actorId: 'test', action: 'update', entity: 'employee' as const, entityId: 'x' };
    await store.org.putEmployee({ ...left, active: false }, audit);
    const all = await readUnitEmployees(hr, 'stc-ns', { includeInactive: true });
    const names = all.items.map((e) => e.name);
    // Ánh before Đinh before Lương…: a, ă, â, b, c, d, đ, e … with tones after the letter.
    expect(names).toEqual([
      'Ánh Dương Thị Yến',
      'Đinh Quang Huy',
      'Lương Văn Đức',
      'Ngô Minh Tuấn',
      'Nguyễn Thị Bích Ngọc',
      'Phạm Thị Thanh Hương',
      'Trịnh Thị Lan',
    ]);
    expect(all).toMatchObject({ unitName: 'Phòng Quản lý ngân sách', total: 7, nextCursor: null });
    const active = await readUnitEmployees(hr, 'stc-ns', { includeInactive: false });
    expect(active.items.map((e) => e.id)).not.toContain('stc-ns-01');
    expect(active.total).toBe(6);

    const first = await readUnitEmployees(hr, 'stc-ns', { includeInactive: true, limit: 3 });
    expect(first.items.map((e) => e.name)).toEqual(names.slice(0, 3));
    expect(first.nextCursor).toBe(cursorAfter({ name: 'Lương Văn Đức', id: 'stc-ns-02' }));
    // Someone who sorts before the cursor joins meanwhile: the next page goes on where the first ended.
    await store.org.putEmployee({ ...left, id: 'stc-ns-00', name: 'An Văn Mới', active: true }, audit);
    const second = await readUnitEmployees(hr, 'stc-ns', {
      includeInactive: true,
      limit: 3,
      cursor: first.nextCursor ?? '',
    });
    expect(second.items.map((e) => e.name)).toEqual(names.slice(3, 6));
    const third = await readUnitEmployees(hr, 'stc-ns', {
      includeInactive: true,
      limit: 3,
      cursor: second.nextCursor ?? '',
    });
    expect(third.items.map((e) => e.name)).toEqual(names.slice(6));
    expect(third.nextCursor).toBeNull();
    expect(await code(readUnitEmployees(hr, 'stc-ns', { includeInactive: true, cursor: 'bm9wZQ' }))).toBe(
      'VALIDATION_FAILED',
    );
  });
});
