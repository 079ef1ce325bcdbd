/** What closing a period now would do, from its counts per status. No DOM. */
import type { EvaluationStatus, PeriodInfo } from '../api/types.ts';

/** The forms not yet approved, which closing turns into EXPIRED (their people get no grade that month). */
export function closeImpact(p: Pick<PeriodInfo, 'counts'>) {
  const n = (s: EvaluationStatus) => p.counts[s] ?? 0;
  const drafts = n('DRAFT');
  const returned = n('RETURNED');
  const submitted = n('SUBMITTED');
  const reviewed = n('REVIEWED');
  return { drafts, returned, submitted, reviewed, notApproved: drafts + returned + submitted + reviewed };
}

/**
 * The period's state in words. A close or a reopening under way (AWS runs them as jobs) is work in progress, not
 * a closed period: HR must not read "đã đóng" while the forms are coming back.
 */
export function periodState(p: Pick<PeriodInfo, 'status' | 'closing' | 'reopening'>): string {
  if (p.reopening) return 'đang mở lại';
  if (p.closing) return 'đang đóng';
  return p.status === 'OPEN' ? 'đang mở' : 'đã đóng';
}
