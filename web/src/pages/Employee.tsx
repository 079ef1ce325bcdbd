/**
 * The employee's month: the self-assessment form from the rubric (live total and grade preview), save and
 * submit, the deadline countdown, what the reviewer and approver decided, the timeline with every comment, and
 * the other months of the year.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { Evaluation, HistoryItem, Rubric } from '../api/types.ts';
import { type ScoreReference, ScoreSheet } from '../components/ScoreSheet.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { ErrorNotice, GradeBadge, Loading, Section, StatusBadge, SuccessNotice } from '../components/ui.tsx';
import { defaultPeriod, useApp } from '../context.ts';
import { countdown, formatDateTime, formatPeriod, formatPoints, periodOf } from '../lib/format.ts';
import { useAction, useLoad, useNow } from '../lib/hooks.ts';
import { Link, usePageTitle } from '../lib/router.tsx';
import { evaluateSheet, sheetFrom } from '../lib/scores.ts';

interface MonthData {
  evaluation: Evaluation | null;
  rubric: Rubric | null;
  history: HistoryItem[];
}

const COMMENT_MAX = 2000;
const READY_MARK = 'danh-gia:employee-month-rendered';

export function references(e: Evaluation): ScoreReference[] {
  const refs: ScoreReference[] = [];
  if (e.selfAssessment) {
    refs.push({ label: 'Tự chấm', scores: e.selfAssessment.scores, total: e.selfAssessment.total });
  }
  if (e.review) refs.push({ label: 'Người nhận xét', scores: e.review.scores, total: e.review.total });
  if (e.decision) refs.push({ label: 'Phê duyệt', scores: e.decision.scores, total: e.decision.total });
  return refs;
}

export function Deadlines({ evaluation, now }: { evaluation: Evaluation; now: number }) {
  const steps = [
    ['Tự đánh giá', evaluation.deadlines.selfAssessment],
    ['Nhận xét', evaluation.deadlines.review],
    ['Phê duyệt', evaluation.deadlines.approval],
  ] as const;
  return (
    <dl class="deadlines">
      {steps.map(([label, at]) => {
        const c = countdown(at, now);
        return (
          <div key={label}>
            <dt>Hạn {label.toLowerCase()}</dt>
            <dd>
              <time dateTime={at}>{formatDateTime(at)}</time>{' '}
              <span class={c.passed ? 'muted' : c.urgent ? 'urgent' : ''}>({c.text})</span>
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

export function EmployeePage({ period: periodParam }: { period: string | null }) {
  const { api, me, reloadMe } = useApp();
  const now = useNow();
  const [message, setMessage] = useState<string | null>(null);
  const employee = me.employee;
  const period = periodParam ?? defaultPeriod(me, periodOf(new Date()));
  useEffect(() => setMessage(null), [period]);
  usePageTitle(`Tự đánh giá ${formatPeriod(period)}`, `/danh-gia/${period}`);

  const month = useLoad<MonthData>(async () => {
    if (!employee) return { evaluation: null, rubric: null, history: [] };
    const base = `/v1/evaluations/${encodeURIComponent(employee.id)}/${period}`;
    let evaluation: Evaluation;
    try {
      evaluation = await api.get<Evaluation>(base);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return { evaluation: null, rubric: null, history: [] };
      throw e;
    }
    const [rubric, history] = await Promise.all([
      api.get<Rubric>(`/v1/rubrics/${encodeURIComponent(evaluation.rubricId)}`),
      api.get<{ items: HistoryItem[] }>(`${base}/history`),
    ]);
    return { evaluation, rubric, history: history.items };
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
        <p>Tài khoản này không gắn với cán bộ, công chức nào nên không có phiếu tự đánh giá.</p>
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
      <SuccessNotice message={message} />
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
          onChanged={(text, updated) => {
            setMessage(text);
            // Show the saved version at once (its inputs, its version for If-Match), then refresh the timeline.
            if (updated && month.data) month.setData({ ...month.data, evaluation: updated });
            month.reload();
            months.reload();
            reloadMe();
          }}
        />
      )}
      <Section title={`Các tháng năm ${year}`} id="months-title">
        {months.loading && !months.data && <Loading />}
        <ErrorNotice error={months.error} />
        {months.data && months.data.length === 0 && <p class="muted">Chưa có tháng nào.</p>}
        {months.data && months.data.length > 0 && (
          <div class="table-wrap">
            <table class="list">
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
                  .sort((a, b) => b.period.localeCompare(a.period))
                  .map((m) => (
                    <tr key={m.period} aria-current={m.period === period ? 'page' : undefined}>
                      <th scope="row">
                        <Link href={`/danh-gia/${m.period}`}>{formatPeriod(m.period)}</Link>
                      </th>
                      <td>
                        <StatusBadge evaluation={m} />
                      </td>
                      <td class="num">{formatPoints(m.selfAssessment?.total)}</td>
                      <td class="num">{formatPoints(m.decision?.total)}</td>
                      <td>
                        <GradeBadge grade={m.decision?.grade ?? null} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
        <p>
          <Link href={`/danh-gia/${Number(year) - 1}-12`}>Xem năm {Number(year) - 1}</Link>
        </p>
      </Section>
    </main>
  );
}

function MonthForm({
  evaluation,
  rubric,
  history,
  now,
  onChanged,
}: {
  evaluation: Evaluation;
  rubric: Rubric;
  history: HistoryItem[];
  now: number;
  onChanged: (message: string | null, updated?: Evaluation) => void;
}) {
  const { api, me } = useApp();
  const initial = useMemo(
    () => sheetFrom(rubric.criteria, evaluation.selfAssessment?.scores),
    [evaluation, rubric],
  );
  const [values, setValues] = useState(initial);
  const [comment, setComment] = useState(evaluation.selfAssessment?.comment ?? '');
  const [showAllErrors, setShowAllErrors] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const action = useAction();

  const deadline = countdown(evaluation.deadlines.selfAssessment, now);
  const waitsForMe =
    evaluation.status === 'DRAFT' ||
    (evaluation.status === 'RETURNED' && evaluation.returnedTo === 'employee');
  const editable = waitsForMe && !deadline.passed;
  const sheet = evaluateSheet(rubric.criteria, values);
  const dirty =
    JSON.stringify(values) !== JSON.stringify(initial) ||
    comment !== (evaluation.selfAssessment?.comment ?? '');
  const lastReturn = [...history].reverse().find((h) => h.action === 'return');
  const base = `/v1/evaluations/${encodeURIComponent(evaluation.employeeId)}/${evaluation.period}`;

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
    return saved ?? null;
  };

  const onSave = async () => {
    const saved = await save();
    if (saved) onChanged('Đã lưu bản tự đánh giá (chưa nộp).', saved);
  };

  const onSubmit = async () => {
    setConfirming(false);
    let current: Evaluation | null = evaluation;
    if (dirty || !evaluation.selfAssessment) current = await save();
    if (!current) return;
    const version = current.version;
    const submitted = await action.run(() =>
      api.post<Evaluation>(`${base}/submit`, {}, { ifMatch: version }),
    );
    if (submitted) onChanged('Đã nộp bản tự đánh giá. Người nhận xét sẽ xem và chấm điểm.', submitted);
    else if (current !== evaluation) onChanged(null, current);
  };

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
              ? `Đã quá hạn tự đánh giá (${formatDateTime(evaluation.deadlines.selfAssessment)}): bạn không thể nộp nữa; người nhận xét sẽ chấm điểm trên bản hiện có.`
              : `Hạn nộp tự đánh giá: ${formatDateTime(evaluation.deadlines.selfAssessment)} — ${deadline.text}.`}
          </p>
        )}
        {evaluation.status === 'RETURNED' && evaluation.returnedTo === 'employee' && lastReturn?.comment && (
          <div class="notice notice-warn" data-testid="returned">
            <p>
              <strong>Phiếu bị trả lại để hoàn thiện.</strong> Nhận xét của người nhận xét:
            </p>
            <blockquote>{lastReturn.comment}</blockquote>
          </div>
        )}
        {evaluation.decision?.comment && (
          <p>
            Ý kiến của người phê duyệt: <q>{evaluation.decision.comment}</q>
          </p>
        )}
        {evaluation.review?.comment && (
          <p>
            Nhận xét của người nhận xét: <q>{evaluation.review.comment}</q>
          </p>
        )}
        {evaluation.decision?.forcedReason && (
          <p class="notice notice-warn">{evaluation.decision.forcedReason}</p>
        )}
        <Deadlines evaluation={evaluation} now={now} />
      </Section>

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
            <ScoreSheet
              idPrefix="self"
              caption="Điểm tự chấm theo từng tiêu chí"
              criteria={rubric.criteria}
              bands={rubric.bands}
              values={values}
              inputLabel="Điểm tự chấm"
              showAllErrors={showAllErrors}
              onChange={(id, v) => setValues((old) => ({ ...old, [id]: v }))}
            />
            <div class="field">
              <label for="self-comment">Tự nhận xét (không bắt buộc)</label>
              <textarea
                id="self-comment"
                rows={4}
                maxLength={COMMENT_MAX}
                value={comment}
                aria-describedby="self-comment-count"
                onInput={(e) => setComment(e.currentTarget.value)}
              />
              <span class="muted" id="self-comment-count">
                {comment.length}/{COMMENT_MAX} ký tự
              </span>
            </div>
            <ErrorNotice error={action.error} />
            <div class="actions">
              <button type="submit" disabled={action.busy}>
                Lưu nháp
              </button>
              {!confirming ? (
                <button
                  type="button"
                  class="primary"
                  disabled={action.busy}
                  onClick={() => setConfirming(true)}
                >
                  Nộp bản tự đánh giá
                </button>
              ) : (
                <fieldset class="confirm">
                  <legend class="sr-only">Xác nhận nộp</legend>
                  <span>Nộp rồi sẽ không sửa được nữa (trừ khi bị trả lại). Nộp ngay?</span>
                  <button
                    type="button"
                    class="primary"
                    disabled={action.busy}
                    onClick={() => void onSubmit()}
                  >
                    Xác nhận nộp
                  </button>
                  <button type="button" onClick={() => setConfirming(false)}>
                    Huỷ
                  </button>
                </fieldset>
              )}
            </div>
          </form>
        ) : (
          <>
            <ScoreSheet
              idPrefix="result"
              caption="Điểm theo từng tiêu chí"
              criteria={rubric.criteria}
              bands={rubric.bands}
              references={references(evaluation)}
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
