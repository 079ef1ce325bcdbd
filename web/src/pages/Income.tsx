/**
 * What the results pay, for HR (`/thu-nhap`): per person of a unit, the extra income and bonuses the configured table
 * gives for a month's or a quarter's grade, or for a year; downloads as CSV and Excel. A calculation to check before
 * any payment, said so on the page.
 */
import type { IncomeReport } from '../api/types.ts';
import { ErrorNotice, GradeBadge, Loading, Section, SuccessNotice, UnitOptions } from '../components/ui.tsx';
import { cyclesOf, useApp } from '../context.ts';
import { recentPeriodsFor } from '../lib/dates.ts';
import { saveBlob } from '../lib/download.ts';
import { formatMoney, formatPeriod, formatPoints, periodOf } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { setQuery, usePageTitle } from '../lib/router.tsx';
import { useUnitOptions } from './Rankings.tsx';

/** "2026" → "Cả năm 2026"; a period as everywhere else. */
const spanLabel = (span: string) => (/^\d{4}$/.test(span) ? `Cả năm ${span}` : formatPeriod(span));

const PER_LABELS = { month: 'theo từng tháng của kỳ', period: 'theo kỳ đánh giá', year: 'theo xếp loại năm' };

export function IncomePage({ query }: { query: URLSearchParams }) {
  const { api, me } = useApp();
  const units = useUnitOptions();
  const unitId = query.get('donvi') ?? units.data?.[0]?.id ?? me.employee?.unitId ?? '';
  const current = periodOf(new Date());
  const periods = recentPeriodsFor(cyclesOf(me), current, 12, 0);
  const span = query.get('ky') ?? periods[0] ?? current;
  usePageTitle(`Thu nhập tăng thêm, tiền thưởng — ${spanLabel(span)}`, '/thu-nhap');
  const download = useAction();
  const report = useLoad(
    async () =>
      unitId
        ? api.get<IncomeReport>(`/v1/reports/income/${span}?unitId=${encodeURIComponent(unitId)}`)
        : null,
    [unitId, span],
  );
  const years = Array.from({ length: 3 }, (_, i) => String(Number(current.slice(0, 4)) - i));
  const options = [...new Set([span, ...periods, ...years])];

  const fetchFile = (kind: 'csv' | 'xlsx') =>
    download.run(async () => {
      const q = `?unitId=${encodeURIComponent(unitId)}`;
      const name = `thu-nhap-${unitId}-${span}`;
      const { blob, filename } =
        kind === 'csv'
          ? await api.file(`/v1/reports/income/${span}${q}`, 'text/csv', `${name}.csv`)
          : await api.file(
              `/v1/exports/income/${span}${q}`,
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
              `${name}.xlsx`,
            );
      saveBlob(blob, filename);
    }, 'Đã tải tệp.');

  const r = report.data;
  return (
    <main id="main">
      <h1 tabIndex={-1}>Thu nhập tăng thêm, tiền thưởng</h1>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-inline">
          <label for="income-unit">Đơn vị</label>
          <select
            id="income-unit"
            value={unitId}
            onChange={(e) => setQuery({ donvi: e.currentTarget.value })}
          >
            <UnitOptions units={units.data ?? []} />
          </select>
        </div>
        <div class="field field-inline">
          <label for="income-span">Kỳ hoặc năm</label>
          <select id="income-span" value={span} onChange={(e) => setQuery({ ky: e.currentTarget.value })}>
            {options.map((o) => (
              <option key={o} value={o}>
                {spanLabel(o)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNotice error={units.error ?? report.error ?? download.error} />
      <SuccessNotice message={download.success} />
      {report.loading && !r && <Loading />}
      {r && (
        <Section title={`${r.unitName} — ${spanLabel(span)}`} id="income-title">
          <p class="muted">{r.note}</p>
          <ul class="muted">
            {r.columns.map((c) => (
              <li key={c.id}>
                {c.label}: {PER_LABELS[c.per]}.
              </li>
            ))}
          </ul>
          <div class="actions">
            <button type="button" disabled={download.busy} onClick={() => void fetchFile('csv')}>
              Tải CSV
            </button>
            <button type="button" disabled={download.busy} onClick={() => void fetchFile('xlsx')}>
              Tải Excel (XLSX)
            </button>
          </div>
          <div>
            <table class="list stack-table" data-testid="income-table">
              <caption class="sr-only">
                Thu nhập tăng thêm, tiền thưởng {spanLabel(span)}, đơn vị {r.currency}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Họ và tên</th>
                  <th scope="col" class="num">
                    {r.period ? 'Điểm' : 'Điểm TB năm'}
                  </th>
                  <th scope="col">Xếp loại</th>
                  {r.columns.map((c) => (
                    <th key={c.id} scope="col" class="num">
                      {c.label} ({r.currency})
                    </th>
                  ))}
                  <th scope="col" class="num">
                    Cộng ({r.currency})
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.items.map((i) => (
                  <tr key={i.employeeId}>
                    <th scope="row">
                      {i.name}
                      {i.dutyGroup && <span class="muted"> · nhóm {i.dutyGroup}</span>}
                    </th>
                    <td class="num" data-label={r.period ? 'Điểm' : 'Điểm TB năm'}>
                      {formatPoints(i.points)}
                    </td>
                    <td data-label="Xếp loại">
                      {i.grade ? <GradeBadge grade={i.grade} /> : <span class="muted">{i.gradeLabel}</span>}
                    </td>
                    {r.columns.map((c) => (
                      <td key={c.id} class="num" data-label={c.label}>
                        {formatMoney(i.amounts[c.id] ?? 0)}
                      </td>
                    ))}
                    <td class="num" data-label="Cộng">
                      <strong>{formatMoney(i.total)}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Tổng cộng ({r.items.length} người)</th>
                  <td class="num" />
                  <td />
                  {r.columns.map((c) => (
                    <td key={c.id} class="num" data-label={c.label}>
                      {formatMoney(r.totals[c.id] ?? 0)}
                    </td>
                  ))}
                  <td class="num" data-label="Cộng">
                    <strong data-testid="income-total">{formatMoney(r.grandTotal)}</strong>
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
        </Section>
      )}
    </main>
  );
}
