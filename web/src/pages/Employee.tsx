/**
 * The employee's month: the self-assessment form from the rubric (live total and grade preview), save and
 * submit, the deadline that counts now, what the direct leader and the head of unit decided, the appeal, the
 * timeline with every comment, the printable form, and the other months of the year.
 *
 * What is typed is kept as a local draft (lib/drafts.ts): a session that ends, a reload or a stale tab (412)
 * loses nothing. When the app starts on this page the month comes with `/v1/me` (`?include=current`,
 * lib/current.ts) while the year's months are asked for beside it; later loads ask for the evaluation and its
 * history together (the rubric from the cache), not one after the other.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { Evaluation, HistoryItem, ProductsView, Rubric } from '../api/types.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { COMMENT_MAX, StaleNotice } from '../components/Inbox.tsx';
import { type ScoreReference, ScoreSheet } from '../components/ScoreSheet.tsx';
import { Timeline } from '../components/Timeline.tsx';
import {
  DraftNotice,
  ErrorNotice,
  GradeBadge,
  Loading,
  Section,
  StatusBadge,
  SuccessNotice,
} from '../components/ui.tsx';
import { fixedScores, WorkPanel, withFixed } from '../components/WorkPanel.tsx';
import { ownDefaultPeriod, useApp } from '../context.ts';
import { takeCurrentMonth } from '../lib/current.ts';
import { comparePeriods } from '../lib/dates.ts';
import { loadRubric, rememberRubric } from '../lib/directory.ts';
import { draftKey, useDraft } from '../lib/drafts.ts';
import { currentStep, evaluationPath, keepNames, STEP_DEADLINE } from '../lib/evaluation.ts';
import {
  countdown,
  formatDate,
  formatDateTime,
  formatPeriod,
  formatPoints,
  periodOf,
} from '../lib/format.ts';
import { useAction, useLoad, useNow } from '../lib/hooks.ts';
import { Link, usePageTitle } from '../lib/router.tsx';
import { evaluateSheet, sheetFrom } from '../lib/scores.ts';

interface MonthData {
  evaluation: Evaluation | null;
  rubric: Rubric | null;
  history: HistoryItem[];
}

const READY_MARK = 'danh-gia:employee-month-rendered';

export const REVIEWER = 'Lãnh đạo trực tiếp';
export const APPROVER = 'Thủ trưởng đơn vị';

export function references(e: Evaluation): ScoreReference[] {
  const refs: ScoreReference[] = [];
  if (e.selfAssessment) {
    refs.push({ label: 'Tự chấm', scores: e.selfAssessment.scores, total: e.selfAssessment.total });
  }
  if (e.review) refs.push({ label: REVIEWER, scores: e.review.scores, total: e.review.total });
  if (e.decision) refs.push({ label: APPROVER, scores: e.decision.scores, total: e.decision.total });
  return refs;
}

/** Why a read-only sheet shows no grade. */
export function gradeNote(e: Evaluation): string {
  if (e.status === 'EXPIRED') return 'phiếu hết hạn, không được xếp loại tháng này';
  return 'chưa có kết quả xếp loại (chờ thủ trưởng đơn vị phê duyệt)';
}

/**
 * The three deadlines as dates; a countdown only for the step that is waiting now. A month that is approved or
 * expired has none: nothing is waiting.
 */
export function Deadlines({ evaluation, now }: { evaluation: Evaluation; now: number }) {
  const step = currentStep(evaluation);
  const live = step ? STEP_DEADLINE[step] : null;
  const steps = [
    ['selfAssessment', 'Hạn tự đánh giá'],
    ['review', 'Hạn nhận xét, chấm điểm'],
    ['approval', 'Hạn phê duyệt'],
  ] as const;
  return (
    <dl class="deadlines">
      {steps.map(([key, label]) => {
        const at = evaluation.deadlines[key];
        const c = key === live ? countdown(at, now) : null;
        return (
          <div key={key}>
            <dt>{label}</dt>
            <dd>
              <time dateTime={at}>{formatDateTime(at)}</time>
              {c && (
                <>
                  {' '}
                  <span class={c.passed ? 'muted' : c.urgent ? 'urgent' : ''}>({c.text})</span>
                </>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

async function loadMonth(api: ReturnType<typeof useApp>['api'], employeeId: string, period: string) {
  // The app started here: the month comes with /v1/me (one round trip), unless it is another period.
  const brought = await takeCurrentMonth(period);
  if (brought) {
    if (brought.rubric) rememberRubric(brought.rubric);
    if (!brought.evaluation) return { evaluation: null, rubric: null, history: [] };
    const rubric =
      brought.rubric ??
      (await loadRubric(api, brought.evaluation.rubricId, brought.evaluation.rubricVersion));
    return { evaluation: brought.evaluation, rubric, history: brought.history };
  }
  const base = evaluationPath(employeeId, period);
  const absent = (e: unknown) => e instanceof ApiError && e.status === 404;
  // Together: the evaluation and its history do not depend on each other.
  const [evaluation, history] = await Promise.all([
    api.get<Evaluation>(base).catch((e: unknown) => {
      if (absent(e)) return null;
      throw e;
    }),
    api.get<{ items: HistoryItem[] }>(`${base}/history`).catch((e: unknown) => {
      if (absent(e)) return { items: [] };
      throw e;
    }),
  ]);
  if (!evaluation) return { evaluation: null, rubric: null, history: [] };
  const rubric = await loadRubric(api, evaluation.rubricId, evaluation.rubricVersion);
  return { evaluation, rubric, history: history.items };
}

export function EmployeePage({ period: periodParam }: { period: string | null }) {
  const { api, me, reloadMe } = useApp();
  const now = useNow();
  const [message, setMessage] = useState<string | null>(null);
  const [work, setWork] = useState<ProductsView | null>(null);
  const messageRef = useRef<HTMLDivElement>(null);
  const employee = me.employee;
  const period = periodParam ?? ownDefaultPeriod(me, periodOf(new Date()));
  useEffect(() => setMessage(null), [period]);
  usePageTitle(`Tự đánh giá ${formatPeriod(period)}`, `/danh-gia/${period}`);

  const month = useLoad<MonthData>(async () => {
    if (!employee) return { evaluation: null, rubric: null, history: [] };
    return loadMonth(api, employee.id, period);
  }, [employee?.id, period]);

  const rendered = month.data?.evaluation !== undefined && month.data?.evaluation !== null;
  useEffect(() => {
    // For measuring: when the month is first on screen (read by test/web/journeys.test.ts).
    if (rendered && performance.getEntriesByName(READY_MARK).length === 0) performance.mark(READY_MARK);
  }, [rendered]);

  const year = period.slice(0, 4);
  const months = useLoad(async () => {
    if (!employee) return [];
    const r = await api.get<{ items: Evaluation[] }>(
      `/v1/employees/${encodeURIComponent(employee.id)}/evaluations?year=${year}`,
    );
    return r.items;
  }, [employee?.id, year]);

  if (!employee) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Tự đánh giá</h1>
        <p>
          Tài khoản này không gắn với hồ sơ cán bộ, công chức, viên chức nào nên không có phiếu tự đánh giá.
        </p>
      </main>
    );
  }

  return (
    <main id="main">
      <h1 tabIndex={-1}>Tự đánh giá {formatPeriod(period)}</h1>
      <p class="lead">
        {employee.name} · <span class="muted">{employee.id}</span>
      </p>
      {month.loading && !month.data && <Loading />}
      <ErrorNotice error={month.error} />
      <SuccessNotice message={message} focusRef={messageRef} />
      {month.data && !month.data.evaluation && (
        <p class="notice notice-warn">
          Chưa có phiếu đánh giá của bạn cho {formatPeriod(period)} (kỳ chưa mở).
        </p>
      )}
      {month.data?.evaluation && month.data.rubric && (
        <MonthForm
          key={`${period}-${month.data.evaluation.version}`}
          evaluation={month.data.evaluation}
          rubric={month.data.rubric}
          history={month.data.history}
          now={now}
          fixed={fixedScores(work)}
          onReload={() => month.reload()}
          onChanged={(text, updated) => {
            setMessage(text);
            // Show the saved version at once (its inputs, its version for If-Match), then refresh the timeline.
            if (updated && month.data)
              month.setData({ ...month.data, evaluation: keepNames(month.data.evaluation, updated) });
            month.reload();
            months.reload();
            reloadMe();
            // Focus goes to the message that says what happened (the button pressed may be gone).
            if (text) requestAnimationFrame(() => messageRef.current?.focus());
          }}
        />
      )}
      {month.data?.evaluation && month.data.rubric && (
        <Section title="Sản phẩm và minh chứng" id="work-title">
          <WorkPanel
            evaluation={month.data.evaluation}
            criteria={month.data.rubric.criteria}
            party="employee"
            onProducts={setWork}
          />
        </Section>
      )}
      <Section title={`Các tháng năm ${year}`} id="months-title">
        {months.loading && !months.data && <Loading />}
        <ErrorNotice error={months.error} />
        {months.data && months.data.length === 0 && <p class="muted">Chưa có tháng nào.</p>}
        {months.data && months.data.length > 0 && (
          <table class="list stack-table" data-testid="months-table">
            <caption class="sr-only">Kết quả các tháng năm {year}</caption>
            <thead>
              <tr>
                <th scope="col">Kỳ</th>
                <th scope="col">Trạng thái</th>
                <th scope="col" class="num">
                  Tự chấm
                </th>
                <th scope="col" class="num">
                  Điểm cuối
                </th>
                <th scope="col">Xếp loại</th>
              </tr>
            </thead>
            <tbody>
              {[...months.data]
                .sort((a, b) => comparePeriods(b.period, a.period))
                .map((m) => (
                  <tr key={m.period} aria-current={m.period === period ? 'page' : undefined}>
                    <th scope="row">
                      <Link href={`/danh-gia/${m.period}`}>{formatPeriod(m.period)}</Link>
                    </th>
                    <td data-label="Trạng thái">
                      <StatusBadge evaluation={m} />
                    </td>
                    <td class="num" data-label="Tự chấm">
                      {formatPoints(m.selfAssessment?.total)}
                    </td>
                    <td class="num" data-label="Điểm cuối">
                      {formatPoints(m.decision?.total)}
                    </td>
                    <td data-label="Xếp loại">
                      <GradeBadge grade={m.decision?.grade ?? null} />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
        <p>
          <Link href={`/danh-gia/${Number(year) - 1}-${period.includes('Q') ? 'Q4' : '12'}`}>
            Xem năm {Number(year) - 1}
          </Link>
        </p>
      </Section>
    </main>
  );
}

interface SelfInput {
  values: Record<string, string>;
  comment: string;
}

function MonthForm({
  evaluation,
  rubric,
  history,
  now,
  fixed,
  onChanged,
  onReload,
}: {
  evaluation: Evaluation;
  rubric: Rubric;
  history: HistoryItem[];
  now: number;
  /** Criteria computed from the fed products: shown, not typed. */
  fixed: Record<string, number> | undefined;
  onChanged: (message: string | null, updated?: Evaluation) => void;
  onReload: () => void;
}) {
  const { api, me } = useApp();
  const deadline = countdown(evaluation.deadlines.selfAssessment, now);
  const waitsForMe =
    evaluation.status === 'DRAFT' ||
    (evaluation.status === 'RETURNED' && evaluation.returnedTo === 'employee');
  const editable = waitsForMe && !deadline.passed;
  const initial = useMemo<SelfInput>(
    () => ({
      values: sheetFrom(rubric.criteria, evaluation.selfAssessment?.scores),
      comment: evaluation.selfAssessment?.comment ?? '',
    }),
    [evaluation, rubric],
  );
  const draft = useDraft<SelfInput>(
    editable ? draftKey(me.employeeId, 'self', evaluation.employeeId, evaluation.period) : null,
    evaluation.version,
    initial,
  );
  const { comment } = draft.value;
  const values = withFixed(draft.value.values, fixed);
  const [showAllErrors, setShowAllErrors] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const action = useAction();

  const sheet = evaluateSheet(rubric.criteria, values);
  const lastReturn = [...history].reverse().find((h) => h.action === 'return');
  const base = evaluationPath(evaluation.employeeId, evaluation.period);

  const save = async (): Promise<Evaluation | null> => {
    setShowAllErrors(true);
    if (!sheet.complete) {
      action.setError(new Error('Hãy nhập đủ và đúng điểm cho mọi tiêu chí (xem các ô được đánh dấu).'));
      return null;
    }
    const saved = await action.run(() =>
      api.put<Evaluation>(
        `${base}/self-assessment`,
        { scores: sheet.scores, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        { ifMatch: evaluation.version },
      ),
    );
    if (saved) draft.saved();
    return saved ?? null;
  };

  const onSave = async () => {
    const saved = await save();
    if (saved) onChanged('Đã lưu bản tự đánh giá (chưa nộp).', saved);
  };

  const onSubmit = async () => {
    setConfirming(false);
    let current: Evaluation | null = evaluation;
    if (draft.dirty || !evaluation.selfAssessment) current = await save();
    if (!current) return;
    const version = current.version;
    const submitted = await action.run(() =>
      api.post<Evaluation>(`${base}/submit`, {}, { ifMatch: version }),
    );
    if (submitted) onChanged('Đã nộp bản tự đánh giá. Lãnh đạo trực tiếp sẽ xem và chấm điểm.', submitted);
    else if (current !== evaluation) onChanged(null, current);
  };

  const stale = action.error instanceof ApiError && action.error.code === 'PRECONDITION_FAILED';

  return (
    <>
      <Section title="Tình trạng" id="status-title">
        <p class="status-line">
          <StatusBadge evaluation={evaluation} />
          {evaluation.decision && (
            <span>
              Kết quả: <strong>{formatPoints(evaluation.decision.total)} điểm</strong>{' '}
              <GradeBadge grade={evaluation.decision.grade} long />
            </span>
          )}
        </p>
        {waitsForMe && (
          <p class={`countdown ${deadline.urgent ? 'urgent' : ''}`} data-testid="countdown">
            {deadline.passed
              ? `Đã quá hạn tự đánh giá (${formatDateTime(evaluation.deadlines.selfAssessment)}): bạn không thể nộp nữa; lãnh đạo trực tiếp sẽ chấm điểm trên bản hiện có.`
              : `Hạn nộp tự đánh giá: ${formatDateTime(evaluation.deadlines.selfAssessment)} — ${deadline.text}.`}
          </p>
        )}
        {evaluation.status === 'EXPIRED' && (
          <p class="notice notice-warn" data-testid="expired">
            Phiếu đã hết hạn khi đóng kỳ mà chưa được phê duyệt: tháng này bạn{' '}
            <strong>không được xếp loại</strong>.
          </p>
        )}
        {evaluation.status === 'APPROVED' && !evaluation.publishedAt && (
          <p class="muted">Kết quả được công khai trong đơn vị khi đóng kỳ đánh giá.</p>
        )}
        {evaluation.status === 'RETURNED' && evaluation.returnedTo === 'employee' && lastReturn?.comment && (
          <div class="notice notice-warn" data-testid="returned">
            <p>
              <strong>Phiếu bị trả lại để hoàn thiện.</strong> Ý kiến của lãnh đạo trực tiếp:
            </p>
            <blockquote>{lastReturn.comment}</blockquote>
          </div>
        )}
        {evaluation.decision?.comment && (
          <p>
            Ý kiến của thủ trưởng đơn vị: <q>{evaluation.decision.comment}</q>
          </p>
        )}
        {evaluation.review?.comment && (
          <p>
            Nhận xét của lãnh đạo trực tiếp: <q>{evaluation.review.comment}</q>
          </p>
        )}
        {evaluation.decision?.forcedReason && (
          <p class="notice notice-warn">{evaluation.decision.forcedReason}</p>
        )}
        <Deadlines evaluation={evaluation} now={now} />
        <p>
          <Link href={`/danh-gia/${evaluation.period}/phieu`}>Phiếu đánh giá để in, tải PDF</Link>
        </p>
      </Section>

      <AppealSection evaluation={evaluation} onChanged={onChanged} />

      <Section title={editable ? 'Phiếu tự đánh giá' : 'Điểm các tiêu chí'} id="form-title">
        <p class="muted">{rubric.name}</p>
        {editable ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void onSave();
            }}
            noValidate
          >
            <DraftNotice
              draft={draft.restored}
              changedSince={draft.restored !== null && draft.restored.baseVersion !== evaluation.version}
              onDiscard={draft.discard}
            />
            <ScoreSheet
              idPrefix="self"
              caption="Điểm tự chấm theo từng tiêu chí"
              criteria={rubric.criteria}
              bands={rubric.bands}
              values={values}
              fixed={fixed}
              inputLabel="Điểm tự chấm"
              showAllErrors={showAllErrors}
              onChange={(id, v) => draft.set((old) => ({ ...old, values: { ...old.values, [id]: v } }))}
            />
            <div class="field">
              <label for="self-comment">Tự nhận xét (không bắt buộc)</label>
              <textarea
                id="self-comment"
                rows={4}
                maxLength={COMMENT_MAX}
                value={comment}
                aria-describedby="self-comment-count"
                onInput={(e) => {
                  const text = e.currentTarget.value;
                  draft.set((old) => ({ ...old, comment: text }));
                }}
              />
              <span class="muted" id="self-comment-count">
                {comment.length}/{COMMENT_MAX} ký tự
              </span>
            </div>
            {stale ? <StaleNotice onReload={onReload} /> : <ErrorNotice error={action.error} />}
            <div class="actions">
              <button type="submit" disabled={action.busy}>
                Lưu nháp
              </button>
              <button
                type="button"
                class="primary"
                disabled={action.busy}
                onClick={() => setConfirming(true)}
              >
                Nộp bản tự đánh giá
              </button>
            </div>
            {confirming && (
              <ConfirmDialog
                title="Nộp bản tự đánh giá?"
                confirmLabel="Xác nhận nộp"
                busy={action.busy}
                onConfirm={() => void onSubmit()}
                onCancel={() => setConfirming(false)}
              >
                <p>
                  Tổng điểm tự chấm: <strong>{formatPoints(sheet.totalHundredths / 100)}</strong>. Nộp rồi bạn
                  sẽ không sửa được nữa, trừ khi lãnh đạo trực tiếp trả lại phiếu.
                </p>
              </ConfirmDialog>
            )}
          </form>
        ) : (
          <>
            <ScoreSheet
              idPrefix="result"
              caption="Điểm theo từng tiêu chí"
              criteria={rubric.criteria}
              bands={rubric.bands}
              references={references(evaluation)}
              grade={evaluation.decision?.grade ?? null}
              gradeNote={gradeNote(evaluation)}
            />
            {evaluation.selfAssessment?.comment && (
              <p>
                Tự nhận xét: <q>{evaluation.selfAssessment.comment}</q>
              </p>
            )}
          </>
        )}
      </Section>

      <Section title="Quá trình xử lý" id="timeline-title">
        <Timeline items={history} evaluation={evaluation} meId={me.employeeId} />
      </Section>
    </>
  );
}

const APPEAL_STATUS: Record<NonNullable<Evaluation['appeal']>['status'], string> = {
  PENDING: 'Đang chờ giải quyết',
  ACCEPTED: 'Được chấp nhận',
  REJECTED: 'Không được chấp nhận',
};

/**
 * After the results are published the employee may appeal once, with a reason, within the appeal window (the
 * API refuses it after the window with its own message); then follows the appeal here.
 */
function AppealSection({
  evaluation,
  onChanged,
}: {
  evaluation: Evaluation;
  onChanged: (message: string | null, updated?: Evaluation) => void;
}) {
  const { api, me } = useApp();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const mine = evaluation.employeeId === me.employeeId;
  const canAppeal =
    mine && evaluation.status === 'APPROVED' && evaluation.publishedAt !== null && evaluation.appeal === null;
  const draft = useDraft<string>(
    canAppeal ? draftKey(me.employeeId, 'appeal', evaluation.employeeId, evaluation.period) : null,
    evaluation.version,
    '',
  );
  const action = useAction();
  const appeal = evaluation.appeal;
  if (!appeal && !canAppeal) return null;

  const file = async () => {
    setConfirming(false);
    const reason = draft.value.trim();
    const done = await action.run(() =>
      api.post<Evaluation>(
        `${evaluationPath(evaluation.employeeId, evaluation.period)}/appeal`,
        { reason },
        { ifMatch: evaluation.version },
      ),
    );
    if (done) {
      draft.saved();
      onChanged('Đã gửi khiếu nại. Bạn sẽ thấy kết quả giải quyết tại đây.', done);
    }
  };

  return (
    <Section title="Khiếu nại kết quả" id="appeal-title">
      {appeal ? (
        <div data-testid="appeal">
          <p class="status-line">
            <span
              class={`badge ${appeal.status === 'PENDING' ? 'badge-info' : appeal.status === 'ACCEPTED' ? 'badge-ok' : 'badge-bad'}`}
            >
              {APPEAL_STATUS[appeal.status]}
            </span>
            <span class="muted">Gửi lúc {formatDateTime(appeal.filedAt)}</span>
          </p>
          <p>
            Lý do khiếu nại: <q>{appeal.reason}</q>
          </p>
          {appeal.decidedAt && (
            <p>
              Giải quyết lúc {formatDateTime(appeal.decidedAt)}
              {appeal.comment ? (
                <>
                  : <q>{appeal.comment}</q>
                </>
              ) : (
                '.'
              )}
            </p>
          )}
          {appeal.status === 'PENDING' && (
            <p class="muted">
              Khiếu nại do cấp trên của thủ trưởng đơn vị (hoặc cơ quan tổ chức cán bộ) giải quyết.
            </p>
          )}
        </div>
      ) : !open ? (
        <>
          <p data-testid="appeal-window">
            Kết quả đã được công khai ngày {formatDate(evaluation.publishedAt ?? '')}. Nếu không đồng ý, bạn
            có thể khiếu nại một lần,{' '}
            {evaluation.appealDeadline ? (
              <strong>khiếu nại đến hết ngày {formatDate(evaluation.appealDeadline)}</strong>
            ) : (
              'trong thời hạn khiếu nại tính từ ngày công khai'
            )}
            .
          </p>
          <button type="button" onClick={() => setOpen(true)}>
            Khiếu nại kết quả…
          </button>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!draft.value.trim()) {
              action.setError(new Error('Cần ghi rõ lý do khiếu nại.'));
              return;
            }
            setConfirming(true);
          }}
          noValidate
        >
          <div class="field">
            <label for="appeal-reason">Lý do khiếu nại (bắt buộc)</label>
            <textarea
              id="appeal-reason"
              rows={4}
              required
              maxLength={COMMENT_MAX}
              value={draft.value}
              onInput={(e) => draft.set(e.currentTarget.value)}
            />
          </div>
          <ErrorNotice error={action.error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={action.busy}>
              Gửi khiếu nại
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Huỷ
            </button>
          </div>
          {confirming && (
            <ConfirmDialog
              title="Gửi khiếu nại?"
              confirmLabel="Xác nhận gửi khiếu nại"
              busy={action.busy}
              onConfirm={() => void file()}
              onCancel={() => setConfirming(false)}
            >
              <p>Mỗi kết quả chỉ được khiếu nại một lần. Gửi khiếu nại với lý do đã nhập?</p>
            </ConfirmDialog>
          )}
        </form>
      )}
    </Section>
  );
}
