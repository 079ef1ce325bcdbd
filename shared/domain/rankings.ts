/**
 * Rankings and reports (DOMAIN.md "Rankings and reports"): unit rankings with competition ranks, grade
 * distribution and participation; sub-unit league tables; the annual result; and inflation signals for HR.
 * Pure functions over rows the API has loaded; all scores in hundredths.
 */
import { periodSpan } from './calendar.ts';
import { type Band, gradeFor } from './grades.ts';
import { average, divideRoundHalfUp } from './points.ts';
import { countGrades } from './quota.ts';
import type { EmployeeFlags, EvaluationFlags, EvaluationStatus, Grade, Hundredths } from './types.ts';

const VI_COLLATOR = new Intl.Collator('vi', { sensitivity: 'variant', numeric: true });

/**
 * Vietnamese alphabetical order (a ă â b c d đ e ê …, tones after the base letter), as people expect names in a
 * list. Node ships full ICU by default, so the `vi` collation is available.
 */
export function compareVietnamese(a: string, b: string): number {
  return VI_COLLATOR.compare(a, b);
}

/** Plain code-unit order, for a stable last tiebreak on ids. */
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Basis points (1/100 of a percent) of part in whole, rounded half up; 0 for an empty whole. */
export function basisPoints(part: number, whole: number): number {
  return whole <= 0 ? 0 : divideRoundHalfUp(part * 10_000, whole);
}

export interface UnitRankingRow {
  employeeId: string;
  name: string;
  status: EvaluationStatus;
  /** The final (approved) total; null unless approved. */
  total: Hundredths | null;
  grade: Grade | null;
  flags: EvaluationFlags;
  /** Total of the SUBMITTED self-assessment; null when the employee never submitted (a saved draft is null). */
  selfTotal: Hundredths | null;
  /** Total of the reviewer's review; null when not reviewed. */
  reviewTotal: Hundredths | null;
}

export interface RankingEntry {
  rank: number;
  employeeId: string;
  name: string;
  total: Hundredths;
  grade: Grade;
}

/**
 * Participation of a unit in a period. Every count is a number of evaluations (one per employee):
 * - evaluated: evaluations opened for the unit (all rows, whatever their status);
 * - submitted: the employee submitted the self-assessment (`selfTotal` set and not `selfAssessmentMissing`);
 * - reviewed: the evaluation has a review (`reviewTotal` set), by the reviewer or by the approver in one step;
 * - approved: status APPROVED, i.e. with a final grade;
 * - missing: evaluated − submitted, the employees who did not submit their self-assessment;
 * - late: evaluations carrying any late flag (self-assessment, review or approval done after its deadline).
 */
export interface Participation {
  evaluated: number;
  submitted: number;
  reviewed: number;
  approved: number;
  missing: number;
  late: number;
}

export interface UnitRanking {
  entries: RankingEntry[];
  distribution: Record<Grade, number>;
  participation: Participation;
}

/**
 * Competition ranks ("1, 2, 2, 4") of items already sorted best first: an item's rank is 1 + the number of
 * items strictly better than it.
 */
function competitionRanks<T>(sorted: readonly T[], sameScore: (a: T, b: T) => boolean): number[] {
  const ranks: number[] = [];
  sorted.forEach((item, i) => {
    const prev = sorted[i - 1];
    const prevRank = ranks[i - 1];
    ranks.push(
      i > 0 && prev !== undefined && prevRank !== undefined && sameScore(prev, item) ? prevRank : i + 1,
    );
  });
  return ranks;
}

/**
 * A unit's ranking for a period: APPROVED evaluations ranked by final total, highest first, with competition
 * ranks (1, 2, 2, 4); equal totals are listed in Vietnamese alphabetical order of the name, then by id.
 */
export function rankUnit(rows: readonly UnitRankingRow[]): UnitRanking {
  const approved = rows
    .filter((r) => r.status === 'APPROVED' && r.total !== null && r.grade !== null)
    .map((r) => ({ employeeId: r.employeeId, name: r.name, total: r.total ?? 0, grade: r.grade ?? 'D' }));
  approved.sort(
    (a, b) =>
      b.total - a.total || compareVietnamese(a.name, b.name) || compareIds(a.employeeId, b.employeeId),
  );
  const ranks = competitionRanks(approved, (a, b) => a.total === b.total);
  const entries = approved.map((r, i) => ({ rank: ranks[i] ?? i + 1, ...r }));
  const submitted = rows.filter((r) => r.selfTotal !== null && r.flags.selfAssessmentMissing !== true).length;
  const participation: Participation = {
    evaluated: rows.length,
    submitted,
    reviewed: rows.filter((r) => r.reviewTotal !== null).length,
    approved: entries.length,
    missing: rows.length - submitted,
    late: rows.filter(
      (r) =>
        r.flags.lateSelfAssessment === true || r.flags.lateReview === true || r.flags.lateApproval === true,
    ).length,
  };
  return { entries, distribution: countGrades(entries.map((e) => e.grade)), participation };
}

/** Mean of final totals, rounded half up to the hundredth; null when there are none. */
export function meanTotal(totals: readonly Hundredths[]): Hundredths | null {
  return average(totals);
}

export interface SubunitRow {
  unitId: string;
  name: string;
  /** Mean final total of the sub-unit; null when nothing was approved. */
  meanTotal: Hundredths | null;
  /** Share of A among the sub-unit's approved evaluations, in basis points (integer, 10000 = 100%). */
  shareA: number;
  /** Share of evaluations approved, in basis points. */
  participation: number;
}

export interface SubunitEntry extends SubunitRow {
  rank: number;
}

/**
 * Sub-units ranked for their parent (DOMAIN.md: by mean score, share of A, participation). All three are
 * "higher is better", compared in that order: mean total descending, then share of A descending (more staff
 * judged excellent — inflation is watched separately by `inflationSignals`), then participation descending.
 * A sub-unit with no approved result (null mean) comes after every sub-unit with one. Sub-units equal on all
 * three share a rank (1, 2, 2, 4) and are listed in Vietnamese order of their names.
 */
export function rankSubunits(rows: readonly SubunitRow[]): SubunitEntry[] {
  const mean = (r: SubunitRow) => (r.meanTotal === null ? Number.NEGATIVE_INFINITY : r.meanTotal);
  const byMerit = (a: SubunitRow, b: SubunitRow) => {
    const ma = mean(a);
    const mb = mean(b);
    if (ma !== mb) return ma > mb ? -1 : 1;
    return b.shareA - a.shareA || b.participation - a.participation;
  };
  const sorted = [...rows].sort(
    (a, b) => byMerit(a, b) || compareVietnamese(a.name, b.name) || compareIds(a.unitId, b.unitId),
  );
  const ranks = competitionRanks(sorted, (a, b) => byMerit(a, b) === 0);
  return sorted.map((r, i) => ({ ...r, rank: ranks[i] ?? i + 1 }));
}

export interface AnnualResult {
  /** Mean of the monthly final totals, half up; null with no month. */
  average: Hundredths | null;
  monthsCounted: number;
  /** The year's grade; null when not classified. */
  grade: Grade | null;
  /** False with fewer than 6 months evaluated (Decree 90): the year is not classified. */
  classified: boolean;
}

/** Fewer months than this in the year → not classified (Decree 90). */
export const MIN_MONTHS_FOR_ANNUAL = 6;

/**
 * The annual result of a monthly year (Decree 335, art. 21): the average of the monthly final totals, graded with
 * the same bands (and the forced-D flags, e.g. a reprimand in the year); fewer than 6 months → not classified.
 * One final per month: when a period appears twice (a transfer carried to the new unit), the later entry in the
 * list wins. Months from every unit count. `yearResult` is the general rule (quarters, mixed years).
 */
export function annualResult(
  monthlyFinals: readonly { period: string; total: Hundredths }[],
  bands: readonly Band[],
  flags: EmployeeFlags & { isUnitHead?: boolean } = {},
): AnnualResult {
  const r = yearResult(monthlyFinals, bands, flags, MONTHS_OF_YEAR);
  return { average: r.average, monthsCounted: r.periodsCounted, grade: r.grade, classified: r.classified };
}

/** The twelve periods of a monthly year (only their number and weights matter to `yearResult`). */
const MONTHS_OF_YEAR = Array.from({ length: 12 }, (_, i) => `2000-${String(i + 1).padStart(2, '0')}`);

export interface YearResult {
  /**
   * The year's average: each period's final total weighted by the months it covers (a quarter counts three times
   * a month), half up to the hundredth; null with no period. In a year of one cycle it is the plain mean.
   */
  average: Hundredths | null;
  /** Periods with an approved final. */
  periodsCounted: number;
  /** The periods the year had for the person's category (12 months, 4 quarters, or a mix). */
  periodsInYear: number;
  /** Months covered by the periods counted (a quarter is 3). */
  monthsCounted: number;
  grade: Grade | null;
  /** False when fewer than half of the year's periods were evaluated: the year is not classified. */
  classified: boolean;
  /** Why the year is not classified, in Vietnamese; null when it is. */
  reason: string | null;
}

/**
 * The year's result (Decree 335, art. 21; DOMAIN.md "Annual result"): the average of whatever periods the year had
 * — months, quarters, or a mix after a change of cycle — each weighted by the months it covers, graded with the
 * bands and the forced-D flags. Fewer than half of the year's periods evaluated (`periodsInYear`, the periods the
 * person's category had) → not classified, with the reason (Decree 90's "fewer than 6 months" for a monthly
 * year; fewer than 2 quarters for a quarterly one). One final per period: the later entry in the list wins.
 */
export function yearResult(
  finals: readonly { period: string; total: Hundredths }[],
  bands: readonly Band[],
  flags: EmployeeFlags & { isUnitHead?: boolean },
  periodsInYear: readonly string[],
): YearResult {
  const byPeriod = new Map<string, Hundredths>();
  for (const f of finals) byPeriod.set(f.period, f.total);
  let weighted = 0;
  let months = 0;
  for (const [period, total] of byPeriod) {
    const weight = periodSpan(period)?.months ?? 1;
    weighted += total * weight;
    months += weight;
  }
  const counted = byPeriod.size;
  const avg = months === 0 ? null : divideRoundHalfUp(weighted, months);
  const expected = periodsInYear.length;
  const enough = counted > 0 && counted * 2 >= expected;
  const classified = enough && avg !== null;
  let reason: string | null = null;
  if (!classified) {
    const half = Math.ceil(expected / 2);
    reason =
      counted === 0
        ? 'Không xếp loại: không có kỳ nào được đánh giá trong năm.'
        : `Không xếp loại: được đánh giá ${counted}/${expected} kỳ trong năm, dưới một nửa (cần ít nhất ${half} kỳ).`;
  }
  return {
    average: avg,
    periodsCounted: counted,
    periodsInYear: expected,
    monthsCounted: months,
    grade: classified && avg !== null ? gradeFor(avg, bands, flags).grade : null,
    classified,
    reason,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Inflation signals for HR

export interface InflationInputRow {
  employeeId: string;
  /** Final grade; null unless approved. */
  grade: Grade | null;
  selfTotal: Hundredths | null;
  reviewTotal: Hundredths | null;
  /** Free-text comments written on the evaluation (review, decision). */
  comments: readonly (string | null)[];
}

export interface InflationInputUnit {
  unitId: string;
  name: string;
  rows: readonly InflationInputRow[];
}

export interface InflationOptions {
  /** Share of A (basis points) from which a unit is "nearly everybody A". Default 8000 (80%). */
  nearlyAllAShare: number;
  /** Fewest approved evaluations for the unit-level signals to mean anything. Default 3. */
  minApproved: number;
  /** Shortest comment (after normalising) counted as copy-paste; "Tốt" is not. Default 20 characters. */
  minCommentLength: number;
}

export const DEFAULT_INFLATION_OPTIONS: InflationOptions = {
  nearlyAllAShare: 8000,
  minApproved: 3,
  minCommentLength: 20,
};

export type InflationSignal = 'NEARLY_ALL_A' | 'ALL_SAME_GRADE' | 'SELF_ABOVE_REVIEW' | 'COPY_PASTE_COMMENTS';

export interface UnitInflation {
  unitId: string;
  name: string;
  approved: number;
  /** Share of A among approved, basis points. */
  shareA: number;
  /** Mean of (self − review) over evaluations having both, hundredths, half up; null when none. */
  meanSelfMinusReview: Hundredths | null;
  /** Every approved evaluation (at least `minApproved`) has the same grade. */
  allSameGrade: boolean;
  /**
   * Comments that repeat another comment of the unit word for word (after trimming, lower-casing and collapsing
   * spaces), counting every copy: three identical comments count 3.
   */
  identicalComments: number;
  /** The signals raised, most serious first. */
  signals: InflationSignal[];
}

/**
 * A comment as compared for copy-paste: NFC, spacing collapsed, lower case. `toLowerCase` rather than
 * `toLocaleLowerCase('vi')`: Vietnamese has no casing rules of its own (only Turkish, Azeri and Lithuanian do), so
 * both give the same result for every code point (checked on Node 20), and the locale-aware one, 50 times slower,
 * was about a quarter of the rankings job's own computing (profiled at 20,000 staff).
 */
function normaliseComment(c: string): string {
  return c.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Signals of formalistic, inflated evaluation per unit (DOMAIN.md: 96.6% good or excellent in 2018):
 * - NEARLY_ALL_A: share of A at or above `nearlyAllAShare` with at least `minApproved` approved;
 * - ALL_SAME_GRADE: everybody approved got the same grade (at least `minApproved`);
 * - SELF_ABOVE_REVIEW: mean self-score minus reviewer score above 5 points: employees grade themselves well
 *   above what their supervisor sees (a negative gap is not inflation);
 * - COPY_PASTE_COMMENTS: at least `minApproved` comments identical to another one in the unit.
 * Units are returned in the input order; HR sorts as it needs.
 */
export function inflationSignals(
  units: readonly InflationInputUnit[],
  options: Partial<InflationOptions> = {},
): UnitInflation[] {
  const o = { ...DEFAULT_INFLATION_OPTIONS, ...options };
  return units.map((u) => {
    const grades = u.rows.map((r) => r.grade).filter((g): g is Grade => g !== null);
    const counts = countGrades(grades);
    const approved = grades.length;
    const shareA = basisPoints(counts.A, approved);
    const gaps: number[] = [];
    for (const r of u.rows)
      if (r.selfTotal !== null && r.reviewTotal !== null) gaps.push(r.selfTotal - r.reviewTotal);
    const meanSelfMinusReview = average(gaps);
    const allSameGrade = approved >= o.minApproved && new Set(grades).size === 1;
    const seen = new Map<string, number>();
    for (const r of u.rows) {
      for (const c of r.comments) {
        if (c === null) continue;
        const n = normaliseComment(c);
        if (n.length >= o.minCommentLength) seen.set(n, (seen.get(n) ?? 0) + 1);
      }
    }
    let identicalComments = 0;
    for (const count of seen.values()) if (count > 1) identicalComments += count;
    const signals: InflationSignal[] = [];
    if (approved >= o.minApproved && shareA >= o.nearlyAllAShare) signals.push('NEARLY_ALL_A');
    if (allSameGrade) signals.push('ALL_SAME_GRADE');
    if (meanSelfMinusReview !== null && meanSelfMinusReview > 500) signals.push('SELF_ABOVE_REVIEW');
    if (identicalComments >= o.minApproved) signals.push('COPY_PASTE_COMMENTS');
    return {
      unitId: u.unitId,
      name: u.name,
      approved,
      shareA,
      meanSelfMinusReview,
      allSameGrade,
      identicalComments,
      signals,
    };
  });
}
