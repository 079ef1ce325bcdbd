/**
 * Grades A–D from a total (DOMAIN.md "Grades"), the forced-D flags of Decree 335, and the leader rule.
 */
import { divideFloor } from './points.ts';
import type { EmployeeFlags, Grade, Hundredths } from './types.ts';

/** Labels shown to users; only the code is stored. */
export const GRADE_LABELS: Record<Grade, string> = {
  A: 'Hoàn thành xuất sắc nhiệm vụ',
  B: 'Hoàn thành tốt nhiệm vụ',
  C: 'Hoàn thành nhiệm vụ',
  D: 'Không hoàn thành nhiệm vụ',
};

/** One grade's lower bound: a total at or above `min` (and below the next band's `min`) gets `grade`. */
export interface Band {
  grade: Grade;
  min: Hundredths;
  label: string;
}

/** The bands shared by hn-3814 and nd-335: A ≥ 90, B ≥ 70, C ≥ 50, D below. */
export const STANDARD_BANDS: readonly Band[] = [
  { grade: 'A', min: 9000, label: GRADE_LABELS.A },
  { grade: 'B', min: 7000, label: GRADE_LABELS.B },
  { grade: 'C', min: 5000, label: GRADE_LABELS.C },
  { grade: 'D', min: 0, label: GRADE_LABELS.D },
];

/** Order of merit: A is best. */
export const GRADE_RANK: Record<Grade, number> = { A: 0, B: 1, C: 2, D: 3 };

/** Reasons shown when a grade is forced to D (Decree 335). */
export const FORCED_D_REASONS = {
  disciplined: 'Bị xử lý kỷ luật từ hình thức khiển trách trở lên trong năm',
  degradation:
    'Có kết luận của cơ quan có thẩm quyền về suy thoái tư tưởng chính trị, đạo đức, lối sống, "tự diễn biến", "tự chuyển hóa"',
  unitCorruption: 'Để xảy ra tham nhũng, lãng phí trong cơ quan, đơn vị do mình trực tiếp quản lý',
} as const;

export interface GradeResult {
  grade: Grade;
  /** Why the grade is D regardless of points; null when the grade comes from the bands. */
  forcedReason: string | null;
}

/** The band a total falls in, without flags. Totals below every band (impossible with D at 0) get D. */
export function bandGrade(total: Hundredths, bands: readonly Band[]): Grade {
  let best: Band | null = null;
  for (const band of bands) {
    if (total >= band.min && (best === null || band.min > best.min)) best = band;
  }
  return best === null ? 'D' : best.grade;
}

/**
 * The grade for a total. Forced D (Decree 335) wins over any total: disciplined at reprimand or above in the
 * year, a competent authority's conclusion of degradation, and — only for the head of a unit — corruption or
 * waste dealt with in the unit under their direct management.
 */
export function gradeFor(
  total: Hundredths,
  bands: readonly Band[],
  flags: EmployeeFlags & { isUnitHead?: boolean },
): GradeResult {
  const reasons: string[] = [];
  if (flags.disciplined === true) reasons.push(FORCED_D_REASONS.disciplined);
  if (flags.degradation === true) reasons.push(FORCED_D_REASONS.degradation);
  if (flags.unitCorruption === true && flags.isUnitHead === true)
    reasons.push(FORCED_D_REASONS.unitCorruption);
  if (reasons.length > 0) return { grade: 'D', forcedReason: reasons.join('; ') };
  return { grade: bandGrade(total, bands), forcedReason: null };
}

/**
 * The leader rule (DOMAIN.md, Decree 335): a leader's task score reflects the unit's results — full when every
 * subordinate reaches at least C, half when any is D. Half is rounded down to the hundredth, so a leader never
 * gains from rounding a penalty.
 *
 * Where it applies: the rubric's `leaderTaskCriterion` (nd-335: `tasks`, the 70-point task results) of an
 * evaluation whose employee is a unit head, when the caller supplies the subordinates' grades for the period.
 * `decide` applies it on approval and on an accepted appeal. hn-3814 does not use it.
 */
export function leaderTaskScore(taskScore: Hundredths, subordinateGrades: readonly Grade[]): Hundredths {
  return subordinateGrades.includes('D') ? divideFloor(taskScore, 2) : taskScore;
}
