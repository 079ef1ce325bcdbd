/**
 * The reviewer's month: the team's progress, the people to review, and for the one selected their self-scores
 * beside the review form; review and score, or return to the employee with a comment.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Evaluation, HistoryItem, Rubric } from '../api/types.ts';
import { COMMENT_MAX, HistoryDetails, InboxButton, ReturnForm, useSendBack } from '../components/Inbox.tsx';
import { ScoreSheet } from '../components/ScoreSheet.tsx';
import {
  ErrorNotice,
  Loading,
  PeriodSelect,
  Section,
  StatusBadge,
  SuccessNotice,
} from '../components/ui.tsx';
import { defaultPeriod, useApp } from '../context.ts';
import { countdown, formatDateTime, formatPeriod, formatPoints, periodOf } from '../lib/format.ts';
import { useAction, useLoad, useNow } from '../lib/hooks.ts';
import { setQuery, usePageTitle } from '../lib/router.tsx';
import { evaluateSheet, sheetFrom } from '../lib/scores.ts';

export const awaitsEmployee = (e: Evaluation) =>
  e.status === 'DRAFT' || (e.status === 'RETURNED' && e.returnedTo === 'employee');

/** May the reviewer review it now (as the API's worklist rule says)? */
export function reviewable(e: Evaluation, now: number): boolean {
  if (e.status === 'SUBMITTED' || (e.status === 'RETURNED' && e.returnedTo === 'reviewer')) return true;
  return awaitsEmployee(e) && Date.parse(e.deadlines.selfAssessment) < now;
}

/** Rubrics by id, each fetched once. */
export function useRubrics(ids: readonly string[]) {
  const { api } = useApp();
  const key = [...new Set(ids)].sort().join(',');
  return useLoad(async () => {
    const list = key === '' ? [] : key.split(',');
    const rubrics = await Promise.all(
      list.map((id) => api.get<Rubric>(`/v1/rubrics/${encodeURIComponent(id)}`)),
    );
    return new Map(rubrics.map((r) => [r.id, r]));
  }, [key]);
}

export function ReviewsPage({ query }: { query: URLSearchParams }) {
  const { api, me, reloadMe } = useApp();
  const now = useNow();
  const period = query.get('ky') ?? defaultPeriod(me, periodOf(new Date()));
  const selectedId = query.get('nguoi');
  usePageTitle(`Nhận xét, chấm điểm ${formatPeriod(period)}`, '/nhan-xet');
  const [message, setMessage] = useState<string | null>(null);

  const list = useLoad(
    async () => (await api.get<{ items: Evaluation[] }>(`/v1/reviews?period=${period}`)).items,
    [period],
  );
  const items = list.data ?? [];
  const rubrics = useRubrics(items.map((e) => e.rubricId));
  const selected = items.find((e) => e.employeeId === selectedId) ?? null;
  const selectedRubric = selected ? rubrics.data?.get(selected.rubricId) : undefined;

  const progress = useMemo(() => {
    const done = items.filter((e) => e.status === 'REVIEWED' || e.status === 'APPROVED').length;
    const waiting = items.filter((e) => reviewable(e, now)).length;
    const notSubmitted = items.filter((e) => awaitsEmployee(e) && !reviewable(e, now)).length;
    return { done, waiting, notSubmitted, total: items.length };
  }, [items, now]);

  return (
    <main id="main">
      <h1 tabIndex={-1}>Nhận xét, chấm điểm</h1>
      <div class="toolbar">
        <PeriodSelect
          id="review-period"
          value={period}
          periods={me.openPeriods}
          onChange={(p) => setQuery({ ky: p, nguoi: null })}
        />
      </div>
      <ErrorNotice error={list.error} />
      <SuccessNotice message={message} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <div class="split">
          <Section title={`Người cần nhận xét (${items.length})`} id="inbox-title">
            <div class="progress-block">
              <label for="team-progress">
                Tiến độ của nhóm: đã nhận xét <strong>{progress.done}</strong>/{progress.total}
              </label>
              <progress id="team-progress" max={Math.max(progress.total, 1)} value={progress.done} />
              <p class="muted">
                Chờ bạn nhận xét: {progress.waiting} · Chưa nộp tự đánh giá: {progress.notSubmitted}
              </p>
            </div>
            {items.length === 0 ? (
              <p class="muted">Bạn không có ai cần nhận xét trong {formatPeriod(period)}.</p>
            ) : (
              <ul class="inbox">
                {items.map((e) => (
                  <li key={e.employeeId}>
                    <InboxButton
                      evaluation={e}
                      selected={e.employeeId === selectedId}
                      controls="review-detail"
                      onSelect={() => {
                        setMessage(null);
                        setQuery({ nguoi: e.employeeId });
                      }}
                    >
                      <span class="inbox-name">{e.employeeName}</span>
                      <StatusBadge evaluation={e} />
                      <span class="inbox-score">
                        Tự chấm: {formatPoints(e.selfAssessment?.total)}
                        {e.review ? ` · Đã chấm: ${formatPoints(e.review.total)}` : ''}
                        {reviewable(e, now) ? <strong class="due"> · Chờ bạn</strong> : ''}
                      </span>
                    </InboxButton>
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <div id="review-detail">
            {selected ? (
              selectedRubric ? (
                <ReviewForm
                  key={`${selected.employeeId}-${selected.version}`}
                  evaluation={selected}
                  rubric={selectedRubric}
                  now={now}
                  onDone={(text, updated) => {
                    setMessage(text);
                    list.setData(items.map((e) => (e.employeeId === updated.employeeId ? updated : e)));
                    list.reload();
                    reloadMe();
                  }}
                />
              ) : (
                <Loading />
              )
            ) : (
              items.length > 0 && (
                <p class="card muted">Chọn một người trong danh sách để xem và chấm điểm.</p>
              )
            )}
          </div>
        </div>
      )}
    </main>
  );
}

function ReviewForm({
  evaluation,
  rubric,
  now,
  onDone,
}: {
  evaluation: Evaluation;
  rubric: Rubric;
  now: number;
  onDone: (message: string, updated: Evaluation) => void;
}) {
  const { api, me } = useApp();
  const [values, setValues] = useState(() =>
    sheetFrom(rubric.criteria, evaluation.review?.scores ?? evaluation.selfAssessment?.scores),
  );
  const [comment, setComment] = useState(evaluation.review?.comment ?? '');
  const [returning, setReturning] = useState(false);
  const [showAllErrors, setShowAllErrors] = useState(false);
  const action = useAction();
  const base = `/v1/evaluations/${encodeURIComponent(evaluation.employeeId)}/${evaluation.period}`;
  const history = useLoad(
    async () => (await api.get<{ items: HistoryItem[] }>(`${base}/history`)).items,
    [base, evaluation.version],
  );
  const canReview = reviewable(evaluation, now);
  const canReturn =
    evaluation.status === 'SUBMITTED' && Date.parse(evaluation.deadlines.selfAssessment) >= now;
  const reviewDeadline = countdown(evaluation.deadlines.review, now);
  const sheet = evaluateSheet(rubric.criteria, values);

  const review = async () => {
    setShowAllErrors(true);
    if (!sheet.complete) {
      action.setError(new Error('Hãy nhập đủ và đúng điểm cho mọi tiêu chí (xem các ô được đánh dấu).'));
      return;
    }
    const done = await action.run(() =>
      api.post<Evaluation>(
        `${base}/review`,
        { scores: sheet.scores, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        { ifMatch: evaluation.version },
      ),
    );
    if (done) {
      onDone(
        `Đã nhận xét, chấm điểm ${evaluation.employeeName}: ${formatPoints(done.review?.total)} điểm.`,
        done,
      );
    }
  };

  const back = useSendBack(
    action,
    (comment) => api.post<Evaluation>(`${base}/return`, { comment }, { ifMatch: evaluation.version }),
    (done) => onDone(`Đã trả lại phiếu của ${evaluation.employeeName} để hoàn thiện.`, done),
  );

  return (
    <section class="card" aria-labelledby="review-title">
      <h2 id="review-title">{evaluation.employeeName}</h2>
      <p class="status-line">
        <StatusBadge evaluation={evaluation} />
        <span class={reviewDeadline.urgent ? 'urgent' : 'muted'}>
          Hạn nhận xét {formatDateTime(evaluation.deadlines.review)} ({reviewDeadline.text})
        </span>
      </p>
      {evaluation.flags.selfAssessmentMissing && (
        <p class="notice notice-warn">Người lao động không nộp tự đánh giá đúng hạn.</p>
      )}
      {evaluation.selfAssessment?.comment && (
        <p>
          Tự nhận xét: <q>{evaluation.selfAssessment.comment}</q>
        </p>
      )}
      {!canReview && (
        <p class="notice notice-info">
          {awaitsEmployee(evaluation)
            ? 'Người lao động chưa nộp tự đánh giá; bạn chấm điểm được sau khi họ nộp hoặc khi đã quá hạn tự đánh giá.'
            : 'Phiếu không còn chờ bạn nhận xét.'}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void review();
        }}
        noValidate
      >
        <ScoreSheet
          idPrefix="review"
          caption={`Điểm tự chấm và điểm người nhận xét chấm của ${evaluation.employeeName}`}
          criteria={rubric.criteria}
          bands={rubric.bands}
          references={[
            {
              label: 'Tự chấm',
              scores: evaluation.selfAssessment?.scores ?? null,
              total: evaluation.selfAssessment?.total ?? null,
            },
          ]}
          {...(canReview
            ? {
                values,
                inputLabel: 'Người nhận xét chấm',
                onChange: (id: string, v: string) => setValues((old) => ({ ...old, [id]: v })),
              }
            : {})}
          showAllErrors={showAllErrors}
        />
        {canReview && (
          <div class="field">
            <label for="review-comment">Nhận xét của người nhận xét</label>
            <textarea
              id="review-comment"
              rows={3}
              maxLength={COMMENT_MAX}
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </div>
        )}
        <ErrorNotice error={action.error} />
        {canReview && (
          <div class="actions">
            <button type="submit" class="primary" disabled={action.busy}>
              Gửi nhận xét và chấm điểm
            </button>
            {canReturn && !returning && (
              <button type="button" disabled={action.busy} onClick={() => setReturning(true)}>
                Trả lại để hoàn thiện…
              </button>
            )}
          </div>
        )}
      </form>
      {returning && (
        <ReturnForm
          id="return-comment"
          label="Lý do trả lại (bắt buộc, người lao động sẽ thấy)"
          submitLabel="Trả lại cho người lao động"
          comment={back.comment}
          busy={action.busy}
          onComment={back.setComment}
          onSubmit={() => void back.send()}
          onCancel={() => setReturning(false)}
        />
      )}
      <HistoryDetails history={history} evaluation={evaluation} meId={me.employeeId} />
    </section>
  );
}
