/**
 * Quotas on grade A per unit and period (DOMAIN.md "Quotas on grade A"). Integer arithmetic only.
 *
 * The rules are pure: the API keeps the unit's counters and makes the write conditional on them, so two
 * approvals racing for the last slot cannot both succeed. This module only says whether a change is allowed
 * given the counters it read.
 */
import { divideFloor } from './points.ts';
import type { QuotaRule } from './rubrics.ts';
import { GRADES, type Grade } from './types.ts';

export interface QuotaState {
  /** Evaluations opened for the unit that month (its staff evaluated), whatever their status. */
  evaluated: number;
  /** The unit is recognised as outstanding (Hanoi: 40% instead of 30%). */
  outstanding: boolean;
  /** Grades currently approved in the unit for the period. */
  counts: Record<Grade, number>;
}

export interface GradeChange {
  /** The grade being replaced (an accepted appeal), or null for a first approval. */
  from: Grade | null;
  /** The new grade, or null when a grade is withdrawn. */
  to: Grade | null;
}

export type QuotaCheck =
  | { ok: true; limit: number; used: number }
  | { ok: false; code: 'QUOTA_EXCEEDED'; message: string; limit: number; used: number };

export function emptyCounts(): Record<Grade, number> {
  return { A: 0, B: 0, C: 0, D: 0 };
}

function percentOf(rule: QuotaRule, state: QuotaState): number {
  if (rule.kind === 'shareOfB') return rule.percent;
  return state.outstanding ? rule.outstandingPercent : rule.percent;
}

/**
 * How many A the unit may have: floor(percent × evaluated / 100) for Hanoi (the outstanding percent for an
 * outstanding unit), floor(percent × B / 100) for Decree 335.
 */
export function quotaLimit(rule: QuotaRule, state: QuotaState): number {
  const base = rule.kind === 'shareOfB' ? state.counts.B : state.evaluated;
  return divideFloor(percentOf(rule, state) * Math.max(0, base), 100);
}

function applyChange(state: QuotaState, change: GradeChange): QuotaState {
  const counts = { ...state.counts };
  if (change.from !== null) counts[change.from] = Math.max(0, counts[change.from] - 1);
  if (change.to !== null) counts[change.to] += 1;
  return { ...state, counts };
}

/** Short readable id of the rule as applied to the unit, e.g. `A<=30%evaluated`, `A<=20%B`. */
export function quotaRuleId(rule: QuotaRule, state: Pick<QuotaState, 'outstanding'>): string {
  if (rule.kind === 'shareOfB') return `A<=${rule.percent}%B`;
  return `A<=${state.outstanding ? rule.outstandingPercent : rule.percent}%evaluated`;
}

function describeRule(rule: QuotaRule, state: QuotaState, limit: number): string {
  if (rule.kind === 'shareOfB') {
    return `tối đa ${rule.percent}% số người xếp loại B (${state.counts.B} người) là ${limit} người`;
  }
  const outstanding = state.outstanding ? ' của đơn vị được công nhận xuất sắc' : '';
  return `tối đa ${percentOf(rule, state)}% số người được đánh giá${outstanding} (${state.evaluated} người), làm tròn xuống, là ${limit} người`;
}

/**
 * May this change of an approved grade happen? It is refused when, after it, the unit would have more A than
 * its limit and the change made that worse — it adds an A, or (Decree 335) it lowers the number of B and with
 * it the limit. A change that neither adds an A nor lowers the limit is always allowed, so a unit already over
 * its quota (e.g. staff count changed) can still approve its other grades.
 *
 * On success, `limit` and `used` are the values after the change; on refusal, the current ones.
 */
export function checkGradeChange(rule: QuotaRule, state: QuotaState, change: GradeChange): QuotaCheck {
  const beforeLimit = quotaLimit(rule, state);
  const beforeUsed = state.counts.A;
  const after = applyChange(state, change);
  const afterLimit = quotaLimit(rule, after);
  const afterUsed = after.counts.A;
  const worse = afterUsed > beforeUsed || afterLimit < beforeLimit;
  if (afterUsed > afterLimit && worse) {
    const what =
      change.to === 'A'
        ? 'Không thể xếp thêm loại A'
        : `Không thể chuyển từ loại ${change.from ?? '—'} sang loại ${change.to ?? '—'}`;
    const after335 =
      rule.kind === 'shareOfB' && afterLimit < beforeLimit
        ? ` Sau thay đổi, số người loại B còn ${after.counts.B}, hạn mức loại A giảm còn ${afterLimit}.`
        : '';
    return {
      ok: false,
      code: 'QUOTA_EXCEEDED',
      message: `${what}: đơn vị đã có ${beforeUsed} người loại A, hạn mức là ${describeRule(rule, state, beforeLimit)}.${after335}`,
      limit: beforeLimit,
      used: beforeUsed,
    };
  }
  return { ok: true, limit: afterLimit, used: afterUsed };
}

/** The unit's quota use for rankings: `ok` when the approved A are within the limit. */
export function quotaStatus(
  rule: QuotaRule,
  state: QuotaState,
): { rule: string; limit: number; used: number; ok: boolean } {
  const limit = quotaLimit(rule, state);
  const used = state.counts.A;
  return { rule: quotaRuleId(rule, state), limit, used, ok: used <= limit };
}

/**
 * Duty groups (Decree 335 compares A with B "in the same unit and group of similar duties"): under a rule that
 * counts B (`shareOfB`), an evaluation whose employee has a duty group is checked against the grades of that
 * group in the unit only; one without a group against the unit's evaluations that have none. A unit without
 * groups is one whole, as before. The Hanoi rule (`shareOfEvaluated`) stays per unit.
 */
export const quotaPerDutyGroup = (rule: QuotaRule): boolean => rule.kind === 'shareOfB';

/**
 * The grade counts a change is checked against: the unit's, or under a per-group rule those of the evaluation's
 * duty group (`groups`: grade counts per group; the ungrouped are the unit's minus every group's).
 */
export function countsForQuota(
  rule: QuotaRule,
  dutyGroup: string | null | undefined,
  unit: Record<Grade, number>,
  groups: Readonly<Record<string, Record<Grade, number>>> = {},
): Record<Grade, number> {
  if (!quotaPerDutyGroup(rule)) return unit;
  if (dutyGroup) return { ...emptyCounts(), ...groups[dutyGroup] };
  const rest = { ...unit };
  for (const counts of Object.values(groups))
    for (const g of GRADES) rest[g] = Math.max(0, rest[g] - (counts[g] ?? 0));
  return rest;
}

/** Counts grades, e.g. of a unit's approved evaluations, into a QuotaState's `counts`. */
export function countGrades(grades: readonly (Grade | null)[]): Record<Grade, number> {
  const counts = emptyCounts();
  for (const g of grades) if (g !== null && GRADES.includes(g)) counts[g] += 1;
  return counts;
}
