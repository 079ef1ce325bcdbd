/**
 * The head of unit's form for one evaluation (thủ trưởng đơn vị): approve as reviewed, or adjust the scores with a
 * reason, or review and approve in one step past the review deadline; return it to the direct leader. What is typed
 * is kept as a local draft until it is sent; a stale tab (412) keeps it.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { Evaluation, HistoryItem, Rubric } from '../api/types.ts';
import { COMMENT_MAX, HistoryDetails, ReturnForm, StaleNotice, useSendBack } from '../components/Inbox.tsx';
import { ScoreSheet } from '../components/ScoreSheet.tsx';
import { DraftNotice, ErrorNotice, GradeBadge, StatusBadge } from '../components/ui.tsx';
import { useApp } from '../context.ts';
import { draftKey, useDraft } from '../lib/drafts.ts';
import { waitsForApproval } from '../lib/evaluation.ts';
import { countdown, formatDateTime, formatPoints } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { Link } from '../lib/router.tsx';
import { evaluateSheet, gradeFor, sheetFrom } from '../lib/scores.ts';
import { gradeNote } from './Employee.tsx';
import { awaitsEmployee } from './Reviews.tsx';

interface ApproveInput {
  adjusting: boolean;
  values: Record<string, string>;
  comment: string;
}

export function ApproveForm({
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
  const base = `/v1/evaluations/${encodeURIComponent(evaluation.employeeId)}/${evaluation.period}`;
  const needsScores = evaluation.review === null;
  const open = waitsForApproval(evaluation, now);
  const initial = useMemo<ApproveInput>(
    () => ({
      adjusting: needsScores,
      values: sheetFrom(rubric.criteria, evaluation.review?.scores ?? evaluation.selfAssessment?.scores),
      comment: '',
    }),
    [evaluation, rubric, needsScores],
  );
  const draft = useDraft(
    open ? draftKey(me.employeeId, 'approve', evaluation.employeeId, evaluation.period) : null,
    evaluation.version,
    initial,
  );
  const { adjusting, values, comment } = draft.value;
  const setAdjusting = (on: boolean) => draft.set((old) => ({ ...old, adjusting: on }));
  const [returning, setReturning] = useState(false);
  const [showAllErrors, setShowAllErrors] = useState(false);
  const action = useAction();
  const history = useLoad(
    async () => (await api.get<{ items: HistoryItem[] }>(`${base}/history`)).items,
    [base, evaluation.version],
  );
  const deadline = countdown(evaluation.deadlines.approval, now);
  const sheet = evaluateSheet(rubric.criteria, values);
  const reviewBand = evaluation.review ? gradeFor(rubric.bands, evaluation.review.total) : null;

  const approve = async () => {
    let body: { scores?: Record<string, number>; comment?: string } = {};
    if (adjusting) {
      setShowAllErrors(true);
      if (!sheet.complete) {
        action.setError(new Error('Hãy nhập đủ và đúng điểm cho mọi tiêu chí (xem các ô được đánh dấu).'));
        return;
      }
      if (!needsScores && !comment.trim()) {
        action.setError(new Error('Điều chỉnh điểm thì phải ghi rõ lý do.'));
        return;
      }
      body = { scores: sheet.scores };
    }
    if (comment.trim()) body.comment = comment.trim();
    const done = await action.run(() =>
      api.post<Evaluation>(`${base}/approve`, body, { ifMatch: evaluation.version }),
    );
    if (done?.decision) {
      draft.saved();
      onDone(
        `Đã phê duyệt ${evaluation.employeeName}: ${formatPoints(done.decision.total)} điểm, loại ${done.decision.grade} (${done.decision.gradeLabel}).`,
        done,
      );
    }
  };

  const back = useSendBack(
    action,
    (comment) => api.post<Evaluation>(`${base}/return`, { comment }, { ifMatch: evaluation.version }),
    (done) => {
      draft.saved();
      onDone(`Đã trả lại phiếu của ${evaluation.employeeName} cho lãnh đạo trực tiếp.`, done);
    },
  );
  const stale = action.error instanceof ApiError && action.error.code === 'PRECONDITION_FAILED';

  return (
    <section class="card" aria-labelledby="approve-title">
      <h2 id="approve-title">{evaluation.employeeName}</h2>
      <p class="status-line">
        <StatusBadge evaluation={evaluation} />
        {open && (
          <span class={deadline.urgent ? 'urgent' : 'muted'}>
            Hạn phê duyệt {formatDateTime(evaluation.deadlines.approval)} ({deadline.text})
          </span>
        )}
        <Link href={`/phieu/${encodeURIComponent(evaluation.employeeId)}/${evaluation.period}`}>
          Phiếu để in
        </Link>
      </p>
      {evaluation.review?.comment && (
        <p>
          Nhận xét của lãnh đạo trực tiếp: <q>{evaluation.review.comment}</q>
        </p>
      )}
      {evaluation.decision && (
        <p>
          Kết quả: <strong>{formatPoints(evaluation.decision.total)} điểm</strong>{' '}
          <GradeBadge grade={evaluation.decision.grade} long />
          {evaluation.decision.adjusted ? ' (đã điều chỉnh)' : ''}
        </p>
      )}
      {!open && !evaluation.decision && (
        <p class="notice notice-info">
          {evaluation.status === 'EXPIRED'
            ? 'Phiếu đã hết hạn khi đóng kỳ: không được xếp loại.'
            : awaitsEmployee(evaluation)
              ? 'Người được đánh giá chưa nộp tự đánh giá.'
              : 'Phiếu chưa được nhận xét; sau hạn nhận xét bạn có thể chấm điểm và phê duyệt cùng lúc.'}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void approve();
        }}
        noValidate
      >
        {open && (
          <DraftNotice
            draft={draft.restored}
            changedSince={draft.restored !== null && draft.restored.baseVersion !== evaluation.version}
            onDiscard={draft.discard}
          />
        )}
        <ScoreSheet
          idPrefix="approve"
          caption={`Điểm của ${evaluation.employeeName}`}
          criteria={rubric.criteria}
          bands={rubric.bands}
          references={[
            {
              label: 'Tự chấm',
              scores: evaluation.selfAssessment?.scores ?? null,
              total: evaluation.selfAssessment?.total ?? null,
            },
            {
              label: 'Lãnh đạo trực tiếp',
              scores: evaluation.review?.scores ?? null,
              total: evaluation.review?.total ?? null,
            },
            ...(evaluation.decision
              ? [
                  {
                    label: 'Thủ trưởng đơn vị',
                    scores: evaluation.decision.scores,
                    total: evaluation.decision.total,
                  },
                ]
              : []),
          ]}
          {...(open && adjusting
            ? {
                values,
                inputLabel: needsScores ? 'Chấm điểm' : 'Điểm điều chỉnh',
                onChange: (id: string, v: string) =>
                  draft.set((old) => ({ ...old, values: { ...old.values, [id]: v } })),
              }
            : {})}
          showAllErrors={showAllErrors}
          grade={evaluation.decision?.grade ?? null}
          gradeNote={gradeNote(evaluation)}
        />
        {open && (
          <>
            {!needsScores && (
              <label class="check">
                <input
                  type="checkbox"
                  checked={adjusting}
                  onChange={(e) => setAdjusting(e.currentTarget.checked)}
                />{' '}
                Điều chỉnh điểm của lãnh đạo trực tiếp
              </label>
            )}
            {!adjusting && reviewBand && (
              <p>
                Phê duyệt theo điểm lãnh đạo trực tiếp chấm:{' '}
                <strong>{formatPoints(evaluation.review?.total)}</strong>{' '}
                <GradeBadge grade={reviewBand.grade} long />
              </p>
            )}
            <div class="field">
              <label for="approve-comment">
                {adjusting && !needsScores
                  ? 'Lý do điều chỉnh (bắt buộc)'
                  : 'Ý kiến của thủ trưởng đơn vị (không bắt buộc)'}
              </label>
              <textarea
                id="approve-comment"
                rows={3}
                maxLength={COMMENT_MAX}
                required={adjusting && !needsScores}
                value={comment}
                onInput={(e) => {
                  const text = e.currentTarget.value;
                  draft.set((old) => ({ ...old, comment: text }));
                }}
              />
            </div>
            {stale ? <StaleNotice onReload={onReload} /> : <ErrorNotice error={action.error} />}
            <div class="actions">
              <button type="submit" class="primary" disabled={action.busy}>
                {adjusting && !needsScores ? 'Phê duyệt với điểm điều chỉnh' : 'Phê duyệt'}
              </button>
              {evaluation.status === 'REVIEWED' && !returning && (
                <button type="button" disabled={action.busy} onClick={() => setReturning(true)}>
                  Trả lại lãnh đạo trực tiếp…
                </button>
              )}
            </div>
          </>
        )}
      </form>
      {returning && (
        <ReturnForm
          id="approver-return-comment"
          label="Lý do trả lại (bắt buộc)"
          submitLabel="Trả lại lãnh đạo trực tiếp"
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
