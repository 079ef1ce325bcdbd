/**
 * The annual report of a unit: each person of its own staff with the average of the period finals, months counted
 * and year grade; then the whole unit with everything below it and each direct sub-unit's subtree, as the API's
 * annual roll-up summed them (said so on screen, with when they were summed).
 */
import type { AnnualFigures, AnnualReport } from '../api/types.ts';
import { OfficialToolbar, OfficialView } from '../components/Official.tsx';
import { ErrorNotice, GradeBadge, Loading, Section, SuccessNotice, UnitOptions } from '../components/ui.tsx';
import { useApp } from '../context.ts';
import { unitHeading } from '../lib/directory.ts';
import { saveBlob } from '../lib/download.ts';
import { formatDateTime, formatPoints, periodOf } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { annualDocument } from '../lib/official.ts';
import { Link, setQuery, usePageTitle } from '../lib/router.tsx';
import { SUBTREE, useUnitOptions } from './Rankings.tsx';

export function AnnualPage({ query }: { query: URLSearchParams }) {
  const { api, me } = useApp();
  const units = useUnitOptions();
  const unitId = query.get('donvi') ?? units.data?.[0]?.id ?? me.employee?.unitId ?? '';
  const year = query.get('nam') ?? periodOf(new Date()).slice(0, 4);
  usePageTitle(`Báo cáo năm ${year}`, '/bao-cao-nam');
  const download = useAction();
  const report = useLoad(
    async () =>
      unitId
        ? api.get<AnnualReport>(`/v1/reports/annual/${year}?unitId=${encodeURIComponent(unitId)}`)
        : null,
    [unitId, year],
  );

  const fetchFile = (kind: 'csv' | 'xlsx') =>
    download.run(async () => {
      const q = `?unitId=${encodeURIComponent(unitId)}`;
      const { blob, filename } =
        kind === 'csv'
          ? await api.file(`/v1/reports/annual/${year}${q}`, 'text/csv', `bao-cao-nam-${year}-${unitId}.csv`)
          : await api.file(
              `/v1/exports/annual/${year}${q}`,
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
              `bao-cao-nam-${year}-${unitId}.xlsx`,
            );
      saveBlob(blob, filename);
    }, 'Đã tải tệp.');

  const years = Array.from({ length: 5 }, (_, i) => String(Number(periodOf(new Date()).slice(0, 4)) - i));
  return (
    <main id="main">
      <h1 tabIndex={-1}>Báo cáo năm {year}</h1>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-inline">
          <label for="annual-unit">Đơn vị</label>
          <select
            id="annual-unit"
            value={unitId}
            onChange={(e) => setQuery({ donvi: e.currentTarget.value })}
          >
            <UnitOptions units={units.data ?? []} />
          </select>
        </div>
        <div class="field field-inline">
          <label for="annual-year">Năm</label>
          <select id="annual-year" value={year} onChange={(e) => setQuery({ nam: e.currentTarget.value })}>
            {[...new Set([year, ...years])].map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNotice error={units.error ?? report.error ?? download.error} />
      <SuccessNotice message={download.success} />
      {report.loading && !report.data && <Loading />}
      {report.data && (
        <Section title={`Kết quả năm ${year}: người của chính đơn vị`} id="annual-title">
          <p class="muted">
            Xếp loại năm theo điểm trung bình các kỳ trong năm (Nghị định 335, Điều 21), quý tính bằng ba
            tháng; được đánh giá dưới một nửa số kỳ trong năm (dưới 6 tháng, dưới 2 quý) thì không xếp loại.
          </p>
          <div class="actions">
            <Link
              class="button-link"
              href={`/bao-cao-nam/ban-in?donvi=${encodeURIComponent(unitId)}&nam=${year}`}
            >
              Bản in, PDF
            </Link>
            <button type="button" disabled={download.busy} onClick={() => void fetchFile('csv')}>
              Tải CSV
            </button>
            <button type="button" disabled={download.busy} onClick={() => void fetchFile('xlsx')}>
              Tải Excel (XLSX)
            </button>
          </div>
          <div>
            <table class="list stack-table" data-testid="annual-table">
              <caption class="sr-only">Kết quả năm {year}</caption>
              <thead>
                <tr>
                  <th scope="col">Họ và tên</th>
                  <th scope="col" class="num">
                    Điểm TB
                  </th>
                  <th scope="col" class="num">
                    Số tháng
                  </th>
                  <th scope="col">Xếp loại năm</th>
                </tr>
              </thead>
              <tbody>
                {report.data.items.map((r) => (
                  <tr key={r.employeeId}>
                    <th scope="row">{r.name}</th>
                    <td class="num" data-label="Điểm TB">
                      {formatPoints(r.average)}
                    </td>
                    <td class="num" data-label="Số tháng">
                      {r.monthsCounted}
                      {r.periodsInYear !== undefined && r.periodsInYear !== 12 && (
                        <span class="muted">
                          {' '}
                          ({r.periodsCounted}/{r.periodsInYear} kỳ)
                        </span>
                      )}
                    </td>
                    <td data-label="Xếp loại năm">
                      {r.grade ? (
                        <GradeBadge grade={r.grade} long />
                      ) : (
                        <span class="muted" title={r.reason ?? undefined}>
                          {r.gradeLabel}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}
      {report.data && <SubtreeSection report={report.data} year={year} />}
    </main>
  );
}

const gradesText = (f: AnnualFigures) => `A ${f.grades.A}, B ${f.grades.B}, C ${f.grades.C}, D ${f.grades.D}`;

/**
 * The unit and everything below it (`subtree`), and each direct sub-unit's subtree (`subunits`): the table above
 * lists the unit's own staff only, so a city's report would otherwise say nothing of its departments' people.
 */
function SubtreeSection({ report, year }: { report: AnnualReport; year: string }) {
  const subunits = report.subunits ?? [];
  if (report.subtree === undefined) return null;
  return (
    <Section title={`Tổng hợp năm ${year}, ${SUBTREE}`} id="annual-subtree-title">
      {report.subtree === null ? (
        <p class="muted" data-testid="annual-subtree">
          Chưa tổng hợp năm {year} cho toàn đơn vị (việc tổng hợp chạy tự động ngày 10 tháng 12).
        </p>
      ) : (
        <>
          <p data-testid="annual-subtree">
            Toàn đơn vị, {SUBTREE}: {report.subtree.units} đơn vị, {report.subtree.staff} người; xếp loại{' '}
            {report.subtree.classified} người ({gradesText(report.subtree)}), không xếp loại{' '}
            {report.subtree.notClassified}; điểm trung bình {formatPoints(report.subtree.meanAverage)}.
          </p>
          <p class="muted">Tổng hợp lúc {formatDateTime(report.subtree.computedAt)}.</p>
        </>
      )}
      {subunits.length > 0 && (
        <div>
          <table class="list stack-table" data-testid="annual-subunits">
            <caption>Các đơn vị trực thuộc (mỗi đơn vị {SUBTREE} của nó)</caption>
            <thead>
              <tr>
                <th scope="col">Đơn vị</th>
                <th scope="col" class="num">
                  Số người
                </th>
                <th scope="col" class="num">
                  Được xếp loại
                </th>
                <th scope="col">Xếp loại</th>
                <th scope="col" class="num">
                  Điểm TB
                </th>
              </tr>
            </thead>
            <tbody>
              {subunits.map((u) => (
                <tr key={u.unitId}>
                  <th scope="row">
                    <Link href={`/bao-cao-nam?donvi=${encodeURIComponent(u.unitId)}&nam=${year}`}>
                      {u.name}
                    </Link>
                  </th>
                  <td class="num" data-label="Số người">
                    {u.subtree ? u.subtree.staff : '—'}
                  </td>
                  <td class="num" data-label="Được xếp loại">
                    {u.subtree ? u.subtree.classified : '—'}
                  </td>
                  <td data-label="Xếp loại">{u.subtree ? gradesText(u.subtree) : 'Chưa tổng hợp'}</td>
                  <td class="num" data-label="Điểm TB">
                    {formatPoints(u.subtree?.meanAverage)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** `/bao-cao-nam/ban-in?donvi=&nam=`: the annual report as an official table, to print or download as PDF. */
export function AnnualPrintPage({ query }: { query: URLSearchParams }) {
  const { api, me } = useApp();
  const unitId = query.get('donvi') ?? me.employee?.unitId ?? '';
  const year = query.get('nam') ?? periodOf(new Date()).slice(0, 4);
  usePageTitle(`Bản in báo cáo năm ${year}`, '/bao-cao-nam/ban-in');
  const doc = useLoad(async () => {
    const [report, heading] = await Promise.all([
      api.get<AnnualReport>(`/v1/reports/annual/${year}?unitId=${encodeURIComponent(unitId)}`),
      unitHeading(api, unitId, me.openPeriods),
    ]);
    return annualDocument(report, {
      unitName: heading.unit,
      parentUnitName: heading.parent,
      now: new Date(),
    });
  }, [unitId, year]);
  return (
    <main id="main" class="print-page">
      <h1 tabIndex={-1} class="no-print">
        Bản in báo cáo năm {year}
      </h1>
      {doc.loading && !doc.data && <Loading />}
      <ErrorNotice error={doc.error} />
      {doc.data && (
        <>
          <OfficialToolbar
            doc={doc.data}
            back={{
              href: `/bao-cao-nam?donvi=${encodeURIComponent(unitId)}&nam=${year}`,
              label: 'Về báo cáo năm',
            }}
          />
          <OfficialView doc={doc.data} />
        </>
      )}
    </main>
  );
}
