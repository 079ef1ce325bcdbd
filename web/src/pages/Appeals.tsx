/**
 * The decider's inbox: the period's appeals waiting for a decision that the signed-in person may decide
 * (`GET /v1/appeals`: the approver's own approver, HR in scope; an admin sees all, deciding none), oldest first,
 * each linking to the evaluation's appeal screen. A decided appeal leaves the list (the API deletes its marker in
 * the same transaction as the decision).
 */
import type { PendingAppeals } from '../api/types.ts';
import { MonthSelect } from '../components/DateFields.tsx';
import { ErrorNotice, GradeBadge, Loading, Section } from '../components/ui.tsx';
import { cyclesOf, useApp } from '../context.ts';
import { previousPeriod, recentPeriodsFor } from '../lib/dates.ts';
import { formatDate, formatDateTime, formatPeriod, formatPoints, periodOf } from '../lib/format.ts';
import { useLoad } from '../lib/hooks.ts';
import { Link, setQuery, usePageTitle } from '../lib/router.tsx';

export const APPEALS_PATH = '/khieu-nai/cho-giai-quyet';

/** The path of the screen where one appeal is decided. */
export const appealPath = (employeeId: string, period: string) =>
  `/khieu-nai?${new URLSearchParams({ nguoi: employeeId, ky: period }).toString()}`;

/**
 * Appeals come after the close: by default the current month once it is no longer open, else the month before
 * (the last one whose results were published).
 */
function defaultAppealPeriod(openPeriods: readonly string[], current: string): string {
  return openPeriods.includes(current) ? previousPeriod(current) : current;
}

export function PendingAppealsPage({ query }: { query: URLSearchParams }) {
  const { api, me } = useApp();
  const current = periodOf(new Date());
  const period = query.get('ky') ?? defaultAppealPeriod(me.openPeriods, current);
  usePageTitle(`Khiếu nại chờ giải quyết ${formatPeriod(period)}`, APPEALS_PATH);
  const list = useLoad(
    () => api.get<PendingAppeals>(`/v1/appeals?${new URLSearchParams({ period }).toString()}`),
    [period],
  );
  const items = list.data?.items ?? [];
  return (
    <main id="main">
      <h1 tabIndex={-1}>Khiếu nại chờ giải quyết</h1>
      <p class="lead">
        Các khiếu nại về kết quả xếp loại mà bạn có thẩm quyền giải quyết (cấp trên của thủ trưởng đơn vị, cơ
        quan tổ chức cán bộ), gửi sớm nhất lên trước.
      </p>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <MonthSelect
          id="appeals-period"
          label="Kỳ"
          value={period}
          periods={recentPeriodsFor(cyclesOf(me), current, 12, 0)}
          onChange={(p) => setQuery({ ky: p })}
        />
      </form>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <Section title={`${formatPeriod(period)}: ${items.length} khiếu nại đang chờ`} id="appeals-title">
          {items.length === 0 ? (
            <p class="muted" data-testid="appeals-empty">
              Không có khiếu nại nào đang chờ bạn giải quyết trong kỳ này.
            </p>
          ) : (
            <ul class="cards" data-testid="appeals-list">
              {items.map((a) => (
                <li key={a.employeeId} class="card">
                  <h3>
                    <Link href={appealPath(a.employeeId, period)}>{a.employeeName}</Link>
                  </h3>
                  <p class="muted">
                    {a.unitName ?? a.unitId} · gửi lúc {formatDateTime(a.filedAt)}
                  </p>
                  <p>
                    Kết quả bị khiếu nại: <GradeBadge grade={a.grade} /> {formatPoints(a.total)} điểm
                    {a.gradeLabel ? ` (${a.gradeLabel})` : ''}
                  </p>
                  <p>
                    Lý do:{' '}
                    <q>
                      {a.reason}
                      {a.reasonTruncated ? '…' : ''}
                    </q>
                  </p>
                  {!a.mayDecide && (
                    <p class="muted">Bạn xem được khiếu nại này nhưng không có thẩm quyền giải quyết.</p>
                  )}
                </li>
              ))}
            </ul>
          )}
          {items[0]?.deadline && (
            <p class="muted">
              Hạn gửi khiếu nại của kỳ: hết ngày {formatDate(items[0].deadline)} (quy định không đặt hạn giải
              quyết).
            </p>
          )}
        </Section>
      )}
      <p>
        <Link href="/khieu-nai">Mở một phiếu theo mã nhân sự và kỳ</Link>
      </p>
    </main>
  );
}
