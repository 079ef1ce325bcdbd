/**
 * Deciding an appeal (khiếu nại): the approver's own approver, or HR, opens the evaluation by employee id and
 * month (or by a link carrying both), reads the reason beside the scores and accepts, with adjusted scores if
 * need be, or rejects, always with a comment. The pending appeals are listed on their own page (Appeals.tsx), each
 * linking here.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { Evaluation, HistoryItem, Rubric } from '../api/types.ts';
import { MonthSelect } from '../components/DateFields.tsx';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { COMMENT_MAX, HistoryDetails, StaleNotice } from '../components/Inbox.tsx';
import { ScoreSheet } from '../components/ScoreSheet.tsx';
import { ErrorNotice, GradeBadge, Loading, Section, StatusBadge, SuccessNotice } from '../components/ui.tsx';
import { cyclesOf, useApp } from '../context.ts';
import { recentPeriodsFor } from '../lib/dates.ts';
import { loadRubric } from '../lib/directory.ts';
import { draftKey, useDraft } from '../lib/drafts.ts';
import { evaluationPath, keepNames } from '../lib/evaluation.ts';
import { formatDateTime, formatPeriod, formatPoints, periodOf } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { Link, setQuery, usePageTitle } from '../lib/router.tsx';
import { evaluateSheet, sheetFrom } from '../lib/scores.ts';
import { APPEALS_PATH } from './Appeals.tsx';
import { references } from './Employee.tsx';

export function AppealDecisionPage({ query }: { query: URLSearchParams }) {
  const { api, me } = useApp();
  const current = periodOf(new Date());
  const employeeId = query.get('nguoi') ?? '';
  const period = query.get('ky') ?? current;
  const [typedId, setTypedId] = useState(employeeId);
  const [typedPeriod, setTypedPeriod] = useState(period);
  const [message, setMessage] = useState<string | null>(null);
  usePageTitle('Giải quyết khiếu nại', '/khieu-nai');

  const data = useLoad(async () => {
    if (!employeeId) return null;
    try {
      const evaluation = await api.get<Evaluation>(evaluationPath(employeeId, period));
      const rubric = await loadRubric(api, evaluation.rubricId, evaluation.rubricVersion);
      return { evaluation, rubric };
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        throw new ApiError(
          404,
          'NOT_FOUND',
          `Không có phiếu của "${employeeId}" ${formatPeriod(period)}, hoặc bạn không có quyền xem.`,
        );
      }
      throw e;
    }
  }, [employeeId, period]);

  return (
    <main id="main">
      <h1 tabIndex={-1}>Giải quyết khiếu nại</h1>
      <p class="lead">
        Khiếu nại về kết quả xếp loại do cấp trên của thủ trưởng đơn vị (hoặc cơ quan tổ chức cán bộ) giải
        quyết. Mở phiếu theo mã nhân sự và kỳ đánh giá.
      </p>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setMessage(null);
          setQuery({ nguoi: typedId.trim(), ky: typedPeriod });
        }}
      >
        <div class="field field-inline">
          <label for="appeal-employee">Mã nhân sự</label>
          <input
            id="appeal-employee"
            type="text"
            autoComplete="off"
            value={typedId}
            required
            onInput={(e) => setTypedId(e.currentTarget.value)}
          />
        </div>
        <MonthSelect
          id="appeal-period"
          label="Kỳ"
          value={typedPeriod}
          periods={recentPeriodsFor(cyclesOf(me), current, 12, 0)}
          onChange={setTypedPeriod}
        />
        <button type="submit">Mở phiếu</button>
      </form>
      <SuccessNotice message={message} />
      {message && (
        <p>
          <Link href={APPEALS_PATH}>Về danh sách khiếu nại chờ giải quyết</Link>
        </p>
      )}
      {data.loading && employeeId && !data.data && <Loading />}
      <ErrorNotice error={data.error} />
      {data.data && (
        <Decision
          key={`${data.data.evaluation.employeeId}-${data.data.evaluation.version}`}
          evaluation={data.data.evaluation}
          rubric={data.data.rubric}
          onReload={() => data.reload()}
          onDone={(text, updated) => {
            setMessage(text);
            if (data.data)
              data.setData({ ...data.data, evaluation: keepNames(data.data.evaluation, updated) });
          }}
        />
      )}
    </main>
  );
}

interface DecisionInput {
  accept: 'yes' | 'no' | '';
  adjust: boolean;
  values: Record<string, string>;
  comment: string;
}

function Decision({
  evaluation,
  rubric,
  onDone,
  onReload,
}: {
  evaluation: Evaluation;
  rubric: Rubric;
  onDone: (message: string, updated: Evaluation) => void;
  onReload: () => void;
}) {
  const { api, me } = useApp();
  const appeal = evaluation.appeal;
  const pending = appeal?.status === 'PENDING';
  const initial = useMemo<DecisionInput>(
    () => ({
      accept: '',
      adjust: false,
      values: sheetFrom(rubric.criteria, evaluation.decision?.scores),
      comment: '',
    }),
    [evaluation, rubric],
  );
  const draft = useDraft(
    pending ? draftKey(me.employeeId, 'appeal-decision', evaluation.employeeId, evaluation.period) : null,
    evaluation.version,
    initial,
  );
  const input = draft.value;
  const [confirming, setConfirming] = useState(false);
  const [showAllErrors, setShowAllErrors] = useState(false);
  const action = useAction();
  const sheet = evaluateSheet(rubric.criteria, input.values);
  const history = useLoad(
    async () =>
      (
        await api.get<{ items: HistoryItem[] }>(
          `${evaluationPath(evaluation.employeeId, evaluation.period)}/history`,
        )
      ).items,
    [evaluation.employeeId, evaluation.period, evaluation.version],
  );

  const check = (): boolean => {
    setShowAllErrors(true);
    if (input.accept === '') {
      action.setError(new Error('Hãy chọn chấp nhận hay không chấp nhận khiếu nại.'));
      return false;
    }
    if (input.accept === 'yes' && input.adjust && !sheet.complete) {
      action.setError(new Error('Hãy nhập đủ và đúng điểm điều chỉnh cho mọi tiêu chí.'));
      return false;
    }
    if (!input.comment.trim()) {
      action.setError(new Error('Cần ghi rõ ý kiến giải quyết.'));
      return false;
    }
    action.clear();
    return true;
  };

  const decide = async () => {
    setConfirming(false);
    const body = {
      accept: input.accept === 'yes',
      comment: input.comment.trim(),
      ...(input.accept === 'yes' && input.adjust ? { scores: sheet.scores } : {}),
    };
    const done = await action.run(() =>
      api.post<Evaluation>(
        `${evaluationPath(evaluation.employeeId, evaluation.period)}/appeal/decision`,
        body,
        {
          ifMatch: evaluation.version,
        },
      ),
    );
    if (done) {
      draft.saved();
      onDone(
        body.accept
          ? `Đã chấp nhận khiếu nại của ${evaluation.employeeName}${done.decision ? `: ${formatPoints(done.decision.total)} điểm, loại ${done.decision.grade}` : ''}.`
          : `Đã trả lời không chấp nhận khiếu nại của ${evaluation.employeeName}.`,
        done,
      );
    }
  };
  const stale = action.error instanceof ApiError && action.error.code === 'PRECONDITION_FAILED';

  return (
    <Section title={`${evaluation.employeeName} — ${formatPeriod(evaluation.period)}`} id="decision-title">
      <p class="status-line">
        <StatusBadge evaluation={evaluation} />
        {evaluation.decision && (
          <span>
            Kết quả: <strong>{formatPoints(evaluation.decision.total)} điểm</strong>{' '}
            <GradeBadge grade={evaluation.decision.grade} long />
          </span>
        )}
        <Link href={`/phieu/${encodeURIComponent(evaluation.employeeId)}/${evaluation.period}`}>
          Phiếu để in
        </Link>
      </p>
      {!appeal ? (
        <p class="notice notice-info">Phiếu này không có khiếu nại.</p>
      ) : (
        <div class={`notice ${pending ? 'notice-warn' : 'notice-info'}`} data-testid="appeal-detail">
          <p>
            <strong>Khiếu nại gửi lúc {formatDateTime(appeal.filedAt)}:</strong>
          </p>
          <blockquote>{appeal.reason}</blockquote>
          {!pending && (
            <p>
              Đã giải quyết ({appeal.status === 'ACCEPTED' ? 'chấp nhận' : 'không chấp nhận'})
              {appeal.decidedAt ? ` lúc ${formatDateTime(appeal.decidedAt)}` : ''}
              {appeal.comment ? `: ${appeal.comment}` : '.'}
            </p>
          )}
        </div>
      )}
      <ScoreSheet
        idPrefix="appeal"
        caption={`Điểm của ${evaluation.employeeName}`}
        criteria={rubric.criteria}
        bands={rubric.bands}
        references={references(evaluation)}
        grade={evaluation.decision?.grade ?? null}
        gradeNote="chưa có kết quả xếp loại"
      />
      {pending && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (check()) setConfirming(true);
          }}
          noValidate
        >
          <fieldset>
            <legend>Quyết định</legend>
            <label class="check">
              <input
                type="radio"
                name="appeal-accept"
                checked={input.accept === 'yes'}
                onChange={() => draft.set((old) => ({ ...old, accept: 'yes' }))}
              />{' '}
              Chấp nhận khiếu nại
            </label>
            <label class="check">
              <input
                type="radio"
                name="appeal-accept"
                checked={input.accept === 'no'}
                onChange={() => draft.set((old) => ({ ...old, accept: 'no' }))}
              />{' '}
              Không chấp nhận
            </label>
          </fieldset>
          {input.accept === 'yes' && (
            <>
              <label class="check">
                <input
                  type="checkbox"
                  checked={input.adjust}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    draft.set((old) => ({ ...old, adjust: on }));
                  }}
                />{' '}
                Điều chỉnh điểm (không chọn: xếp loại lại theo điểm hiện có)
              </label>
              {input.adjust && (
                <ScoreSheet
                  idPrefix="appeal-adjust"
                  caption="Điểm sau khi giải quyết khiếu nại"
                  criteria={rubric.criteria}
                  bands={rubric.bands}
                  values={input.values}
                  inputLabel="Điểm điều chỉnh"
                  showAllErrors={showAllErrors}
                  onChange={(id, v) => draft.set((old) => ({ ...old, values: { ...old.values, [id]: v } }))}
                />
              )}
            </>
          )}
          <div class="field">
            <label for="appeal-comment">Ý kiến giải quyết (bắt buộc, người khiếu nại sẽ thấy)</label>
            <textarea
              id="appeal-comment"
              rows={3}
              required
              maxLength={COMMENT_MAX}
              value={input.comment}
              onInput={(e) => {
                const text = e.currentTarget.value;
                draft.set((old) => ({ ...old, comment: text }));
              }}
            />
          </div>
          {stale ? <StaleNotice onReload={onReload} /> : <ErrorNotice error={action.error} />}
          <div class="actions">
            <button type="submit" class="primary" disabled={action.busy}>
              Gửi quyết định
            </button>
          </div>
          {confirming && (
            <ConfirmDialog
              title="Gửi quyết định giải quyết khiếu nại?"
              confirmLabel="Xác nhận"
              busy={action.busy}
              onConfirm={() => void decide()}
              onCancel={() => setConfirming(false)}
            >
              <p>
                {input.accept === 'yes'
                  ? input.adjust
                    ? `Chấp nhận, với tổng điểm mới ${formatPoints(sheet.totalHundredths / 100)}.`
                    : 'Chấp nhận, xếp loại lại theo điểm hiện có.'
                  : 'Không chấp nhận khiếu nại.'}{' '}
                Quyết định được ghi vào quá trình xử lý của phiếu.
              </p>
            </ConfirmDialog>
          )}
        </form>
      )}
      <HistoryDetails history={history} evaluation={evaluation} meId={me.employeeId} />
    </Section>
  );
}
