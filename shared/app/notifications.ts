/**
 * In-app notifications: what happened to someone's evaluation (returned with the reason, reviewed, approved with
 * the grade, published, appeal decided), stored per person with a TTL and written in the same transaction as the
 * change that causes them (`transitionNotifications`, a pure function of the decided change), or, for the
 * publication of a closed period, by the close's per-unit step (`publicationNotices`). What the person must do
 * (with deadlines) is not stored: it is worked out on read from their inboxes (`pendingTasks`, shared/app/worklists.ts).
 *
 * Also the person's e-mail switch (e-mail off; in-app notifications stay) and, for HR, the addresses SES reported
 * as bouncing or complaining.
 */

import { forbidden, notFound } from '../domain/errors.ts';
import { GRADE_LABELS } from '../domain/grades.ts';
import type { Grade } from '../domain/types.ts';
import type { StoredNotification } from '../store/entities.ts';
import { Access } from './access.ts';
import type { Caller } from './caller.ts';
import { presentEmail, visibleNotifications } from './notification-summary.ts';
import { pendingTasks } from './worklists.ts';

/** The newest notifications listed. */
export const LIST_MAX = 100;

const month = (period: string) => `${period.slice(5, 7)}/${period.slice(0, 4)}`;
const gradeText = (grade: Grade | null | undefined) =>
  grade ? `loại ${grade} — ${GRADE_LABELS[grade]}` : 'không được xếp loại';

/** The sentence the list shows, and the page it links to. */
export function describe(n: StoredNotification, recipientId: string): { message: string; path: string } {
  const own = n.employeeId === recipientId;
  const whose = own ? 'của đồng chí' : `của ${n.employeeName ?? n.employeeId}`;
  const ownPath = `/danh-gia/${n.period}`;
  switch (n.kind) {
    case 'returned':
      return n.returnedTo === 'reviewer'
        ? {
            message: `Phiếu đánh giá tháng ${month(n.period)} ${whose} được thủ trưởng đơn vị trả lại để nhận xét lại${n.reason ? `: ${n.reason}` : '.'}`,
            path: `/nhan-xet?ky=${n.period}&nguoi=${encodeURIComponent(n.employeeId)}`,
          }
        : {
            message: `Phiếu tự đánh giá tháng ${month(n.period)} ${whose} được trả lại để hoàn thiện${n.reason ? `: ${n.reason}` : '.'}`,
            path: ownPath,
          };
    case 'reviewed':
      return {
        message: `Phiếu đánh giá tháng ${month(n.period)} ${whose} đã được lãnh đạo trực tiếp nhận xét, chấm điểm.`,
        path: ownPath,
      };
    case 'approved':
      return {
        message: `Phiếu đánh giá tháng ${month(n.period)} ${whose} đã được phê duyệt: ${gradeText(n.grade)}.`,
        path: ownPath,
      };
    case 'published':
      return {
        message: `Kết quả đánh giá, xếp loại tháng ${month(n.period)} đã được công bố: ${gradeText(n.grade)}.`,
        path: ownPath,
      };
    case 'appealDecided':
      return {
        message: `Khiếu nại về kết quả tháng ${month(n.period)} đã được giải quyết: ${n.accepted ? `chấp nhận, ${gradeText(n.grade)}` : 'không chấp nhận'}${n.reason ? ` (${n.reason.replace(/\.\s*$/, '')})` : ''}.`,
        path: ownPath,
      };
  }
}

function present(n: StoredNotification, recipientId: string) {
  const { message, path } = describe(n, recipientId);
  return {
    id: n.id,
    kind: n.kind,
    at: n.at,
    period: n.period,
    employeeId: n.employeeId,
    employeeName: n.employeeName ?? null,
    grade: n.grade ?? null,
    accepted: n.accepted ?? null,
    reason: n.reason ?? null,
    returnedTo: n.returnedTo ?? null,
    read: n.readAt !== null,
    readAt: n.readAt,
    message,
    path,
  };
}

export async function readNotifications(caller: Caller) {
  const [{ items }, tasks] = await Promise.all([visibleNotifications(caller), pendingTasks(caller)]);
  return {
    unread: items.filter((n) => n.readAt === null).length,
    tasks,
    items: items.slice(0, LIST_MAX).map((n) => present(n, caller.principal.employeeId)),
  };
}

export async function markNotificationRead(caller: Caller, id: string) {
  const me = caller.principal.employeeId;
  const n = await caller.store.notifications.markRead(me, id, caller.now.toISOString());
  if (!n) throw notFound('Không tìm thấy thông báo.');
  return present(n, me);
}

export async function markAllNotificationsRead(caller: Caller) {
  const me = caller.principal.employeeId;
  const { items } = await caller.store.notifications.inbox(me);
  const unread = items.filter((n) => n.readAt === null).map((n) => n.id);
  const updated = await caller.store.notifications.markAllRead(me, caller.now.toISOString(), unread);
  return { updated };
}

/** The person's own switch: reminders by e-mail on or off. In-app notifications stay either way. */
export async function setEmailPreference(caller: Caller, enabled: boolean) {
  const me = await Access.of(caller).me();
  const preference = await caller.store.mail.setEmailOff(
    caller.principal.employeeId,
    !enabled,
    caller.now.toISOString(),
  );
  return { email: presentEmail(preference, me?.email ?? null) };
}

/**
 * Addresses SES reported as bouncing for good or complaining, that are still the employee's address: admins see
 * all, HR those in its scope. A record whose address HR has since changed no longer applies and is not listed.
 */
export async function listSuppressedAddresses(caller: Caller) {
  const access = Access.of(caller);
  if (!access.isAdmin && !access.isHr) throw forbidden('Chỉ cán bộ tổ chức xem được danh sách này.');
  const suppressed = await caller.store.mail.listSuppressed();
  const employees = await caller.store.org.getEmployees(suppressed.map((p) => p.employeeId));
  const items = [];
  for (const p of suppressed) {
    const e = employees.get(p.employeeId);
    if (!e || !p.suppression) continue;
    if (!e.email || e.email.trim().toLowerCase() !== p.suppression.address) continue;
    if (!access.isAdmin && !(await access.hrScopeContains(e.unitId))) continue;
    items.push({
      employeeId: e.id,
      name: e.name,
      unitId: e.unitId,
      email: e.email,
      reason: p.suppression.reason,
      detail: p.suppression.detail,
      at: p.suppression.at,
    });
  }
  items.sort((a, b) => b.at.localeCompare(a.at));
  return { items };
}
