/**
 * Discipline flags with who and why. The flags force grade D (Decree 335), so a change of any of them needs its
 * grounds (`flagReason`: a decision's number, a competent authority's conclusion), and the employee record keeps,
 * for each flag that is set, who set it, when and why (`flagNotes`). A cleared flag drops its note; the audit
 * trail keeps every change with its reason.
 */
import type { EmployeeFlags, Problem } from '../domain/types.ts';
import type { Employee, FlagNote, FlagNotes } from '../store/entities.ts';
import type { Store } from '../store/store.ts';

export const FLAG_NAMES = ['disciplined', 'degradation', 'unitCorruption'] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

/** The flags whose value differs (an absent flag is false). */
export function changedFlags(before: EmployeeFlags, after: EmployeeFlags): FlagName[] {
  return FLAG_NAMES.filter((f) => (before[f] === true) !== (after[f] === true));
}

export interface FlagChange {
  changed: FlagName[];
  reason: string;
}

export const FLAG_REASON_REQUIRED =
  'Cần ghi rõ căn cứ thay đổi cờ (số quyết định kỷ luật, kết luận của cơ quan có thẩm quyền…).';

/**
 * The notes once `after` replaces `before`: a flag set now gets a note with this change's actor, time and reason;
 * a flag cleared loses its note; a flag unchanged keeps its note. A problem when a flag changes without a reason.
 */
export function flagNotesAfter(
  before: Pick<Employee, 'flags' | 'flagNotes'> | null | undefined,
  after: EmployeeFlags,
  reason: string | undefined,
  by: string,
  at: string,
  path: string,
): { notes: FlagNotes; change: FlagChange | null } | { problem: Problem } {
  const changed = changedFlags(before?.flags ?? {}, after);
  const notes: FlagNotes = {};
  for (const f of FLAG_NAMES) {
    const kept = before?.flagNotes?.[f];
    if (after[f] === true && kept && !changed.includes(f)) notes[f] = kept;
  }
  if (changed.length === 0) return { notes, change: null };
  const grounds = reason?.trim();
  if (!grounds) return { problem: { path, message: FLAG_REASON_REQUIRED } };
  for (const f of changed) if (after[f] === true) notes[f] = { by, at, reason: grounds };
  return { notes, change: { changed, reason: grounds } };
}

/** What the audit event says of a flag change: which flags, and why (no name, no e-mail). */
export const flagAudit = (change: FlagChange | null) =>
  change ? { flagsChanged: change.changed, flagReason: change.reason } : {};

/** The notes as the API shows them: for each set flag, who (with their name), when and why. */
export type PresentedFlagNotes = Partial<Record<FlagName, FlagNote & { byName: string | null }>>;

/**
 * Each employee's notes of the flags that are set, with the setters' names from one look-up of the distinct ids
 * (none at all when nobody has a note).
 */
export async function presentFlagNotes(
  store: Store,
  employees: readonly Pick<Employee, 'id' | 'flags' | 'flagNotes'>[],
): Promise<Map<string, PresentedFlagNotes>> {
  const setters = employees.flatMap((e) =>
    FLAG_NAMES.flatMap((f) => (e.flags[f] === true && e.flagNotes?.[f] ? [e.flagNotes[f].by] : [])),
  );
  const names =
    setters.length > 0 ? (await store.org.names(setters, [])).employees : new Map<string, string>();
  return new Map(
    employees.map((e) => {
      const notes: PresentedFlagNotes = {};
      for (const f of FLAG_NAMES) {
        const note = e.flags[f] === true ? e.flagNotes?.[f] : undefined;
        if (note) notes[f] = { ...note, byName: names.get(note.by) ?? null };
      }
      return [e.id, notes];
    }),
  );
}
