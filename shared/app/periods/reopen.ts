/**
 * Reopening a period closed by mistake (DOMAIN.md "Reopening a period"): an admin, while the appeal window is
 * still open and no appeal was filed, with a reason. The decision is recorded at once (CLOSED → REOPENING, the
 * publication and the appeal deadline withdrawn, the new deadlines, the audit event: one transaction); then the
 * reopen-period job brings every evaluation the close expired back to the status it had, re-ranks every unit and
 * makes the period OPEN again, here (locally) or in its own function (AWS: 202), like the close.
 */
import { validateDeadlines } from '../../domain/calendar.ts';
import { AppError, forbidden, notFound, validationFailed } from '../../domain/errors.ts';
import type { Deadlines, StatusBeforeExpiry } from '../../domain/types.ts';
import type { HistoryEvent, Period } from '../../store/entities.ts';
import { Access } from '../access.ts';
import { closeTimeWith } from './open.ts';
import { type PeriodCaller, type PresentedPeriod, periodCounts, presentPeriod } from './periods.ts';
import { reopenRefusal } from './reopenable.ts';

export interface ReopenInput {
  reason: string;
  deadlines?: Deadlines | undefined;
}

/** The deadlines and close time the reopened period gets: those given, or its own while approval is still ahead. */
function deadlinesAfterReopening(
  record: Period,
  given: Deadlines | undefined,
  now: Date,
): { deadlines: Deadlines; closesAt: string } {
  if (given) {
    const problems = validateDeadlines(record.period, given).map((p) => ({ ...p, path: `body.${p.path}` }));
    if (problems.length === 0 && Date.parse(given.approval) <= now.getTime())
      problems.push({
        path: 'body.deadlines.approval',
        message: 'Hạn phê duyệt phải sau thời điểm hiện tại.',
      });
    if (problems.length > 0) throw validationFailed(problems);
    return { deadlines: given, closesAt: closeTimeWith(record.period, given) };
  }
  if (now.getTime() > Date.parse(record.deadlines.approval)) {
    throw validationFailed([
      {
        path: 'body.deadlines',
        message: 'Hạn phê duyệt của kỳ đã qua: cần cho các hạn mới (tự đánh giá, nhận xét, phê duyệt).',
      },
    ]);
  }
  return { deadlines: record.deadlines, closesAt: record.closesAt };
}

const sameDeadlines = (a: Deadlines, b: Deadlines) =>
  Date.parse(a.selfAssessment) === Date.parse(b.selfAssessment) &&
  Date.parse(a.review) === Date.parse(b.review) &&
  Date.parse(a.approval) === Date.parse(b.approval);

/** A reopening under way asked for again the same way (a retry, a double click): it is joined, not refused. */
const sameRequest = (record: Period, input: ReopenInput) =>
  record.reopen?.reason === input.reason.trim() &&
  (input.deadlines === undefined || sameDeadlines(record.deadlines, input.deadlines));

const MAX_ATTEMPTS = 5;

export async function reopenPeriodForCaller(
  caller: PeriodCaller,
  period: string,
  input: ReopenInput,
): Promise<{ handedOff: boolean; period: PresentedPeriod }> {
  const access = Access.of(caller);
  if (!access.isAdmin) throw forbidden('Chỉ quản trị viên được mở lại kỳ đánh giá đã đóng.');
  const { store } = caller;
  const reason = input.reason.trim();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const record = await store.periods.get(period);
    if (!record) throw notFound(`Chưa mở kỳ đánh giá ${period}.`);
    if (record.status !== 'REOPENING') {
      const refused = reopenRefusal(record, caller.now);
      if (refused) throw refused;
      const { deadlines, closesAt } = deadlinesAfterReopening(record, input.deadlines, caller.now);
      const at = caller.now.toISOString();
      const by = caller.principal.employeeId;
      const begun = await store.periods.beginReopening(
        period,
        { reopen: { by, at, reason }, deadlines, closesAt, appealDeadline: record.appealDeadline ?? '' },
        {
          at,
          actorId: by,
          action: 'reopen',
          entity: 'period',
          entityId: period,
          changes: {
            reason,
            closedAt: record.closedAt,
            deadlines,
            closesAt,
            ...(input.deadlines ? { previousDeadlines: record.deadlines } : {}),
          },
        },
      );
      // Lost a race (another reopening, an appeal just filed): look again.
      if (!begun) continue;
    } else if (!sameRequest(record, { reason, deadlines: input.deadlines })) {
      throw new AppError('CONFLICT', `Kỳ ${period} đang được mở lại theo một yêu cầu khác.`);
    }
    const started = await caller.jobs.start('reopen-period', period, { wait: true });
    const latest = (await store.periods.get(period)) ?? record;
    return {
      handedOff: started.handedOff,
      period: presentPeriod(latest, await periodCounts(store, period, null), {
        isAdmin: true,
        now: caller.now,
      }),
    };
  }
  throw new AppError('CONFLICT', `Có nhiều thao tác đồng thời trên kỳ ${period}; vui lòng thử lại.`);
}

/**
 * What an evaluation was before its expiry, from its history (for one expired before `expiredFrom` was recorded):
 * the expiry's `fromStatus`, and for a RETURNED one whom the last return sent it to.
 */
export function statusBeforeExpiry(events: readonly HistoryEvent[]): StatusBeforeExpiry | null {
  const expiry = events.findLast((h) => h.action === 'expire');
  if (!expiry?.fromStatus) return null;
  if (expiry.fromStatus !== 'RETURNED') return { status: expiry.fromStatus, returnedTo: null };
  const returned = events.findLast((h) => h.version < expiry.version && h.action === 'return');
  const to = returned?.changes?.returnedTo;
  return to === 'employee' || to === 'reviewer' ? { status: 'RETURNED', returnedTo: to } : null;
}
