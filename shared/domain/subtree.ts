/**
 * A unit and everything below it, from figures that add up over units (DOMAIN.md "Rankings and reports"): what
 * the subtree block of a unit ranking shows. Shares and means are derived from the sums, never averaged over units;
 * the inflation signals use the thresholds of the unit-level ones (`DEFAULT_INFLATION_OPTIONS`). Pure.
 */
import { divideRoundHalfUp } from './points.ts';
import {
  basisPoints,
  DEFAULT_INFLATION_OPTIONS,
  type InflationSignal,
  type Participation,
} from './rankings.ts';
import type { Grade, Hundredths } from './types.ts';

/** Sums over the units of a subtree (each unit's own figures added). */
export interface AdditiveFigures {
  units: number;
  evaluated: number;
  submitted: number;
  reviewed: number;
  approved: number;
  late: number;
  sumTotals: Hundredths;
  countA: number;
  countB: number;
  countC: number;
  countD: number;
  /** Sum and number of (self − review) gaps over evaluations with both. */
  gapSum: Hundredths;
  gapCount: number;
  /** Each unit's count of comments repeated word for word inside it (comments are compared within a unit). */
  identicalComments: number;
}

export interface SubtreeSummary {
  units: number;
  /** People evaluated in the subtree this month (one evaluation each). */
  staff: number;
  /** Mean final total of the approved, half up; null when nothing was approved. */
  meanTotal: Hundredths | null;
  distribution: Record<Grade, number>;
  participation: Participation;
  inflation: {
    approved: number;
    /** Share of A among approved, basis points. */
    shareA: number;
    meanSelfMinusReview: Hundredths | null;
    allSameGrade: boolean;
    identicalComments: number;
    signals: InflationSignal[];
  };
}

export function summarizeSubtree(f: AdditiveFigures, options = DEFAULT_INFLATION_OPTIONS): SubtreeSummary {
  const distribution = { A: f.countA, B: f.countB, C: f.countC, D: f.countD };
  const shareA = basisPoints(f.countA, f.approved);
  const meanSelfMinusReview = f.gapCount > 0 ? divideRoundHalfUp(f.gapSum, f.gapCount) : null;
  const allSameGrade =
    f.approved >= options.minApproved && Object.values(distribution).some((n) => n === f.approved);
  const signals: InflationSignal[] = [];
  if (f.approved >= options.minApproved && shareA >= options.nearlyAllAShare) signals.push('NEARLY_ALL_A');
  if (allSameGrade) signals.push('ALL_SAME_GRADE');
  if (meanSelfMinusReview !== null && meanSelfMinusReview > 500) signals.push('SELF_ABOVE_REVIEW');
  if (f.identicalComments >= options.minApproved) signals.push('COPY_PASTE_COMMENTS');
  return {
    units: f.units,
    staff: f.evaluated,
    meanTotal: f.approved > 0 ? divideRoundHalfUp(f.sumTotals, f.approved) : null,
    distribution,
    participation: {
      evaluated: f.evaluated,
      submitted: f.submitted,
      reviewed: f.reviewed,
      approved: f.approved,
      missing: f.evaluated - f.submitted,
      late: f.late,
    },
    inflation: {
      approved: f.approved,
      shareA,
      meanSelfMinusReview,
      allSameGrade,
      identicalComments: f.identicalComments,
      signals,
    },
  };
}
