/** Small shared pieces: messages, badges, loading, period and unit pickers. */
import type { ComponentChildren, RefObject } from 'preact';
import { ApiError } from '../api/client.ts';
import type { Evaluation, Grade } from '../api/types.ts';
import { comparePeriods } from '../lib/dates.ts';
import type { Draft } from '../lib/drafts.ts';
import { formatDateTime, formatPeriod, GRADE_LABELS, statusLabel } from '../lib/format.ts';
import type { UnitOption } from '../lib/units.ts';

/** An error as the API phrased it (its Vietnamese `error.message`), with each detail of a validation error. */
export function ErrorNotice({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  if (error instanceof ApiError && error.code === 'PRECONDITION_FAILED') {
    // The API's message names an internal version number; people need to know what happened and what to do.
    return (
      <div class="notice notice-error" role="alert" data-code={error.code}>
        <p>
          Phiếu vừa được cập nhật ở nơi khác (có thể ở một thẻ khác). Hãy tải lại trang rồi thao tác tiếp.
        </p>
      </div>
    );
  }
  const details = error instanceof ApiError ? error.details.filter((d) => d.message !== error.message) : [];
  const code = error instanceof ApiError ? error.code : 'ERROR';
  return (
    <div class="notice notice-error" role="alert" data-code={code}>
      <p>{error.message}</p>
      {details.length > 1 && (
        <ul>
          {details.map((d) => (
            <li key={`${d.path ?? ''}:${d.message}`}>{d.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What an action did; `focusRef` lets the page move focus here after the action (the button may be gone). */
export function SuccessNotice({
  message,
  focusRef,
}: {
  message: string | null;
  focusRef?: RefObject<HTMLDivElement>;
}) {
  return (
    <div class="live" role="status" aria-live="polite" tabIndex={-1} ref={focusRef}>
      {message && <p class="notice notice-success">{message}</p>}
    </div>
  );
}

/** Says that unsaved input from earlier was put back, and offers to drop it. */
export function DraftNotice({
  draft,
  changedSince,
  onDiscard,
}: {
  draft: Draft<unknown> | null;
  changedSince: boolean;
  onDiscard: () => void;
}) {
  if (!draft) return null;
  return (
    <div class="notice notice-info" role="status" data-testid="draft-restored">
      <p>
        Đã khôi phục phần bạn nhập lúc {formatDateTime(new Date(draft.savedAt).toISOString())} mà chưa lưu.
        {changedSince
          ? ' Phiếu đã được cập nhật kể từ lúc đó: hãy kiểm tra lại trước khi lưu.'
          : ' Hãy lưu để không mất.'}
      </p>
      <button type="button" class="link-like" onClick={onDiscard}>
        Bỏ phần đã khôi phục
      </button>
    </div>
  );
}

export function Loading({ label = 'Đang tải…' }: { label?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

const STATUS_TONE: Record<Evaluation['status'], string> = {
  DRAFT: 'muted',
  SUBMITTED: 'info',
  REVIEWED: 'info',
  APPROVED: 'ok',
  RETURNED: 'warn',
  EXPIRED: 'bad',
};

export function StatusBadge({ evaluation }: { evaluation: Pick<Evaluation, 'status' | 'returnedTo'> }) {
  return <span class={`badge badge-${STATUS_TONE[evaluation.status]}`}>{statusLabel(evaluation)}</span>;
}

export function GradeBadge({ grade, long = false }: { grade: Grade | null; long?: boolean }) {
  if (!grade) return <span class="grade grade-none">—</span>;
  return (
    <span class={`grade grade-${grade}`} title={GRADE_LABELS[grade]}>
      <span aria-hidden={long ? 'true' : undefined}>{grade}</span>
      {long ? <span> — {GRADE_LABELS[grade]}</span> : <span class="sr-only"> ({GRADE_LABELS[grade]})</span>}
    </span>
  );
}

export function PeriodSelect({
  id,
  value,
  periods,
  onChange,
}: {
  id: string;
  value: string;
  periods: readonly string[];
  onChange: (period: string) => void;
}) {
  const options = [...new Set([...periods, value])].sort(comparePeriods).reverse();
  return (
    <div class="field field-inline">
      <label for={id}>Kỳ đánh giá</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map((p) => (
          <option key={p} value={p}>
            {formatPeriod(p)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Section({ title, id, children }: { title: string; id: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** The `<option>`s of a unit picker: the tree in order, each unit indented under its parent. */
export function UnitOptions({ units }: { units: readonly UnitOption[] }) {
  return (
    <>
      {units.map((u) => (
        <option key={u.id} value={u.id}>
          {`${'\u00a0\u00a0'.repeat(u.depth)}${u.name}`}
        </option>
      ))}
    </>
  );
}
