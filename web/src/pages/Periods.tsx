/** HR: open a month (with its deadlines), follow its progress, compute rankings, close it. */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { computeRankings } from '../api/jobs.ts';
import type { EvaluationStatus, PeriodInfo } from '../api/types.ts';
import { ErrorNotice, Loading, Section, SuccessNotice } from '../components/ui.tsx';
import { defaultPeriod, useApp } from '../context.ts';
import { formatDateTime, formatPeriod, periodOf, statusOnly } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { setQuery, usePageTitle } from '../lib/router.tsx';

const STATUSES: EvaluationStatus[] = ['DRAFT', 'RETURNED', 'SUBMITTED', 'REVIEWED', 'APPROVED', 'EXPIRED'];

const vietnamInstant = (local: string) => `${local.length === 16 ? `${local}:00` : local}+07:00`;

export function PeriodsPage({ query }: { query: URLSearchParams }) {
  const { api, me, reloadMe } = useApp();
  const period = query.get('ky') ?? defaultPeriod(me, periodOf(new Date()));
  usePageTitle(`Kỳ đánh giá ${formatPeriod(period)}`, '/ky-danh-gia');
  const action = useAction();
  const [confirmClose, setConfirmClose] = useState(false);
  const [deadlines, setDeadlines] = useState({ selfAssessment: '', review: '', approval: '' });

  const info = useLoad(async () => {
    try {
      return await api.get<PeriodInfo>(`/v1/periods/${period}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, [period]);

  const after = () => {
    info.reload();
    reloadMe();
  };

  const open = async () => {
    const given = Object.values(deadlines).filter((d) => d !== '').length;
    if (given !== 0 && given !== 3) {
      action.setError(new Error('Nhập đủ cả ba hạn, hoặc để trống cả ba để dùng lịch mặc định.'));
      return;
    }
    const body =
      given === 3
        ? {
            deadlines: {
              selfAssessment: vietnamInstant(deadlines.selfAssessment),
              review: vietnamInstant(deadlines.review),
              approval: vietnamInstant(deadlines.approval),
            },
          }
        : {};
    if (
      await action.run(
        () => api.post(`/v1/periods/${period}/open`, body),
        `Đã mở kỳ ${formatPeriod(period)}.`,
      )
    )
      after();
  };

  const close = async () => {
    setConfirmClose(false);
    if (
      await action.run(
        () => api.post(`/v1/periods/${period}/close`, {}),
        `Đã đóng kỳ ${formatPeriod(period)}.`,
      )
    ) {
      after();
    }
  };

  const rank = async () => {
    await action.run(() => computeRankings(api, period), 'Đã tính xếp hạng cho mọi đơn vị.');
  };

  const p = info.data;
  const total = p ? STATUSES.reduce((s, k) => s + (p.counts[k] ?? 0), 0) : 0;
  return (
    <main id="main">
      <h1 tabIndex={-1}>Kỳ đánh giá</h1>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-inline">
          <label for="period-month">Tháng</label>
          <input
            id="period-month"
            type="month"
            value={period}
            onChange={(e) => e.currentTarget.value && setQuery({ ky: e.currentTarget.value })}
          />
        </div>
      </form>
      <ErrorNotice error={info.error ?? action.error} />
      <SuccessNotice message={action.success} />
      {info.loading && info.data === undefined && <Loading />}
      {info.data === null && (
        <Section title={`${formatPeriod(period)}: chưa mở`} id="open-title">
          <p>
            Mở kỳ sẽ tạo phiếu nháp cho mọi người đang công tác, với người nhận xét, người phê duyệt và bộ
            tiêu chí theo tổ chức hiện tại.
          </p>
          <fieldset class="grid-form">
            <legend>
              Hạn (để trống cả ba để dùng lịch mặc định: ngày 3, 6 và 8 tháng sau, lùi qua ngày nghỉ)
            </legend>
            {(
              [
                ['selfAssessment', 'Hạn tự đánh giá'],
                ['review', 'Hạn nhận xét'],
                ['approval', 'Hạn phê duyệt'],
              ] as const
            ).map(([key, label]) => (
              <div class="field" key={key}>
                <label for={`deadline-${key}`}>{label} (giờ Việt Nam)</label>
                <input
                  id={`deadline-${key}`}
                  type="datetime-local"
                  value={deadlines[key]}
                  onInput={(e) => setDeadlines({ ...deadlines, [key]: e.currentTarget.value })}
                />
              </div>
            ))}
          </fieldset>
          <div class="actions">
            <button type="button" class="primary" disabled={action.busy} onClick={() => void open()}>
              Mở kỳ {formatPeriod(period)}
            </button>
          </div>
        </Section>
      )}
      {p && (
        <Section
          title={`${formatPeriod(period)}: ${p.status === 'OPEN' ? 'đang mở' : 'đã đóng'}`}
          id="period-title"
        >
          <dl class="deadlines">
            <div>
              <dt>Hạn tự đánh giá</dt>
              <dd>{formatDateTime(p.deadlines.selfAssessment)}</dd>
            </div>
            <div>
              <dt>Hạn nhận xét</dt>
              <dd>{formatDateTime(p.deadlines.review)}</dd>
            </div>
            <div>
              <dt>Hạn phê duyệt</dt>
              <dd>{formatDateTime(p.deadlines.approval)}</dd>
            </div>
            {p.closesAt && p.status === 'OPEN' && (
              <div>
                <dt>Tự động đóng kỳ</dt>
                <dd>{formatDateTime(p.closesAt)}</dd>
              </div>
            )}
            {p.closedAt && (
              <div>
                <dt>Đã đóng</dt>
                <dd>{formatDateTime(p.closedAt)}</dd>
              </div>
            )}
          </dl>
          <div class="table-wrap">
            <table class="list" data-testid="period-counts">
              <caption>Số phiếu theo trạng thái ({total} phiếu)</caption>
              <thead>
                <tr>
                  <th scope="col">Trạng thái</th>
                  <th scope="col" class="num">
                    Số phiếu
                  </th>
                </tr>
              </thead>
              <tbody>
                {STATUSES.map((s) => (
                  <tr key={s}>
                    <th scope="row">{statusOnly(s)}</th>
                    <td class="num">{p.counts[s] ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <label for="period-progress">
            Đã phê duyệt {p.counts.APPROVED ?? 0}/{total}
          </label>
          <progress id="period-progress" max={Math.max(total, 1)} value={p.counts.APPROVED ?? 0} />
          {p.status === 'OPEN' && (
            <div class="actions">
              <button type="button" disabled={action.busy} onClick={() => void rank()}>
                Tính xếp hạng ngay
              </button>
              {!confirmClose ? (
                <button
                  type="button"
                  class="danger"
                  disabled={action.busy}
                  onClick={() => setConfirmClose(true)}
                >
                  Đóng kỳ…
                </button>
              ) : (
                <fieldset class="confirm">
                  <legend class="sr-only">Xác nhận đóng kỳ</legend>
                  <span>Phiếu chưa phê duyệt sẽ hết hạn; kết quả được công khai. Đóng kỳ?</span>
                  <button type="button" class="danger" onClick={() => void close()}>
                    Xác nhận đóng kỳ
                  </button>
                  <button type="button" onClick={() => setConfirmClose(false)}>
                    Huỷ
                  </button>
                </fieldset>
              )}
            </div>
          )}
        </Section>
      )}
    </main>
  );
}
