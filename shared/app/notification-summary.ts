/**
 * What `/v1/me` and `/v1/notifications` both show of the caller's notifications and e-mail settings (one Query of
 * the caller's notification partition, shared/store/notification-store.ts).
 */
import type { MailPreference, Period } from '../store/entities.ts';
import type { Caller } from './caller.ts';

export const presentEmail = (p: MailPreference | null, address: string | null) => ({
  enabled: !(p?.emailOff ?? false),
  suppressed:
    p?.suppression && address && p.suppression.address === address.trim().toLowerCase()
      ? { reason: p.suppression.reason, at: p.suppression.at }
      : null,
});

/**
 * The caller's stored notifications, newest first, without the publication notices of a period whose close has
 * not finished (they are written unit by unit before the period is published).
 */
export async function visibleNotifications(caller: Caller, knownPeriods?: readonly Period[]) {
  const { store } = caller;
  const [inbox, periods] = await Promise.all([
    store.notifications.inbox(caller.principal.employeeId),
    knownPeriods ?? store.periods.list(),
  ]);
  const closed = new Set(periods.filter((p) => p.status === 'CLOSED').map((p) => p.period));
  const items = inbox.items.filter((n) => n.kind !== 'published' || closed.has(n.period)).reverse();
  return { items, preference: inbox.preference };
}

/** The unread count and the e-mail settings `/v1/me` shows. */
export async function notificationSummary(
  caller: Caller,
  address: string | null,
  periods?: readonly Period[],
) {
  const { items, preference } = await visibleNotifications(caller, periods);
  return {
    notifications: { unread: items.filter((n) => n.readAt === null).length },
    email: presentEmail(preference, address),
  };
}
