/**
 * Unsaved input kept in the browser as people type, one draft per evaluation and form, so nothing typed is lost
 * when the session ends, the tab reloads or another tab changed the evaluation (412). `localStorage`, because a
 * session lives in one tab and a sign-in may open another; drafts belong to the signed-in person, are removed
 * once saved, are forgotten after 14 days, and all of a person's drafts go when they sign out (shared office PCs).
 *
 * While any form has unsaved input the browser asks before the tab is closed or reloaded.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';

const PREFIX = 'danh-gia.draft.';
const MAX_AGE_MS = 14 * 86_400_000;

export interface Draft<T> {
  /** When it was last written (ms). */
  savedAt: number;
  /** The evaluation version the input was typed against. */
  baseVersion: number;
  data: T;
}

export const draftKey = (userId: string, form: string, employeeId: string, period: string) =>
  `${PREFIX}${encodeURIComponent(userId)}.${form}.${encodeURIComponent(employeeId)}.${period}`;

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled: the app works, without drafts
  }
}

export function readDraft<T>(key: string): Draft<T> | null {
  const s = storage();
  const raw = s?.getItem(key);
  if (!s || !raw) return null;
  try {
    const draft = JSON.parse(raw) as Draft<T>;
    if (typeof draft.savedAt !== 'number' || Date.now() - draft.savedAt > MAX_AGE_MS) {
      s.removeItem(key);
      return null;
    }
    return draft;
  } catch {
    s.removeItem(key);
    return null;
  }
}

export function writeDraft<T>(key: string, draft: Draft<T>): void {
  try {
    storage()?.setItem(key, JSON.stringify(draft));
  } catch {
    // full or disabled: the input stays on screen, only the safety net is missing
  }
}

export function clearDraft(key: string): void {
  storage()?.removeItem(key);
}

/** The keys of a person's drafts (on sign-out, all of them go). */
export function draftKeysOf(userId: string): string[] {
  const s = storage();
  if (!s) return [];
  const prefix = `${PREFIX}${encodeURIComponent(userId)}.`;
  const keys: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i);
    if (k?.startsWith(prefix)) keys.push(k);
  }
  return keys;
}

export function clearDraftsOf(userId: string): void {
  for (const k of draftKeysOf(userId)) clearDraft(k);
}

// Forms with unsaved input, for the browser's "leave this page?" question. Each form registers a check that
// reads its current state (kept in a ref at render time, so it is right even before effects have run).
const forms = new Map<string, () => boolean>();
let listening = false;

function onBeforeUnload(event: BeforeUnloadEvent) {
  if (!hasUnsaved()) return;
  event.preventDefault();
  // Older browsers need a value; none shows it, each says "changes you made may not be saved".
  event.returnValue = '';
}

function register(id: string, check: () => boolean): () => void {
  forms.set(id, check);
  if (!listening && typeof addEventListener === 'function') {
    addEventListener('beforeunload', onBeforeUnload);
    listening = true;
  }
  return () => {
    forms.delete(id);
  };
}

export const hasUnsaved = () => [...forms.values()].some((check) => check());

export interface DraftState<T> {
  value: T;
  set(next: T | ((old: T) => T)): void;
  /** The draft put back when the form opened (null: none, or it matched what is saved). */
  restored: Draft<T> | null;
  /** Differs from what the server has. */
  dirty: boolean;
  /** Back to what the server has, draft removed. */
  discard(): void;
  /** After a successful save: the draft is no longer needed. */
  saved(): void;
}

/**
 * Form state that survives: starts from the stored draft when there is one (typed against any version), else
 * from `initial`; every change is written to the draft. `key` null: an ordinary state (nothing editable).
 */
export function useDraft<T>(key: string | null, baseVersion: number, initial: T): DraftState<T> {
  const initialJson = JSON.stringify(initial);
  const found = useMemo(() => {
    if (!key) return null;
    const draft = readDraft<T>(key);
    if (draft && JSON.stringify(draft.data) === initialJson) {
      clearDraft(key);
      return null;
    }
    return draft;
    // Read once per form (the key and the version it was opened at).
  }, [key]);
  const [value, setValue] = useState<T>(found ? found.data : initial);
  const [restored, setRestored] = useState<Draft<T> | null>(found);
  const dirty = JSON.stringify(value) !== initialJson;
  const id = useRef(`form-${Math.random().toString(36).slice(2)}`).current;
  // Saved: nothing to lose until the next change (the form is replaced by the saved version soon after).
  const state = useRef({ unsaved: false, saved: false });
  state.current.unsaved = key !== null && dirty;
  useEffect(() => register(id, () => state.current.unsaved && !state.current.saved), [id]);

  const set = useCallback(
    (next: T | ((old: T) => T)) => {
      state.current.saved = false;
      setValue((old) => {
        const v = typeof next === 'function' ? (next as (old: T) => T)(old) : next;
        if (key) {
          if (JSON.stringify(v) === initialJson) clearDraft(key);
          else writeDraft(key, { savedAt: Date.now(), baseVersion, data: v });
        }
        return v;
      });
    },
    [key, baseVersion, initialJson],
  );

  const discard = useCallback(() => {
    if (key) clearDraft(key);
    setRestored(null);
    setValue(JSON.parse(initialJson) as T);
  }, [key, initialJson]);

  const saved = useCallback(() => {
    if (key) clearDraft(key);
    setRestored(null);
    state.current.saved = true;
  }, [key]);

  return { value, set, restored, dirty, discard, saved };
}
