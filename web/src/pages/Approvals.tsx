/**
 * The head of unit's month (thủ trưởng đơn vị): the approvals inbox with the unit's grade-A quota meter and bulk
 * approval. The form for one evaluation (approve as reviewed or adjust with a reason, return to the direct leader)
 * is ApproveForm.tsx; naming an acting head for an absence is ActingHeads.tsx.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { BulkResult, Evaluation, Grade, Ranking, Rubric } from '../api/types.ts';
import { QuotaMeter } from '../components/charts.tsx';
import { InboxButton } from '../components/Inbox.tsx';
import {
  ErrorNotice,
  GradeBadge,
  Loading,
  PeriodSelect,
  Section,
  StatusBadge,
  SuccessNotice,
} from '../components/ui.tsx';
import { defaultPeriod, useApp } from '../context.ts';
import { waitsForApproval } from '../lib/evaluation.ts';
import { formatPeriod, formatPoints, periodOf } from '../lib/format.ts';
import { useAction, useLoad, useNow } from '../lib/hooks.ts';
import { setQuery, usePageTitle } from '../lib/router.tsx';
import { gradeFor, quotaLimit } from '../lib/scores.ts';
import { ActingHeads } from './ActingHeads.tsx';
import { ApproveForm } from './ApproveForm.tsx';
import { rubricKey, useRubrics } from './Reviews.tsx';

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
