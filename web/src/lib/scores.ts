/**
 * Score entry as people type it (Vietnamese decimal comma or a dot), exact totals in hundredths like the
 * server's, the grade a total would get, and the grade-A quota of a unit. No DOM: unit-tested in Node.
 */
import { quotaLimit as domainQuotaLimit } from '../../../shared/domain/quota.ts';
import type { Band, Criterion, Grade, QuotaRule, Scores } from '../api/types.ts';

export type ParsedPoints = { ok: true; hundredths: number } | { ok: false; message: string };

/** "62,5" / "62.5" / " 7 " → hundredths; at most two decimals, between 0 and `max` points. */
export function parsePoints(raw: string, max: number): ParsedPoints {
  const text = raw.trim().replace(',', '.');
  if (text === '') return { ok: false, message: 'Chưa nhập điểm.' };
  const match = /^(\d{1,4})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    return /^\d+\.\d{3,}$/.test(text)
      ? { ok: false, message: 'Điểm chỉ có tối đa hai chữ số thập phân.' }
      : { ok: false, message: 'Điểm phải là một số không âm, ví dụ 62,5.' };
  }
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (hundredths > Math.round(max * 100)) {
    return { ok: false, message: `Tối đa ${formatPointsPlain(max)} điểm.` };
  }
  return { ok: true, hundredths };
}

const formatPointsPlain = (points: number) => String(points).replace('.', ',');

/** Points as shown in an input: 62.5 → "62,5". */
export const pointsToInput = (points: number | undefined) =>
  points === undefined ? '' : formatPointsPlain(points);

export interface ScoreSheet {
  /** Criterion id → what is typed. */
  values: Record<string, string>;
}

export interface SheetResult {
  /** Criterion id → message, for every criterion whose entry is not valid. */
  errors: Record<string, string>;
  /** Sum of the valid entries, hundredths. */
  totalHundredths: number;
  /** Every criterion has a valid entry. */
  complete: boolean;
  /** Criterion id → points, for the API (only when complete). */
  scores: Scores;
}

export function evaluateSheet(criteria: readonly Criterion[], values: Record<string, string>): SheetResult {
  const errors: Record<string, string> = {};
  const scores: Scores = {};
  let totalHundredths = 0;
  for (const c of criteria) {
    const parsed = parsePoints(values[c.id] ?? '', c.max);
    if (parsed.ok) {
      totalHundredths += parsed.hundredths;
      scores[c.id] = parsed.hundredths / 100;
    } else {
      errors[c.id] = parsed.message;
    }
  }
  return { errors, totalHundredths, complete: Object.keys(errors).length === 0, scores };
}

/** Scores from the API → what the inputs show. */
export function sheetFrom(
  criteria: readonly Criterion[],
  scores: Scores | null | undefined,
): Record<string, string> {
  return Object.fromEntries(criteria.map((c) => [c.id, pointsToInput(scores?.[c.id])]));
}

/** The band a total (in points) falls in: the first band, highest first, whose minimum it reaches. */
export function gradeFor(bands: readonly Band[], totalPoints: number): Band | null {
  const sorted = [...bands].sort((a, b) => b.min - a.min);
  return sorted.find((b) => Math.round(totalPoints * 100) >= Math.round(b.min * 100)) ?? null;
}

export interface QuotaEstimate {
  limit: number;
  rule: string;
}

/**
 * The most A grades a unit may give, by the API's own rule (shared/domain/quota.ts, pure TypeScript the bundle
 * takes as it is): Hanoi, 30% (40% for an outstanding unit) of the staff evaluated, rounded down; Decree 335, 20%
 * of those graded B. Used only when the ranking snapshot has no figure yet; `rule` says it in words.
 */
export function quotaLimit(
  rule: QuotaRule,
  unit: { evaluated: number; outstanding: boolean; countB: number },
): QuotaEstimate {
  const state = {
    evaluated: unit.evaluated,
    outstanding: unit.outstanding,
    counts: { A: 0, B: unit.countB, C: 0, D: 0 },
  };
  if (rule.kind === 'shareOfEvaluated') {
    // A rubric read from an older API may leave the outstanding percent out: the ordinary one applies then.
    const outstandingPercent = rule.outstandingPercent ?? rule.percent;
    const percent = unit.outstanding ? outstandingPercent : rule.percent;
    return {
      limit: domainQuotaLimit({ kind: 'shareOfEvaluated', percent: rule.percent, outstandingPercent }, state),
      rule: `A ≤ ${percent}% số được đánh giá`,
    };
  }
  return { limit: domainQuotaLimit(rule, state), rule: `A ≤ ${rule.percent}% số loại B` };
}

export const GRADES: readonly Grade[] = ['A', 'B', 'C', 'D'];
