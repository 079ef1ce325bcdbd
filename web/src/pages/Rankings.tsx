/**
 * Rankings for HR (any unit of its scope) and unit heads (their own unit and below): the unit's ranking with
 * filters and CSV / Excel downloads, the grade distribution of the unit and its sub-units as a chart, the
 * sub-unit league table, and the grade-inflation signals. Staff see their own unit's published ranking once the
 * month is closed (the API decides; before that it answers 403). Each ranking also prints as an official table.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { computeRankings } from '../api/jobs.ts';
import type { Grade, Ranking, SubunitRanking, Unit } from '../api/types.ts';
import { type DistributionRow, GradeDistributionChart } from '../components/charts.tsx';
import { MonthSelect } from '../components/DateFields.tsx';
import { OfficialToolbar, OfficialView } from '../components/Official.tsx';
import { ErrorNotice, GradeBadge, Loading, Section, SuccessNotice, UnitOptions } from '../components/ui.tsx';
import { cyclesOf, defaultPeriod, isHr, useApp } from '../context.ts';
import { previousPeriod, recentPeriodsFor } from '../lib/dates.ts';
import { unitHeading } from '../lib/directory.ts';
import { saveBlob } from '../lib/download.ts';
import {
  formatDateTime,
  formatPercent,
  formatPeriod,
  formatPoints,
  INFLATION_LABELS,
  periodOf,
} from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { rankingDocument } from '../lib/official.ts';
import { Link, setQuery, usePageTitle } from '../lib/router.tsx';
import { GRADES } from '../lib/scores.ts';
import { matchesSearch } from '../lib/text.ts';
import { unitTree } from '../lib/units.ts';

/** The units the caller may pick: HR, its whole scope; a unit head or a staff member, their own unit. */
export function useUnitOptions() {
  const { api, me } = useApp();
  return useLoad(async () => {
    if (isHr(me.roles)) return unitTree((await api.get<{ items: Unit[] }>('/v1/units')).items);
    return me.employee
      ? [{ id: me.employee.unitId, name: `Đơn vị của bạn (${me.employee.unitId})`, depth: 0 }]
      : [];
  }, [me.employeeId]);
}

/** Staff look at the last month that is no longer open (the latest one that can be published). */
function latestClosedGuess(openPeriods: readonly string[], current: string): string {
  let p = current;
  while (openPeriods.includes(p)) p = previousPeriod(p);
  return p;
}

async function orNull<T>(load: Promise<T>): Promise<T | null> {
  try {
    return await load;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
    throw e;
  }
}

interface RankingData {
  ranking: Ranking | null;
  missing: string | null;
  subunits: SubunitRanking | null;
  children: Ranking[];
}

/** How the screen says a figure counts the unit and everything below it. */
export const SUBTREE = 'tính cả các đơn vị trực thuộc';

export function RankingsPage({ query }: { query: URLSearchParams }) {
  const { api, me } = useApp();
  const leads = isHr(me.roles) || me.roles.includes('approver');
  const units = useUnitOptions();
  const firstUnit = units.data?.[0]?.id ?? me.employee?.unitId ?? '';
  const unitId = query.get('donvi') ?? firstUnit;
  const current = periodOf(new Date());
  const period =
    query.get('ky') ?? (leads ? defaultPeriod(me, current) : latestClosedGuess(me.openPeriods, current));
  const [grade, setGrade] = useState<Grade | ''>('');
  const [search, setSearch] = useState('');
  const heading = leads ? 'Xếp hạng và thống kê' : 'Kết quả xếp loại của đơn vị';
  usePageTitle(`${leads ? 'Xếp hạng' : 'Kết quả đơn vị'} ${formatPeriod(period)}`, '/xep-hang');
  const compute = useAction();
  const download = useAction();

  const data = useLoad<RankingData | null>(async () => {
    if (!unitId) return null;
    const base = `/v1/units/${encodeURIComponent(unitId)}`;
    let ranking: Ranking | null = null;
    let missing: string | null = null;
    try {
      ranking = await api.get<Ranking>(`${base}/rankings/${period}`);
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 403)) throw e;
      missing =
        e.status === 403 && !leads
          ? `Kết quả ${formatPeriod(period)} chưa được công khai: bảng xếp hạng của đơn vị có sau khi đóng kỳ đánh giá.`
          : e.message;
    }
    if (!leads) return { ranking, missing, subunits: null, children: [] };
    const subunits = await orNull(api.get<SubunitRanking>(`${base}/subunit-rankings/${period}`));
    const children = (
      await Promise.all(
        (subunits?.entries ?? []).map((s) =>
          orNull(api.get<Ranking>(`/v1/units/${encodeURIComponent(s.unitId)}/rankings/${period}`)),
        ),
      )
    ).filter((r): r is Ranking => r !== null);
    return { ranking, missing, subunits, children };
  }, [unitId, period]);

  const ranking = data.data?.ranking ?? null;
  // A unit head reaching a sub-unit through the league table: that unit is an option too.
  const unitOptions = (units.data ?? []).some((u) => u.id === unitId)
    ? (units.data ?? [])
    : [...(units.data ?? []), { id: unitId, name: ranking?.unitName ?? unitId, depth: 1 }];
  const rows = useMemo(() => {
    return (ranking?.entries ?? []).filter(
      (e) => (grade === '' || e.grade === grade) && matchesSearch(search, e.name, e.employeeId),
    );
  }, [ranking, grade, search]);

  // A unit with sub-units shows its own staff and, beside them, everything below it (the API's subtree figures);
  // each sub-unit is shown with its own whole subtree. Which is which is said on screen.
  const withSubtree = (r: Ranking) => (r.subtree && r.subtree.units > 1 ? r.subtree : null);
  const children = data.data?.children ?? [];
  const chartRows: DistributionRow[] = [
    ...(ranking
      ? [
          {
            id: ranking.unitId,
            label: `${ranking.unitName} (chỉ đơn vị)`,
            distribution: ranking.distribution,
          },
        ]
      : []),
    ...(ranking && withSubtree(ranking)
      ? [
          {
            id: `${ranking.unitId}-subtree`,
            label: `${ranking.unitName} (${SUBTREE})`,
            distribution: withSubtree(ranking)?.distribution ?? ranking.distribution,
          },
        ]
      : []),
    ...children.map((r) => ({
      id: r.unitId,
      label: withSubtree(r) ? `${r.unitName} (${SUBTREE})` : r.unitName,
      distribution: withSubtree(r)?.distribution ?? r.distribution,
    })),
  ];
  const inflation: {
    key: string;
    label: string;
    inflation: Omit<Ranking['inflation'], 'unitId' | 'name'>;
  }[] = leads
    ? [
        ...(ranking
          ? [
              {
                key: ranking.unitId,
                label: withSubtree(ranking) ? `${ranking.unitName} (chỉ đơn vị)` : ranking.unitName,
                inflation: ranking.inflation,
              },
            ]
          : []),
        ...(ranking && withSubtree(ranking)
          ? [
              {
                key: `${ranking.unitId}-subtree`,
                label: `${ranking.unitName} (${SUBTREE})`,
                inflation: withSubtree(ranking)?.inflation ?? ranking.inflation,
              },
            ]
          : []),
        ...children.map((r) => ({
          key: r.unitId,
          label: withSubtree(r) ? `${r.unitName} (${SUBTREE})` : r.unitName,
          inflation: withSubtree(r)?.inflation ?? r.inflation,
        })),
      ]
    : [];
  const subtree = ranking && leads ? withSubtree(ranking) : null;

  const recompute = async () => {
    const done = await compute.run(
      () => computeRankings(api, period),
      `Đã tính lại xếp hạng ${formatPeriod(period)}.`,
    );
    if (done) data.reload();
  };

  const fetchFile = (kind: 'csv' | 'xlsx') =>
    download.run(
      async () => {
        const { blob, filename } =
          kind === 'csv'
            ? await api.file(
                `/v1/units/${encodeURIComponent(unitId)}/rankings/${period}`,
                'text/csv',
                `xep-hang-${unitId}-${period}.csv`,
              )
            : await api.file(
                `/v1/exports/units/${encodeURIComponent(unitId)}/rankings/${period}`,
                'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
                `xep-hang-${unitId}-${period}.xlsx`,
              );
        saveBlob(blob, filename);
      },
      kind === 'csv' ? 'Đã tải tệp CSV.' : 'Đã tải tệp Excel.',
    );

  return (
    <main id="main">
      <h1 tabIndex={-1}>{heading}</h1>
      <form class="toolbar" aria-label="Bộ lọc" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-inline">
          <label for="rank-unit">Đơn vị</label>
          <select id="rank-unit" value={unitId} onChange={(e) => setQuery({ donvi: e.currentTarget.value })}>
            <UnitOptions units={unitOptions} />
          </select>
        </div>
        <MonthSelect
          id="rank-period"
          label="Kỳ"
          value={period}
          periods={recentPeriodsFor(cyclesOf(me), current)}
          onChange={(p) => setQuery({ ky: p })}
        />
        <div class="field field-inline">
          <label for="rank-grade">Xếp loại</label>
          <select
            id="rank-grade"
            value={grade}
            onChange={(e) => setGrade(e.currentTarget.value as Grade | '')}
          >
            <option value="">Tất cả</option>
            {GRADES.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </div>
        <div class="field field-inline">
          <label for="rank-search">Tìm theo tên (gõ có dấu hay không đều được)</label>
          <input
            id="rank-search"
            type="search"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </div>
      </form>
      <ErrorNotice error={units.error ?? data.error} />
      {(data.loading || units.loading) && !data.data && <Loading />}
      {isHr(me.roles) && (
        <p class="actions">
          <button type="button" disabled={compute.busy} onClick={() => void recompute()}>
            Tính lại xếp hạng {formatPeriod(period)}
          </button>
        </p>
      )}
      <ErrorNotice error={compute.error} />
      <SuccessNotice message={compute.success ?? download.success} />
      {data.data?.missing && <p class="notice notice-info">{data.data.missing}</p>}
      {ranking && (
        <Section title={`${ranking.unitName} — ${formatPeriod(period)}`} id="ranking-title">
          <p class="muted">
            Tính lúc {formatDateTime(ranking.computedAt)} · Đã phê duyệt {ranking.participation.approved}/
            {ranking.participation.evaluated} · Đã nộp {ranking.participation.submitted} · Chưa nộp{' '}
            {ranking.participation.missing} · Trễ hạn {ranking.participation.late}
          </p>
          {subtree && (
            <p data-testid="subtree-summary">
              <strong>
                Toàn {ranking.unitName}, {SUBTREE}
              </strong>{' '}
              ({subtree.units} đơn vị, {subtree.staff} người được đánh giá): đã phê duyệt{' '}
              {subtree.participation.approved}/{subtree.participation.evaluated}, điểm trung bình{' '}
              {formatPoints(subtree.meanTotal)}; loại A {subtree.distribution.A}, B {subtree.distribution.B},
              C {subtree.distribution.C}, D {subtree.distribution.D}. Bảng xếp hạng bên dưới chỉ gồm người của
              chính đơn vị.
            </p>
          )}
          {ranking.quota && (
            <p class={ranking.quota.ok ? '' : 'notice notice-warn'}>
              Loại A: {ranking.quota.used}/{ranking.quota.limit} suất
              {ranking.quota.ok ? '' : ' — vượt tỷ lệ cho phép'}
            </p>
          )}
          <div class="actions">
            <Link
              class="button-link"
              href={`/xep-hang/ban-in?donvi=${encodeURIComponent(unitId)}&ky=${period}`}
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
          <ErrorNotice error={download.error} />
          <div hidden={rows.length === 0}>
            <table class="list stack-table" data-testid="ranking-table">
              <caption class="sr-only">Bảng xếp hạng {ranking.unitName}</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Hạng
                  </th>
                  <th scope="col">Họ và tên</th>
                  <th scope="col" class="num">
                    Tổng điểm
                  </th>
                  <th scope="col">Xếp loại</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr key={e.employeeId} aria-current={e.employeeId === me.employeeId ? 'true' : undefined}>
                    <td class="num" data-label="Hạng">
                      {e.rank}
                    </td>
                    <th scope="row">
                      {e.name} <span class="muted">{e.employeeId}</span>
                    </th>
                    <td class="num" data-label="Tổng điểm">
                      {formatPoints(e.total)}
                    </td>
                    <td data-label="Xếp loại">
                      <GradeBadge grade={e.grade} /> {e.gradeLabel}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length === 0 && (
            <p class="muted">Không có ai khớp bộ lọc (chỉ người đã được phê duyệt có trong bảng).</p>
          )}
        </Section>
      )}
      {chartRows.length > 0 && (
        <Section title="Phân bố xếp loại" id="chart-section">
          {chartRows.some((r) => r.label.endsWith(`(${SUBTREE})`)) && (
            <p class="muted">
              “{SUBTREE}”: số người của đơn vị cộng với mọi đơn vị cấp dưới; “chỉ đơn vị”: người của chính đơn
              vị.
            </p>
          )}
          <GradeDistributionChart
            rows={chartRows}
            title={`Phân bố xếp loại theo đơn vị, ${formatPeriod(period)}`}
          />
        </Section>
      )}
      {data.data?.subunits && data.data.subunits.entries.length > 0 && (
        <Section title="Xếp hạng các đơn vị trực thuộc" id="league-title">
          <p class="muted">Số liệu của mỗi đơn vị {SUBTREE} của nó.</p>
          <div>
            <table class="list stack-table" data-testid="league-table">
              <caption class="sr-only">Các đơn vị trực thuộc xếp theo điểm trung bình</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Hạng
                  </th>
                  <th scope="col">Đơn vị</th>
                  <th scope="col" class="num">
                    Điểm TB
                  </th>
                  <th scope="col" class="num">
                    Tỷ lệ A
                  </th>
                  <th scope="col" class="num">
                    Đã phê duyệt
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.data.subunits.entries.map((s) => (
                  <tr key={s.unitId}>
                    <td class="num" data-label="Hạng">
                      {s.rank}
                    </td>
                    <th scope="row">
                      <a
                        href={`/xep-hang?donvi=${encodeURIComponent(s.unitId)}&ky=${period}`}
                        onClick={(e) => {
                          e.preventDefault();
                          setQuery({ donvi: s.unitId });
                        }}
                      >
                        {s.name}
                      </a>
                    </th>
                    <td class="num" data-label="Điểm TB">
                      {formatPoints(s.meanTotal)}
                    </td>
                    <td class="num" data-label="Tỷ lệ A">
                      {formatPercent(s.shareA)}
                    </td>
                    <td class="num" data-label="Đã phê duyệt">
                      {formatPercent(s.participation)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}
      {inflation.length > 0 && (
        <Section title="Dấu hiệu đánh giá hình thức, nương tay" id="inflation-title">
          <p class="muted">
            Tỷ lệ loại A cao bất thường, mọi người cùng một mức, tự chấm cao hơn nhiều so với lãnh đạo trực
            tiếp chấm, hay nhận xét sao chép giống hệt nhau.
          </p>
          <div>
            <table class="list stack-table" data-testid="inflation-table">
              <caption class="sr-only">Dấu hiệu theo đơn vị</caption>
              <thead>
                <tr>
                  <th scope="col">Đơn vị</th>
                  <th scope="col" class="num">
                    Đã duyệt
                  </th>
                  <th scope="col" class="num">
                    Tỷ lệ A
                  </th>
                  <th scope="col" class="num">
                    Tự chấm − lãnh đạo trực tiếp chấm
                  </th>
                  <th scope="col" class="num">
                    Nhận xét trùng
                  </th>
                  <th scope="col">Dấu hiệu</th>
                </tr>
              </thead>
              <tbody>
                {inflation.map((r) => (
                  <tr key={r.key}>
                    <th scope="row">{r.label}</th>
                    <td class="num" data-label="Đã duyệt">
                      {r.inflation.approved}
                    </td>
                    <td class="num" data-label="Tỷ lệ A">
                      {formatPercent(r.inflation.shareA / 100)}
                    </td>
                    <td class="num" data-label="Tự chấm − lãnh đạo trực tiếp chấm">
                      {r.inflation.meanSelfMinusReview === null
                        ? '—'
                        : `${r.inflation.meanSelfMinusReview > 0 ? '+' : ''}${formatPoints(r.inflation.meanSelfMinusReview)}`}
                    </td>
                    <td class="num" data-label="Nhận xét trùng">
                      {r.inflation.identicalComments}
                    </td>
                    <td data-label="Dấu hiệu">
                      {r.inflation.signals.length === 0 ? (
                        <span class="muted">Không có</span>
                      ) : (
                        <ul class="plain signals">
                          {r.inflation.signals.map((s) => (
                            <li key={s} class="badge badge-warn">
                              {INFLATION_LABELS[s]}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}
    </main>
  );
}

/** `/xep-hang/ban-in?donvi=&ky=`: the unit's ranking as an official table, to print or download as PDF. */
export function RankingPrintPage({ query }: { query: URLSearchParams }) {
  const { api, me } = useApp();
  const unitId = query.get('donvi') ?? me.employee?.unitId ?? '';
  const period = query.get('ky') ?? periodOf(new Date());
  usePageTitle(`Bản in xếp hạng ${formatPeriod(period)}`, '/xep-hang/ban-in');
  const doc = useLoad(async () => {
    const [ranking, heading] = await Promise.all([
      api.get<Ranking>(`/v1/units/${encodeURIComponent(unitId)}/rankings/${period}`),
      unitHeading(api, unitId, []),
    ]);
    return rankingDocument(ranking, { parentUnitName: heading.parent, now: new Date() });
  }, [unitId, period]);
  return (
    <main id="main" class="print-page">
      <h1 tabIndex={-1} class="no-print">
        Bản in bảng xếp hạng {formatPeriod(period)}
      </h1>
      {doc.loading && !doc.data && <Loading />}
      <ErrorNotice error={doc.error} />
      {doc.data && (
        <>
          <OfficialToolbar
            doc={doc.data}
            back={{
              href: `/xep-hang?donvi=${encodeURIComponent(unitId)}&ky=${period}`,
              label: 'Về trang xếp hạng',
            }}
          />
          <OfficialView doc={doc.data} />
        </>
      )}
    </main>
  );
}
