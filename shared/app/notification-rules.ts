/**
 * Which notifications a change causes: pure functions of the decided change (no I/O), used by the transitions
 * (shared/app/evaluations.ts, written in the transition's transaction) and by the close (publication notices).
 */
import type {
  HistoryEvent,
  NotificationKind,
  RankingRow,
  StoredEvaluation,
  StoredNotification,
} from '../store/entities.ts';

/** The reason kept with a notification: enough to read in the list; the whole comment is in the history. */
export const REASON_MAX = 280;
const compactTime = (iso: string) => iso.replace(/[-:.]/g, '');
const shorten = (s: string | null) =>
  s === null ? undefined : s.length <= REASON_MAX ? s : `${s.slice(0, REASON_MAX - 1)}…`;

export function notificationId(
  kind: NotificationKind,
  at: string,
  employeeId: string,
  period: string,
  version: number,
): string {
  return `${compactTime(at)}.${kind}.${period}.${version}.${employeeId}`;
}

/**
 * The notifications one transition causes (a pure function of the change): returned → to whom it went back
 * (employee or reviewer) with the reason; reviewed → the employee; approved → the employee with the grade; appeal
 * decided → the employee, accepted or not, with the grade. Never to the person who acted.
 */
export function transitionNotifications(
  next: Pick<
    StoredEvaluation,
    'employeeId' | 'employeeName' | 'period' | 'reviewerId' | 'returnedTo' | 'decision' | 'appeal'
  >,
  event: Pick<HistoryEvent, 'action' | 'at' | 'actorId' | 'comment' | 'version'>,
): StoredNotification[] {
  const make = (
    kind: NotificationKind,
    recipientId: string,
    fields: Partial<StoredNotification> = {},
  ): StoredNotification => ({
    recipientId,
    id: notificationId(kind, event.at, next.employeeId, next.period, event.version),
    kind,
    at: event.at,
    employeeId: next.employeeId,
    employeeName: next.employeeName,
    period: next.period,
    actorId: event.actorId,
    readAt: null,
    ...fields,
  });
  const out: StoredNotification[] = [];
  switch (event.action) {
    case 'return': {
      const to = next.returnedTo ?? 'employee';
      const recipient = to === 'employee' ? next.employeeId : next.reviewerId;
      const reason = shorten(event.comment);
      out.push(make('returned', recipient, { returnedTo: to, ...(reason ? { reason } : {}) }));
      break;
    }
    case 'review':
      out.push(make('reviewed', next.employeeId));
      break;
    case 'approve':
      out.push(make('approved', next.employeeId, { grade: next.decision?.grade ?? null }));
      break;
    case 'decideAppeal': {
      const reason = shorten(event.comment);
      out.push(
        make('appealDecided', next.employeeId, {
          accepted: next.appeal?.status === 'ACCEPTED',
          grade: next.decision?.grade ?? null,
          ...(reason ? { reason } : {}),
        }),
      );
      break;
    }
  }
  return out.filter((n) => n.recipientId !== event.actorId);
}

/** The publication notices of one unit's evaluations at the close: one per person, with their grade or none. */
export function publicationNotices(
  period: string,
  at: string,
  rows: readonly Pick<RankingRow, 'employeeId' | 'employeeName' | 'status' | 'decision'>[],
): StoredNotification[] {
  return rows.map((r) => ({
    recipientId: r.employeeId,
    id: notificationId('published', at, r.employeeId, period, 0),
    kind: 'published',
    at,
    employeeId: r.employeeId,
    employeeName: r.employeeName,
    period,
    actorId: null,
    grade: r.status === 'APPROVED' ? (r.decision?.grade ?? null) : null,
    readAt: null,
  }));
}
