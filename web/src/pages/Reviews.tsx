/**
 * The direct leader's month (lãnh đạo trực tiếp): the team's progress, the people to review, and for the one
 * selected their self-scores beside the review form; review and score, or return to the person evaluated with
 * a comment. What is typed is kept as a local draft until it is sent.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { Evaluation, HistoryItem, ProductsView, Rubric } from '../api/types.ts';
import {
  COMMENT_MAX,
  HistoryDetails,
  InboxButton,
  ReturnForm,
  StaleNotice,
  useSendBack,
} from '../components/Inbox.tsx';
import { ScoreSheet } from '../components/ScoreSheet.tsx';
import {
  DraftNotice,
  ErrorNotice,
  Loading,
  PeriodSelect,
  Section,
  StatusBadge,
  SuccessNotice,
} from '../components/ui.tsx';
import { fixedScores, WorkPanel, withFixed } from '../components/WorkPanel.tsx';
import { defaultPeriod, useApp } from '../context.ts';
import { loadRubric } from '../lib/directory.ts';
import { draftKey, useDraft } from '../lib/drafts.ts';
import { countdown, formatDateTime, formatPeriod, formatPoints, periodOf } from '../lib/format.ts';
import { useAction, useLoad, useNow } from '../lib/hooks.ts';
import { Link, setQuery, usePageTitle } from '../lib/router.tsx';
import { evaluateSheet, sheetFrom } from '../lib/scores.ts';
import { gradeNote } from './Employee.tsx';

export const awaitsEmployee = (e: Evaluation) =>
  e.status === 'DRAFT' || (e.status === 'RETURNED' && e.returnedTo === 'employee');

/** May the reviewer review it now (as the API's worklist rule says)? */
export function reviewable(e: Evaluation, now: number): boolean {
  if (e.status === 'SUBMITTED' || (e.status === 'RETURNED' && e.returnedTo === 'reviewer')) return true;
  return awaitsEmployee(e) && Date.parse(e.deadlines.selfAssessment) < now;
}

/** The key of the rubric version an evaluation is scored and graded with. */
export const rubricKey = (e: Pick<Evaluation, 'rubricId' | 'rubricVersion'>) =>
  `${e.rubricId}@${e.rubricVersion}`;

/**
 * The rubric versions of these evaluations, each fetched once, by `rubricKey`: the version each is graded with, so
 * a grade preview uses its bands even after a newer version exists.
 */
export function useRubrics(items: readonly Pick<Evaluation, 'rubricId' | 'rubricVersion'>[]) {
  const { api } = useApp();
  const key = [...new Set(items.map(rubricKey))].sort().join(',');
  return useLoad(async () => {
    const list = key === '' ? [] : key.split(',');
    const rubrics = await Promise.all(
      list.map(async (k) => {
        const at = k.lastIndexOf('@');
        return [k, await loadRubric(api, k.slice(0, at), Number(k.slice(at + 1)))] as const;
      }),
    );
    return new Map(rubrics);
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
  const rubrics = useRubrics(items);
  const selected = items.find((e) => e.employeeId === selectedId) ?? null;
  const selectedRubric = selected ? rubrics.data?.get(rubricKey(selected)) : undefined;

  const progress = useMemo(() => {
    const done = items.filter((e) => e.status === 'REVIEWED' || e.status === 'APPROVED').length;
    const waiting = items.filter((e) => reviewable(e, now)).length;
    const pending = items.filter((e) => awaitsEmployee(e) && !reviewable(e, now));
    const returned = pending.filter((e) => e.status === 'RETURNED').length;
    return { done, waiting, notSubmitted: pending.length - returned, returned, total: items.length };
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
                {progress.returned > 0 ? ` · Đã trả lại, chờ nộp lại: ${progress.returned}` : ''}
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
                  onReload={() => list.reload()}
                  onDone={(text, updated) => {
                    setMessage(text);
                    list.setData(items.map((e) => (e.employeeId === updated.employeeId ? updated : e)));
                    list.reload();
                    reloadMe();
                    requestAnimationFrame(() =>
                      document
                        .querySelector<HTMLElement>(`[data-employee-id="${updated.employeeId}"]`)
                        ?.focus(),
                    );
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
  onReload,
}: {
  evaluation: Evaluation;
  rubric: Rubric;
  now: number;
  onDone: (message: string, updated: Evaluation) => void;
  onReload: () => void;
}) {
  const { api, me } = useApp();
  const canReview = reviewable(evaluation, now);
  const initial = useMemo(
    () => ({
      values: sheetFrom(rubric.criteria, evaluation.review?.scores ?? evaluation.selfAssessment?.scores),
      comment: evaluation.review?.comment ?? '',
    }),
    [evaluation, rubric],
  );
  const draft = useDraft(
    canReview ? draftKey(me.employeeId, 'review', evaluation.employeeId, evaluation.period) : null,
    evaluation.version,
    initial,
  );
  const [work, setWork] = useState<ProductsView | null>(null);
  const fixed = fixedScores(work);
  const { comment } = draft.value;
  const values = withFixed(draft.value.values, fixed);
  const [returning, setReturning] = useState(false);
  const [showAllErrors, setShowAllErrors] = useState(false);
  const action = useAction();
  const base = `/v1/evaluations/${encodeURIComponent(evaluation.employeeId)}/${evaluation.period}`;
  const history = useLoad(
    async () => (await api.get<{ items: HistoryItem[] }>(`${base}/history`)).items,
    [base, evaluation.version],
  );
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
      draft.saved();
      onDone(
        `Đã nhận xét, chấm điểm ${evaluation.employeeName}: ${formatPoints(done.review?.total)} điểm.`,
        done,
      );
    }
  };

  const back = useSendBack(
    action,
    (comment) => api.post<Evaluation>(`${base}/return`, { comment }, { ifMatch: evaluation.version }),
    (done) => {
      draft.saved();
      onDone(`Đã trả lại phiếu của ${evaluation.employeeName} để hoàn thiện.`, done);
    },
  );
  const stale = action.error instanceof ApiError && action.error.code === 'PRECONDITION_FAILED';

  return (
    <section class="card" aria-labelledby="review-title">
      <h2 id="review-title">{evaluation.employeeName}</h2>
      <p class="status-line">
        <StatusBadge evaluation={evaluation} />
        {canReview && (
          <span class={reviewDeadline.urgent ? 'urgent' : 'muted'}>
            Hạn nhận xét {formatDateTime(evaluation.deadlines.review)} ({reviewDeadline.text})
          </span>
        )}
        <Link href={`/phieu/${encodeURIComponent(evaluation.employeeId)}/${evaluation.period}`}>
          Phiếu để in
        </Link>
      </p>
      {evaluation.flags.selfAssessmentMissing && (
        <p class="notice notice-warn">Người được đánh giá không nộp tự đánh giá đúng hạn.</p>
      )}
      {evaluation.selfAssessment?.comment && (
        <p>
          Tự nhận xét: <q>{evaluation.selfAssessment.comment}</q>
        </p>
      )}
      {!canReview && (
        <p class="notice notice-info">
          {evaluation.status === 'RETURNED' && evaluation.returnedTo === 'employee'
            ? 'Phiếu đã được trả lại cho người được đánh giá để hoàn thiện; bạn chấm điểm được khi họ nộp lại (hoặc khi đã quá hạn tự đánh giá).'
            : awaitsEmployee(evaluation)
              ? 'Người được đánh giá chưa nộp tự đánh giá; bạn chấm điểm được sau khi họ nộp hoặc khi đã quá hạn tự đánh giá.'
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
        {canReview && (
          <DraftNotice
            draft={draft.restored}
            changedSince={draft.restored !== null && draft.restored.baseVersion !== evaluation.version}
            onDiscard={draft.discard}
          />
        )}
        <ScoreSheet
          idPrefix="review"
          caption={`Điểm tự chấm và điểm lãnh đạo trực tiếp chấm của ${evaluation.employeeName}`}
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
                fixed,
                inputLabel: 'Lãnh đạo trực tiếp chấm',
                onChange: (id: string, v: string) =>
                  draft.set((old) => ({ ...old, values: { ...old.values, [id]: v } })),
              }
            : {})}
          showAllErrors={showAllErrors}
          grade={evaluation.decision?.grade ?? null}
          gradeNote={gradeNote(evaluation)}
        />
        {canReview && (
          <div class="field">
            <label for="review-comment">Nhận xét của lãnh đạo trực tiếp</label>
            <textarea
              id="review-comment"
              rows={3}
              maxLength={COMMENT_MAX}
              value={comment}
              onInput={(e) => {
                const text = e.currentTarget.value;
                draft.set((old) => ({ ...old, comment: text }));
              }}
            />
          </div>
        )}
        {stale ? <StaleNotice onReload={onReload} /> : <ErrorNotice error={action.error} />}
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
          label="Lý do trả lại (bắt buộc, người được đánh giá sẽ thấy)"
          submitLabel="Trả lại cho người được đánh giá"
          comment={back.comment}
          busy={action.busy}
          onComment={back.setComment}
          onSubmit={() => void back.send()}
          onCancel={() => setReturning(false)}
        />
      )}
      <WorkPanel evaluation={evaluation} criteria={rubric.criteria} party="reviewer" onProducts={setWork} />
      <HistoryDetails history={history} evaluation={evaluation} meId={me.employeeId} />
    </section>
  );
}
