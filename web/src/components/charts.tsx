/**
 * Charts without a chart library: the grade distribution of units as 100% stacked bars (HTML and CSS, so they
 * reflow on a phone and text stays readable), each bar described for screen readers, with the same figures in
 * a table; and the grade-A quota meter.
 */
import type { Grade } from '../api/types.ts';
import { formatNumber, formatPercent, GRADE_LABELS } from '../lib/format.ts';
import { GRADES } from '../lib/scores.ts';

export interface DistributionRow {
  id: string;
  label: string;
  distribution: Record<Grade, number>;
}

const describe = (row: DistributionRow) =>
  `${row.label}: ${GRADES.map((g) => `loại ${g} ${row.distribution[g]}`).join(', ')}`;

export function GradeDistributionChart({ rows, title }: { rows: readonly DistributionRow[]; title: string }) {
  return (
    <figure class="chart" aria-labelledby="chart-title">
      <figcaption id="chart-title">{title}</figcaption>
      <ul class="chart-legend" aria-label="Chú giải">
        {GRADES.map((g) => (
          <li key={g}>
            <span class={`swatch seg-${g}`} aria-hidden="true" /> {g} — {GRADE_LABELS[g]}
          </li>
        ))}
      </ul>
      <ul class="chart-rows">
        {rows.map((row) => {
          const total = GRADES.reduce((s, g) => s + row.distribution[g], 0);
          return (
            <li key={row.id} class="chart-row">
              <span class="chart-label">
                {row.label} <span class="muted">({formatNumber(total)} người)</span>
              </span>
              <span class="bar" role="img" aria-label={describe(row)}>
                {total === 0 ? (
                  <span class="bar-empty">chưa có kết quả phê duyệt</span>
                ) : (
                  GRADES.filter((g) => row.distribution[g] > 0).map((g) => (
                    <span
                      key={g}
                      class={`seg seg-${g}`}
                      style={{ width: `${(row.distribution[g] / total) * 100}%` }}
                      title={`${g}: ${row.distribution[g]} (${formatPercent((row.distribution[g] / total) * 100)})`}
                    >
                      {g} {row.distribution[g]}
                    </span>
                  ))
                )}
              </span>
            </li>
          );
        })}
      </ul>
      <details>
        <summary>Xem số liệu dạng bảng</summary>
        <table>
          <caption class="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Đơn vị</th>
              {GRADES.map((g) => (
                <th scope="col" class="num" key={g}>
                  {g}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.label}</th>
                {GRADES.map((g) => (
                  <td class="num" key={g}>
                    {row.distribution[g]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function QuotaMeter({
  used,
  limit,
  rule,
  estimated,
}: {
  used: number;
  limit: number;
  rule: string;
  estimated: boolean;
}) {
  const full = used >= limit;
  const over = used > limit;
  return (
    <div class={`quota ${over ? 'quota-over' : full ? 'quota-full' : ''}`} data-testid="quota">
      <label for="quota-meter">
        Tỷ lệ loại A của đơn vị: đã dùng <strong>{used}</strong>/{limit} suất
      </label>
      <meter id="quota-meter" min={0} max={Math.max(limit, 1)} value={Math.min(used, Math.max(limit, 1))} />
      <p class="muted">
        Quy định: {rule}
        {estimated ? ' (ước tính từ danh sách phê duyệt; bảng xếp hạng chưa được tính)' : ''}.{' '}
        {over
          ? 'Đơn vị đang vượt tỷ lệ loại A.'
          : full
            ? 'Đã dùng hết suất loại A: phiếu nào xếp loại A thêm sẽ bị từ chối.'
            : `Còn ${limit - used} suất loại A.`}
      </p>
    </div>
  );
}
