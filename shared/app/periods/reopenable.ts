/**
 * Whether a period may be reopened now, and why not: the rule `POST /v1/periods/{period}/reopen` applies and the
 * period's answer shows (`reopenableUntil`, `mayReopen`), so the app asks only when the API would agree.
 */
import { AppError } from '../../domain/errors.ts';
import type { Period } from '../../store/entities.ts';

/** Why the period cannot be reopened now (a 409 naming it), or null when it can. */
export function reopenRefusal(record: Period, now: Date): AppError | null {
  const p = record.period;
  if (record.status === 'OPEN')
    return new AppError('INVALID_TRANSITION', `Kỳ ${p} đang mở; chỉ mở lại được kỳ đã đóng.`);
  if (record.status === 'CLOSING')
    return new AppError('INVALID_TRANSITION', `Kỳ ${p} đang được đóng; hãy chờ đóng xong.`);
  if (record.status === 'REOPENING') return new AppError('INVALID_TRANSITION', `Kỳ ${p} đang được mở lại.`);
  const filed = record.appealsFiled ?? 0;
  if (filed > 0)
    return new AppError(
      'INVALID_TRANSITION',
      `Đã có ${filed} khiếu nại về kết quả kỳ ${p}; kết quả đã công bố không thể rút lại.`,
    );
  if (!record.appealDeadline || now.getTime() >= Date.parse(record.appealDeadline))
    return new AppError(
      'DEADLINE_PASSED',
      `Đã hết thời hạn khiếu nại của kỳ ${p}; kết quả đã chốt, không thể mở lại.`,
    );
  return null;
}

/** Until when an admin may reopen the period (its appeal deadline), or null when it cannot be reopened now. */
export function reopenableUntil(record: Period, now: Date): string | null {
  return reopenRefusal(record, now) === null ? record.appealDeadline : null;
}
