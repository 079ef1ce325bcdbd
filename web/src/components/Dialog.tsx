/**
 * A confirmation as a modal `<dialog>`: opening it moves focus inside and screen readers announce its title and
 * text (aria-labelledby, aria-describedby); Escape or "Huỷ" closes it and focus goes back to the button that
 * opened it. The confirm button can wait for a condition (e.g. the period id typed in).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

let counter = 0;

export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  busy?: boolean;
  /** The confirm button stays disabled until this is true. */
  canConfirm?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const ids = useRef(`dialog-${++counter}`).current;
  const onCancel = useRef(props.onCancel);
  onCancel.current = props.onCancel;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const cancel = (event: Event) => {
      event.preventDefault();
      onCancel.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      // Back where the person was, if that control is still on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog ref={ref} class="dialog" aria-labelledby={`${ids}-title`} aria-describedby={`${ids}-body`}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (props.canConfirm !== false && !props.busy) props.onConfirm();
        }}
      >
        <h2 id={`${ids}-title`}>{props.title}</h2>
        <div id={`${ids}-body`} class="dialog-body">
          {props.children}
        </div>
        <div class="actions">
          <button
            type="submit"
            class={props.danger ? 'danger' : 'primary'}
            disabled={props.busy || props.canConfirm === false}
          >
            {props.confirmLabel}
          </button>
          <button type="button" onClick={props.onCancel}>
            {props.cancelLabel ?? 'Huỷ'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
