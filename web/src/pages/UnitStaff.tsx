/**
 * HR's list of a unit's own staff (`GET /v1/units/{unitId}/employees`, paged: 50 at a time, "Xem thêm" for the
 * next page, those who left on request), each opening the record, so HR finds people by unit and name instead of
 * typing an id.
 */
import { useState } from 'preact/hooks';
import type { Employee, UnitStaffPage } from '../api/types.ts';
import { ErrorNotice, Loading, Section, UnitOptions } from '../components/ui.tsx';
import { useApp } from '../context.ts';
import { CATEGORY_LABELS } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { Link, setQuery } from '../lib/router.tsx';
import type { UnitOption } from '../lib/units.ts';

const PAGE_SIZE = 50;

export function UnitStaff({ units, unitId }: { units: readonly UnitOption[]; unitId: string }) {
  const { api } = useApp();
  const [includeInactive, setIncludeInactive] = useState(false);
  const [more, setMore] = useState<{ items: Employee[]; nextCursor: string | null } | null>(null);
  const next = useAction();
  const path = (cursor: string | null) => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (includeInactive) query.set('includeInactive', 'true');
    if (cursor) query.set('cursor', cursor);
    return `/v1/units/${encodeURIComponent(unitId)}/employees?${query.toString()}`;
  };
  const first = useLoad(async () => {
    setMore(null);
    return unitId ? api.get<UnitStaffPage>(path(null)) : null;
  }, [unitId, includeInactive]);
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.nextCursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    const page = await next.run(() => api.get<UnitStaffPage>(path(cursor)));
    if (page) setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor });
  };

  return (
    <Section title="Nhân sự theo đơn vị" id="unit-staff-title">
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-inline">
          <label for="staff-unit">Đơn vị</label>
          <select id="staff-unit" value={unitId} onChange={(e) => setQuery({ donvi: e.currentTarget.value })}>
            <option value="">Chọn đơn vị…</option>
            <UnitOptions units={units} />
          </select>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={includeInactive}
            onChange={(e) => setIncludeInactive(e.currentTarget.checked)}
          />{' '}
          Cả người đã thôi công tác
        </label>
      </form>
      <ErrorNotice error={first.error ?? next.error} />
      {unitId && first.loading && !first.data && <Loading />}
      {first.data && (
        <>
          <p class="muted" data-testid="unit-staff-count">
            {first.data.unitName}: {first.data.total} người (chỉ người của chính đơn vị, không gồm đơn vị trực
            thuộc); đang hiện {items.length}.
          </p>
          <ul class="plain unit-staff" data-testid="unit-staff">
            {items.map((e) => (
              <li key={e.id}>
                <Link
                  href={`/quan-tri/nhan-su?${new URLSearchParams({ ma: e.id, donvi: unitId }).toString()}`}
                >
                  {e.name}
                </Link>{' '}
                <span class="muted">
                  ({e.id}) · {CATEGORY_LABELS[e.category] ?? e.category}
                  {e.isUnitHead ? ' · thủ trưởng đơn vị' : ''}
                  {e.active ? '' : ' · đã thôi công tác'}
                </span>
              </li>
            ))}
          </ul>
          {cursor && (
            <div class="actions">
              <button type="button" disabled={next.busy} onClick={() => void loadMore()}>
                Xem thêm
              </button>
            </div>
          )}
        </>
      )}
    </Section>
  );
}
