/**
 * The head of unit's month (thủ trưởng đơn vị): the approvals inbox with the unit's grade-A quota meter, approve
 * as reviewed or adjust with a reason, return to the direct leader, approve many at once, and name an acting
 * head for an absence. What is typed is kept as a local draft until it is sent.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type {
  BulkResult,
  Delegation,
  Evaluation,
  Grade,
  HistoryItem,
  Ranking,
  Rubric,
} from '../api/types.ts';
import { QuotaMeter } from '../components/charts.tsx';
import { DateTimeFields, type DateTimeValue } from '../components/DateFields.tsx';
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
  GradeBadge,
  Loading,
  PeriodSelect,
  Section,
  StatusBadge,
  SuccessNotice,
} from '../components/ui.tsx';
import { defaultPeriod, useApp } from '../context.ts';
import { dateText, parseDateTime, timeText } from '../lib/dates.ts';
import { draftKey, useDraft } from '../lib/drafts.ts';
import { countdown, formatDateTime, formatPeriod, formatPoints, periodOf } from '../lib/format.ts';
import { useAction, useLoad, useNow } from '../lib/hooks.ts';
import { Link, setQuery, usePageTitle } from '../lib/router.tsx';
import { evaluateSheet, gradeFor, quotaLimit, sheetFrom } from '../lib/scores.ts';
import { gradeNote } from './Employee.tsx';
import { awaitsEmployee, rubricKey, useRubrics } from './Reviews.tsx';

const waitsForApproval = (e: Evaluation, now: number) =>
  e.status === 'REVIEWED' ||
  (e.status !== 'APPROVED' && e.status !== 'EXPIRED' && Date.parse(e.deadlines.review) < now) ||
  // Reviewer and approver are the same (a head without a deputy, or the role evaluating a head of a top-level
  // unit): reviewed and approved in one step as soon as the self-assessment is in.
  (e.reviewerId === e.approverId &&
    (e.status === 'SUBMITTED' || (e.status === 'RETURNED' && e.returnedTo === 'reviewer')));

const gradeOf = (e: Evaluation): Grade | null =>
  e.status === 'APPROVED' ? (e.decision?.grade ?? null) : null;

interface UnitQuota {
  unitId: string;
  unitName: string;
  used: number;
  limit: number;
  rule: string;
  estimated: boolean;
}

/**
 * The quota of each unit in the inbox: the limit from the ranking snapshot when there is one (it counts everyone
 * evaluated in the unit, the head included), else estimated from the rubric; A already used counted live from the
 * inbox, plus A in the snapshot of people not in the inbox (the head, graded by the level above).
 */
function unitQuotas(
  items: readonly Evaluation[],
  snapshots: ReadonlyMap<string, Ranking | null>,
  rubrics: ReadonlyMap<string, Rubric>,
  myUnitId: string | undefined,
): UnitQuota[] {
  const units = [...new Set(items.map((e) => e.unitId))];
  return units.flatMap((unitId) => {
    const inUnit = items.filter((e) => e.unitId === unitId);
    const ids = new Set(inUnit.map((e) => e.employeeId));
    const snapshot = snapshots.get(unitId) ?? null;
    const others = (snapshot?.entries ?? []).filter((r) => !ids.has(r.employeeId));
    const count = (g: Grade) =>
      inUnit.filter((e) => gradeOf(e) === g).length + others.filter((r) => r.grade === g).length;
    const first = inUnit[0];
    const rubric = first ? rubrics.get(rubricKey(first)) : undefined;
    if (!rubric) return [];
    const used = count('A');
    if (snapshot?.quota && rubric.quota.kind === 'shareOfEvaluated') {
      return [
        {
          unitId,
          unitName: snapshot.unitName,
          used,
          limit: snapshot.quota.limit,
          rule: rubricRule(rubric, snapshot),
          estimated: false,
        },
      ];
    }
    const evaluated = snapshot
      ? snapshot.participation.evaluated
      : inUnit.length + (unitId === myUnitId ? 1 : 0);
    const estimate = quotaLimit(rubric.quota, { evaluated, outstanding: false, countB: count('B') });
    return [
      {
        unitId,
        unitName: snapshot?.unitName ?? (unitId === myUnitId ? 'Đơn vị của bạn' : `Đơn vị ${unitId}`),
        used,
        limit: estimate.limit,
        rule: estimate.rule,
        estimated: snapshot === null,
      },
    ];
  });
}

function rubricRule(rubric: Rubric, snapshot: Ranking): string {
  const evaluated = snapshot.participation.evaluated;
  if (rubric.quota.kind === 'shareOfB') return `A ≤ ${rubric.quota.percent}% số loại B`;
  const percent = snapshot.quota?.rule.match(/(\d+)%/)?.[1] ?? String(rubric.quota.percent);
  return `A ≤ ${percent}% của ${evaluated} người được đánh giá, làm tròn xuống`;
}

export function ApprovalsPage({ query }: { query: URLSearchParams }) {
  const { api, me, reloadMe } = useApp();
  const now = useNow();
  const period = query.get('ky') ?? defaultPeriod(me, periodOf(new Date()));
  const selectedId = query.get('nguoi');
  usePageTitle(`Phê duyệt ${formatPeriod(period)}`, '/phe-duyet');
  const [message, setMessage] = useState<string | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const bulk = useAction();
  const [bulkResult, setBulkResult] = useState<BulkResult | null>(null);

  const data = useLoad(async () => {
    const items = (await api.get<{ items: Evaluation[] }>(`/v1/approvals?period=${period}`)).items;
    const units = [...new Set(items.map((e) => e.unitId))];
    const snapshots = new Map<string, Ranking | null>();
    await Promise.all(
      units.map(async (unitId) => {
        try {
          snapshots.set(
            unitId,
            await api.get<Ranking>(`/v1/units/${encodeURIComponent(unitId)}/rankings/${period}`),
          );
        } catch (e) {
          if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 403)) throw e;
          snapshots.set(unitId, null);
        }
      }),
    );
    return { items, snapshots };
  }, [period]);
  const items = data.data?.items ?? [];
  const rubrics = useRubrics(items);
  const quotas = useMemo(
    () =>
      data.data && rubrics.data
        ? unitQuotas(items, data.data.snapshots, rubrics.data, me.employee?.unitId)
        : [],
    [data.data, rubrics.data, items, me.employee?.unitId],
  );
  const selected = items.find((e) => e.employeeId === selectedId) ?? null;
  const selectedRubric = selected ? rubrics.data?.get(rubricKey(selected)) : undefined;
  const bulkable = items.filter((e) => e.status === 'REVIEWED');

  const refresh = (text: string | null, updated?: Evaluation) => {
    setMessage(text);
    // A failure reported by an earlier bulk approval is old news once that person is approved.
    if (updated?.status === 'APPROVED' && bulkResult) {
      const items = bulkResult.items.filter((o) => !('error' in o && o.employeeId === updated.employeeId));
      const failed = items.filter((o) => 'error' in o).length;
      setBulkResult(failed === 0 ? null : { ...bulkResult, items, failed });
    }
    if (updated && data.data) {
      const items = data.data.items.map((e) => (e.employeeId === updated.employeeId ? updated : e));
      data.setData({ ...data.data, items });
    }
    data.reload();
    reloadMe();
  };

  const approveChecked = async () => {
    setBulkResult(null);
    const chosen = bulkable.filter((e) => checked.has(e.employeeId));
    if (chosen.length === 0) {
      bulk.setError(new Error('Chưa chọn phiếu nào.'));
      return;
    }
    const result = await bulk.run(() =>
      api.post<BulkResult>('/v1/approvals/bulk', {
        period,
        items: chosen.map((e) => ({ employeeId: e.employeeId, version: e.version })),
      }),
    );
    if (result) {
      setBulkResult(result);
      setChecked(new Set());
      refresh(null);
    }
  };

  const nameOf = (id: string) => items.find((e) => e.employeeId === id)?.employeeName ?? id;

  return (
    <main id="main">
      <h1 tabIndex={-1}>Phê duyệt, xếp loại</h1>
      <div class="toolbar">
        <PeriodSelect
          id="approval-period"
          value={period}
          periods={me.openPeriods}
          onChange={(p) => {
            setChecked(new Set());
            setBulkResult(null);
            setQuery({ ky: p, nguoi: null });
          }}
        />
      </div>
      <ErrorNotice error={data.error} />
      <SuccessNotice message={message} />
      {data.loading && !data.data && <Loading />}
      {[...new Set(items.map((e) => e.approverRole).filter((r): r is string => !!r))].map((role) => (
        <p key={role} class="notice" data-testid="approver-role">
          Người đứng đầu đơn vị cấp cao nhất không có cấp trên trong hệ thống: bạn đánh giá, phê duyệt với tư
          cách <strong>{role}</strong>.
        </p>
      ))}
      {quotas.map((q) => (
        <section class="card" key={q.unitId} aria-label={`Tỷ lệ loại A — ${q.unitName}`}>
          <h2>{q.unitName}</h2>
          <QuotaMeter used={q.used} limit={q.limit} rule={q.rule} estimated={q.estimated} />
        </section>
      ))}
      {data.data && (
        <div class="split">
          <Section title={`Phiếu của đơn vị (${items.length})`} id="approvals-title">
            <p class="muted" data-testid="approvals-waiting">
              Chờ bạn phê duyệt: <strong>{items.filter((e) => waitsForApproval(e, now)).length}</strong> · Đã
              phê duyệt: {items.filter((e) => e.status === 'APPROVED').length}
            </p>
            {items.length === 0 ? (
              <p class="muted">Không có phiếu nào trong {formatPeriod(period)}.</p>
            ) : (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void approveChecked();
                }}
              >
                <ul class="inbox">
                  {items.map((e) => {
                    const total = e.decision?.total ?? e.review?.total ?? null;
                    const rubric = rubrics.data?.get(rubricKey(e));
                    const band = total !== null && rubric ? gradeFor(rubric.bands, total) : null;
                    return (
                      <li key={e.employeeId} class="inbox-row">
                        {e.status === 'REVIEWED' ? (
                          <input
                            type="checkbox"
                            id={`pick-${e.employeeId}`}
                            aria-label={`Chọn ${e.employeeName} để phê duyệt`}
                            checked={checked.has(e.employeeId)}
                            onChange={(ev) => {
                              const next = new Set(checked);
                              if (ev.currentTarget.checked) next.add(e.employeeId);
                              else next.delete(e.employeeId);
                              setChecked(next);
                            }}
                          />
                        ) : (
                          <span class="pick-spacer" aria-hidden="true" />
                        )}
                        <InboxButton
                          evaluation={e}
                          selected={e.employeeId === selectedId}
                          controls="approval-detail"
                          onSelect={() => {
                            setMessage(null);
                            setQuery({ nguoi: e.employeeId });
                          }}
                        >
                          <span class="inbox-name">{e.employeeName}</span>
                          <StatusBadge evaluation={e} />
                          <span class="inbox-score">
                            {e.decision ? 'Kết quả' : 'Lãnh đạo trực tiếp chấm'}: {formatPoints(total)}{' '}
                            {band && <GradeBadge grade={e.decision?.grade ?? band.grade} />}
                          </span>
                        </InboxButton>
                      </li>
                    );
                  })}
                </ul>
                {bulkable.length > 0 && (
                  <div class="actions">
                    <button
                      type="button"
                      onClick={() =>
                        setChecked(
                          checked.size === bulkable.length
                            ? new Set()
                            : new Set(bulkable.map((e) => e.employeeId)),
                        )
                      }
                    >
                      {checked.size === bulkable.length ? 'Bỏ chọn tất cả' : 'Chọn tất cả phiếu đã nhận xét'}
                    </button>
                    <button type="submit" class="primary" disabled={bulk.busy || checked.size === 0}>
                      Phê duyệt {checked.size} phiếu đã chọn
                    </button>
                  </div>
                )}
                <ErrorNotice error={bulk.error} />
                {bulkResult && (
                  <div
                    class={`notice ${bulkResult.failed > 0 ? 'notice-warn' : 'notice-success'}`}
                    role="status"
                    data-testid="bulk-result"
                  >
                    <p>
                      Đã phê duyệt {bulkResult.approved} phiếu
                      {bulkResult.failed > 0 ? `; ${bulkResult.failed} phiếu không được phê duyệt:` : '.'}
                    </p>
                    {bulkResult.failed > 0 && (
                      <ul>
                        {bulkResult.items.map((o) =>
                          'error' in o ? (
                            <li key={o.employeeId} data-code={o.error.code}>
                              {nameOf(o.employeeId)}:{' '}
                              {o.error.code === 'PRECONDITION_FAILED'
                                ? 'phiếu vừa được cập nhật ở nơi khác; hãy mở phiếu và phê duyệt lại.'
                                : o.error.message}
                            </li>
                          ) : null,
                        )}
                      </ul>
                    )}
                  </div>
                )}
              </form>
            )}
          </Section>
          <div id="approval-detail">
            {selected && selectedRubric ? (
              <ApproveForm
                key={`${selected.employeeId}-${selected.version}`}
                evaluation={selected}
                rubric={selectedRubric}
                now={now}
                onDone={(text, updated) => {
                  refresh(text, updated);
                  requestAnimationFrame(() =>
                    document
                      .querySelector<HTMLElement>(`[data-employee-id="${updated.employeeId}"]`)
                      ?.focus(),
                  );
                }}
                onReload={() => data.reload()}
              />
            ) : (
              items.length > 0 && (
                <p class="card muted">Chọn một phiếu để xem chi tiết, điều chỉnh hoặc trả lại.</p>
              )
            )}
          </div>
        </div>
      )}
      {me.employee?.isUnitHead && <ActingHeads unitId={me.employee.unitId} staff={items} />}
    </main>
  );
}

interface ApproveInput {
  adjusting: boolean;
  values: Record<string, string>;
  comment: string;
}

function ApproveForm({
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

/** Date and time fields pre-filled with an instant, in Vietnam time. */
const fieldsAt = (date: Date): DateTimeValue => ({ date: dateText(date), time: timeText(date) });

function ActingHeads({ unitId, staff }: { unitId: string; staff: readonly Evaluation[] }) {
  const { api, me } = useApp();
  const delegations = useLoad(
    async () =>
      (await api.get<{ items: Delegation[] }>(`/v1/units/${encodeURIComponent(unitId)}/acting-heads`)).items,
    [unitId],
  );
  const people = staff.filter((e) => e.unitId === unitId && e.employeeId !== me.employeeId);
  const [delegateId, setDelegateId] = useState('');
  const [from, setFrom] = useState(() => fieldsAt(new Date()));
  const [to, setTo] = useState(() => fieldsAt(new Date(Date.now() + 7 * 86_400_000)));
  const [showErrors, setShowErrors] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction();
  const name = (id: string) => staff.find((e) => e.employeeId === id)?.employeeName ?? id;

  const submit = async () => {
    setShowErrors(true);
    if (!delegateId) {
      action.setError(new Error('Hãy chọn người được giao quyền.'));
      return;
    }
    const start = parseDateTime(from.date, from.time);
    const end = parseDateTime(to.date, to.time);
    if (!start.ok || !end.ok) {
      action.setError(new Error('Hãy nhập đúng ngày (dd/mm/yyyy) và giờ (hh:mm) bắt đầu và kết thúc.'));
      return;
    }
    const done = await action.run(
      () =>
        api.put<Delegation>(
          `/v1/units/${encodeURIComponent(unitId)}/acting-heads/${encodeURIComponent(delegateId)}`,
          {
            from: start.value,
            to: end.value,
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        ),
      `Đã giao quyền phê duyệt cho ${name(delegateId)}.`,
    );
    if (done) delegations.reload();
  };

  return (
    <Section title="Giao quyền cấp trưởng khi vắng mặt" id="acting-title">
      <p class="muted">
        Người được giao quyền phê duyệt thay trong khoảng thời gian đã chọn; mỗi phiếu họ phê duyệt được ghi
        rõ là phê duyệt thay.
      </p>
      <form
        class="grid-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="field">
          <label for="acting-person">Người được giao quyền</label>
          <select
            id="acting-person"
            value={delegateId}
            onChange={(e) => setDelegateId(e.currentTarget.value)}
          >
            <option value="">— Chọn —</option>
            {people.map((p) => (
              <option key={p.employeeId} value={p.employeeId}>
                {p.employeeName}
              </option>
            ))}
          </select>
        </div>
        <DateTimeFields
          id="acting-from"
          legend="Từ"
          value={from}
          onChange={setFrom}
          showErrors={showErrors}
          required
        />
        <DateTimeFields
          id="acting-to"
          legend="Đến"
          value={to}
          onChange={setTo}
          showErrors={showErrors}
          required
        />
        <div class="field">
          <label for="acting-reason">Lý do</label>
          <input
            id="acting-reason"
            value={reason}
            maxLength={2000}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>
            Giao quyền
          </button>
        </div>
      </form>
      <ErrorNotice error={action.error ?? delegations.error} />
      <SuccessNotice message={action.success} />
      {delegations.data && delegations.data.length > 0 && (
        <ul class="plain" data-testid="acting-heads">
          {delegations.data.map((d) => (
            <li key={`${d.delegateId}-${d.from}`}>
              <strong>{name(d.delegateId)}</strong> từ {formatDateTime(d.from)} đến {formatDateTime(d.to)}
              {d.reason ? ` — ${d.reason}` : ''}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
