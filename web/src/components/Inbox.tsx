/**
 * Pieces the reviewer's and the approver's inboxes share: the list's entries, sending an evaluation back (always
 * with a reason: the API refuses a return without one), and the history panel.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Evaluation, HistoryItem } from '../api/types.ts';
import type { useAction } from '../lib/hooks.ts';
import { Timeline } from './Timeline.tsx';
import { ErrorNotice } from './ui.tsx';

export const COMMENT_MAX = 2000;

/**
 * The reason typed for a return, and the sending of it: refused here when empty (the API would refuse it too),
 * then posted through the page's action, so its busy state and errors show where the page shows them.
 */
export function useSendBack(
  action: ReturnType<typeof useAction>,
  post: (comment: string) => Promise<Evaluation>,
  onDone: (evaluation: Evaluation) => void,
) {
  const [comment, setComment] = useState('');
  const send = async () => {
    if (!comment.trim()) {
      action.setError(new Error('Cần ghi rõ lý do trả lại.'));
      return;
    }
    const done = await action.run(() => post(comment.trim()));
    if (done) onDone(done);
  };
  return { comment, setComment, send };
}

export function ReturnForm(props: {
  /** The textarea's id, unique on the page. */
  id: string;
  label: string;
  submitLabel: string;
  comment: string;
  busy: boolean;
  onComment(comment: string): void;
  onSubmit(): void;
  onCancel(): void;
}) {
  return (
    <form
      class="return-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <div class="field">
        <label for={props.id}>{props.label}</label>
        <textarea
          id={props.id}
          rows={3}
          required
          maxLength={COMMENT_MAX}
          value={props.comment}
          onInput={(e) => props.onComment(e.currentTarget.value)}
        />
      </div>
      <div class="actions">
        <button type="submit" class="danger" disabled={props.busy}>
          {props.submitLabel}
        </button>
        <button type="button" onClick={props.onCancel}>
          Huỷ
        </button>
      </div>
    </form>
  );
}

/**
 * A 412: someone (or this person in another tab) changed the evaluation since it was opened. What was typed is
 * in the local draft, so reloading keeps it: the form opens on the new version with the input put back.
 */
export function StaleNotice({ onReload }: { onReload: () => void }) {
  return (
    <div class="notice notice-warn" role="alert" data-code="PRECONDITION_FAILED">
      <p>
        Phiếu vừa được cập nhật ở nơi khác (có thể ở một thẻ khác) sau khi bạn mở. Phần bạn đã nhập vẫn được
        giữ trên máy này.
      </p>
      <button type="button" class="primary" onClick={onReload}>
        Tải lại và giữ phần tôi đã nhập
      </button>
    </div>
  );
}

/** The evaluation's history, folded away under the form. */
export function HistoryDetails(props: {
  history: { data: HistoryItem[] | undefined | null; error: Error | null | undefined };
  evaluation: Evaluation;
  meId: string;
}) {
  return (
    <details class="history">
      <summary>Quá trình xử lý</summary>
      {props.history.data ? (
        <Timeline items={props.history.data} evaluation={props.evaluation} meId={props.meId} />
      ) : (
        <ErrorNotice error={props.history.error} />
      )}
    </details>
  );
}

/** One person in an inbox: selecting them shows their evaluation in the panel the button controls. */
export function InboxButton(props: {
  evaluation: Evaluation;
  selected: boolean;
  controls: string;
  onSelect(): void;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={`inbox-item ${props.selected ? 'selected' : ''}`}
      aria-pressed={props.selected}
      aria-controls={props.controls}
      data-employee-id={props.evaluation.employeeId}
      onClick={props.onSelect}
    >
      {props.children}
    </button>
  );
}
