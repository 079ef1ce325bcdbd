/**
 * HR: open a month (with its deadlines), follow its progress, compute rankings, close it. Closing expires every
 * form not yet approved, so the confirmation says how many forms that is, whether deadlines are still ahead, and
 * asks for the period id to be typed in. An admin may reopen a period closed by mistake, only while the API would
 * accept it (`mayReopen`: closed, no appeal filed, before the appeal deadline), with a reason and the id typed in.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { computeRankings } from '../api/jobs.ts';
import type { EvaluationStatus, PeriodInfo } from '../api/types.ts';
import { DateTimeFields, type DateTimeValue, MonthSelect } from '../components/DateFields.tsx';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { ErrorNotice, Loading, Section, SuccessNotice } from '../components/ui.tsx';
import { cyclesOf, defaultPeriod, useApp } from '../context.ts';
import { parseDateTime, recentPeriodsFor } from '../lib/dates.ts';
import { countdown, formatDateTime, formatPeriod, periodOf, statusOnly } from '../lib/format.ts';
import { useAction, useLoad, useNow } from '../lib/hooks.ts';
import { closeImpact, periodState } from '../lib/periods.ts';
import { setQuery, usePageTitle } from '../lib/router.tsx';

const STATUSES: EvaluationStatus[] = ['DRAFT', 'RETURNED', 'SUBMITTED', 'REVIEWED', 'APPROVED', 'EXPIRED'];

const EMPTY: DateTimeValue = { date: '', time: '' };

export function PeriodsPage({ query }: { query: URLSearchParams }) {
  const { api, me, reloadMe } = useApp();
  const now = useNow();
  const current = periodOf(new Date());
  const period = query.get('ky') ?? defaultPeriod(me, current);
  usePageTitle(`Kỳ đánh giá ${formatPeriod(period)}`, '/ky-danh-gia');
  const action = useAction();
  const [confirmClose, setConfirmClose] = useState(false);
  const [confirmReopen, setConfirmReopen] = useState(false);
  const [typed, setTyped] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const [deadlines, setDeadlines] = useState({ selfAssessment: EMPTY, review: EMPTY, approval: EMPTY });

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
    const given = Object.values(deadlines).filter((d) => d.date.trim() !== '' || d.time.trim() !== '').length;
    if (given !== 0 && given !== 3) {
      setShowErrors(true);
      action.setError(new Error('Nhập đủ cả ba hạn, hoặc để trống cả ba để dùng lịch mặc định.'));
      return;
    }
    let body = {};
    if (given === 3) {
      setShowErrors(true);
      const parsed = {
        selfAssessment: parseDateTime(deadlines.selfAssessment.date, deadlines.selfAssessment.time),
        review: parseDateTime(deadlines.review.date, deadlines.review.time),
        approval: parseDateTime(deadlines.approval.date, deadlines.approval.time),
      };
      if (!parsed.selfAssessment.ok || !parsed.review.ok || !parsed.approval.ok) {
        action.setError(new Error('Hãy nhập đúng ngày (dd/mm/yyyy) và giờ (hh:mm) cho cả ba hạn.'));
        return;
      }
      body = {
        deadlines: {
          selfAssessment: parsed.selfAssessment.value,
          review: parsed.review.value,
          approval: parsed.approval.value,
        },
      };
    }
    if (
      await action.run(
        () => api.post(`/v1/periods/${period}/open`, body),
        `Đã mở kỳ ${formatPeriod(period)}.`,
      )
    )
      after();
  };

  const close = async () => {
    if (typed.trim() !== period) return;
    setConfirmClose(false);
    setTyped('');
    if (
      await action.run(
        () => api.post(`/v1/periods/${period}/close`, {}),
        `Đã đóng kỳ ${formatPeriod(period)}.`,
      )
    ) {
      after();
    }
  };

  const reopen = async (reason: string, deadlines: ReopenDeadlines | null) => {
    setConfirmReopen(false);
    setTyped('');
    if (
      await action.run(
        () =>
          api.post(`/v1/periods/${period}/reopen`, {
            reason,
            ...(deadlines ? { deadlines } : {}),
          }),
        `Đã mở lại kỳ ${formatPeriod(period)}.`,
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
        <MonthSelect
          id="period-month"
          label={cyclesOf(me).includes('quarterly') ? 'Kỳ (tháng, quý)' : 'Tháng'}
          value={period}
          periods={recentPeriodsFor(cyclesOf(me), current, 24, 2)}
          onChange={(p) => setQuery({ ky: p })}
        />
      </form>
      <ErrorNotice error={info.error ?? action.error} />
      <SuccessNotice message={action.success} />
      {info.loading && info.data === undefined && <Loading />}
      {info.data === null && (
        <Section title={`${formatPeriod(period)}: chưa mở`} id="open-title">
          <p>
            Mở kỳ sẽ tạo phiếu nháp cho mọi người đang công tác, với lãnh đạo trực tiếp, thủ trưởng đơn vị và
            bộ tiêu chí theo tổ chức hiện tại.
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
              <DateTimeFields
                key={key}
                id={`deadline-${key}`}
                legend={label}
                value={deadlines[key]}
                showErrors={showErrors}
                onChange={(v) => setDeadlines({ ...deadlines, [key]: v })}
              />
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
        <Section title={`${formatPeriod(period)}: ${periodState(p)}`} id="period-title">
          {(p.reopening || p.closing) && (
            <p class="notice" data-testid="period-in-progress">
              {p.reopening
                ? 'Hệ thống đang đưa các phiếu hết hạn về trạng thái trước khi đóng kỳ; số phiếu bên dưới tăng dần. Tải lại trang để xem tiến độ.'
                : 'Hệ thống đang chuyển các phiếu chưa phê duyệt sang “Hết hạn”. Tải lại trang để xem tiến độ.'}
            </p>
          )}
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
            {p.status === 'CLOSED' && p.appealDeadline && (
              <div>
                <dt>Hạn khiếu nại</dt>
                <dd>{formatDateTime(p.appealDeadline)}</dd>
              </div>
            )}
          </dl>
          <div>
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
          {p.status === 'CLOSED' && (
            <ReopenPanel
              info={p}
              busy={action.busy}
              confirming={confirmReopen}
              typed={typed}
              onType={setTyped}
              onStart={() => {
                setTyped('');
                setConfirmReopen(true);
              }}
              onConfirm={(reason, deadlines) => void reopen(reason, deadlines)}
              onCancel={() => setConfirmReopen(false)}
            />
          )}
          {p.status === 'OPEN' && !p.closing && !p.reopening && (
            <div class="actions">
              <button type="button" disabled={action.busy} onClick={() => void rank()}>
                Tính xếp hạng ngay
              </button>
              <button
                type="button"
                class="danger"
                disabled={action.busy}
                onClick={() => {
                  setTyped('');
                  setConfirmClose(true);
                }}
              >
                Đóng kỳ…
              </button>
              {confirmClose && (
                <CloseDialog
                  info={p}
                  now={now}
                  typed={typed}
                  busy={action.busy}
                  onType={setTyped}
                  onConfirm={() => void close()}
                  onCancel={() => setConfirmClose(false)}
                />
              )}
            </div>
          )}
        </Section>
      )}
    </main>
  );
}

function CloseDialog(props: {
  info: PeriodInfo;
  now: number;
  typed: string;
  busy: boolean;
  onType(text: string): void;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { info, now } = props;
  const impact = closeImpact(info);
  const approval = countdown(info.deadlines.approval, now);
  const review = countdown(info.deadlines.review, now);
  const self = countdown(info.deadlines.selfAssessment, now);
  const early = !approval.passed;
  return (
    <ConfirmDialog
      title={`Đóng kỳ ${formatPeriod(info.period)}?`}
      confirmLabel={`Đóng kỳ ${formatPeriod(info.period)}`}
      danger
      busy={props.busy}
      canConfirm={props.typed.trim() === info.period}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <p data-testid="close-impact">
        {impact.notApproved > 0 ? (
          <>
            <strong>{impact.notApproved} phiếu chưa được phê duyệt sẽ chuyển sang “Hết hạn”</strong> và những
            người đó không được xếp loại tháng này: {impact.drafts} phiếu nháp chưa nộp, {impact.returned}{' '}
            phiếu bị trả lại, {impact.submitted} phiếu chờ nhận xét, {impact.reviewed} phiếu chờ phê duyệt.
          </>
        ) : (
          <>Mọi phiếu đã được phê duyệt.</>
        )}{' '}
        Kết quả được công khai ngay. <strong>Không thể hoàn tác.</strong>
      </p>
      {early && (
        <p class="notice notice-warn" data-testid="close-early">
          Chưa hết hạn:{' '}
          {!self.passed && (
            <>
              hạn tự đánh giá {formatDateTime(info.deadlines.selfAssessment)} ({self.text});{' '}
            </>
          )}
          {!review.passed && (
            <>
              hạn nhận xét {formatDateTime(info.deadlines.review)} ({review.text});{' '}
            </>
          )}
          hạn phê duyệt {formatDateTime(info.deadlines.approval)} ({approval.text}).
          {info.closesAt ? ` Hệ thống tự đóng kỳ lúc ${formatDateTime(info.closesAt)}.` : ''}
        </p>
      )}
      <TypedPeriodId id="close-confirm-id" period={info.period} typed={props.typed} onType={props.onType} />
    </ConfirmDialog>
  );
}

type ReopenDeadlines = { selfAssessment: string; review: string; approval: string };

/**
 * A closed period: why it can or cannot be reopened, and for an admin within the appeal window the action, behind a
 * dialog asking for the reason (required, it goes into every form's history) and the period id typed in. Once the
 * approval deadline has passed the API needs new deadlines: the dialog asks for them then, and only then.
 */
function ReopenPanel(props: {
  info: PeriodInfo;
  busy: boolean;
  confirming: boolean;
  typed: string;
  onType(text: string): void;
  onStart(): void;
  onConfirm(reason: string, deadlines: ReopenDeadlines | null): void;
  onCancel(): void;
}) {
  const { info } = props;
  const [reason, setReason] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const [deadlines, setDeadlines] = useState({ selfAssessment: EMPTY, review: EMPTY, approval: EMPTY });
  const needsDeadlines = Date.parse(info.deadlines.approval) <= Date.now();
  const filed = info.appealsFiled ?? 0;
  const parsed = {
    selfAssessment: parseDateTime(deadlines.selfAssessment.date, deadlines.selfAssessment.time),
    review: parseDateTime(deadlines.review.date, deadlines.review.time),
    approval: parseDateTime(deadlines.approval.date, deadlines.approval.time),
  };
  const deadlinesOk = parsed.selfAssessment.ok && parsed.review.ok && parsed.approval.ok;
  const ready =
    props.typed.trim() === info.period && reason.trim() !== '' && (!needsDeadlines || deadlinesOk);
  const why =
    filed > 0
      ? `Đã có ${filed} khiếu nại về kết quả kỳ này: kết quả đã công bố không thể rút lại.`
      : info.appealDeadline && Date.parse(info.appealDeadline) <= Date.now()
        ? 'Đã hết thời hạn khiếu nại: kết quả đã chốt, không thể mở lại.'
        : 'Chỉ quản trị hệ thống mở lại được kỳ đã đóng.';
  if (!info.mayReopen) {
    return (
      <p class="muted" data-testid="reopen-unavailable">
        {why}
      </p>
    );
  }
  return (
    <div class="actions">
      <p data-testid="reopen-window">
        Kỳ đóng nhầm có thể mở lại đến {formatDateTime(info.reopenableUntil ?? info.appealDeadline ?? '')},
        khi chưa có khiếu nại nào.
      </p>
      <button type="button" class="danger" disabled={props.busy} onClick={props.onStart}>
        Mở lại kỳ…
      </button>
      {props.confirming && (
        <ConfirmDialog
          title={`Mở lại kỳ ${formatPeriod(info.period)}?`}
          confirmLabel={`Mở lại kỳ ${formatPeriod(info.period)}`}
          danger
          busy={props.busy}
          canConfirm={ready}
          onConfirm={() => {
            setShowErrors(true);
            if (!ready) return;
            props.onConfirm(
              reason.trim(),
              needsDeadlines && parsed.selfAssessment.ok && parsed.review.ok && parsed.approval.ok
                ? {
                    selfAssessment: parsed.selfAssessment.value,
                    review: parsed.review.value,
                    approval: parsed.approval.value,
                  }
                : null,
            );
          }}
          onCancel={props.onCancel}
        >
          <p data-testid="reopen-impact">
            <strong>
              {info.counts.EXPIRED ?? 0} phiếu đã hết hạn khi đóng kỳ sẽ trở lại trạng thái trước đó
            </strong>{' '}
            (nháp, bị trả lại, chờ nhận xét, chờ phê duyệt) để tiếp tục đánh giá; phiếu đã phê duyệt giữ
            nguyên. Kết quả đã công khai được rút lại, xếp hạng được tính lại; kỳ sẽ tự đóng lại theo hạn.
          </p>
          <div class="field">
            <label for="reopen-reason">Lý do mở lại (bắt buộc, ghi vào lịch sử từng phiếu)</label>
            <textarea
              id="reopen-reason"
              rows={3}
              maxLength={2000}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </div>
          {needsDeadlines && (
            <fieldset class="grid-form">
              <legend>Hạn phê duyệt đã qua: nhập hạn mới cho cả ba bước</legend>
              {(
                [
                  ['selfAssessment', 'Hạn tự đánh giá'],
                  ['review', 'Hạn nhận xét'],
                  ['approval', 'Hạn phê duyệt'],
                ] as const
              ).map(([key, label]) => (
                <DateTimeFields
                  key={key}
                  id={`reopen-deadline-${key}`}
                  legend={label}
                  value={deadlines[key]}
                  showErrors={showErrors}
                  onChange={(v) => setDeadlines({ ...deadlines, [key]: v })}
                />
              ))}
            </fieldset>
          )}
          <TypedPeriodId
            id="reopen-confirm-id"
            period={info.period}
            typed={props.typed}
            onType={props.onType}
          />
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The period id typed in to confirm closing or reopening: the button waits until it matches. */
function TypedPeriodId(props: {
  id: string;
  period: string;
  typed: string;
  onType: (typed: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>
        Để xác nhận, gõ mã kỳ <code>{props.period}</code>
      </label>
      <input
        id={props.id}
        type="text"
        autoComplete="off"
        inputMode="numeric"
        value={props.typed}
        onInput={(e) => props.onType(e.currentTarget.value)}
      />
    </div>
  );
}
