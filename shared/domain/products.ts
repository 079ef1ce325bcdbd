/**
 * Converted products fed by the work systems (DOMAIN.md "Tasks from the work systems"): when they can change and
 * how they turn into the rubric's task score. Pure rules, no I/O.
 *
 * - A rubric's task criterion is the one its leader rule names (`leaderTaskCriterion`: nd-335's `tasks`): Decree 335
 *   scores that criterion from the products, and its leader rule halves the same criterion. A rubric without one
 *   (hn-3814) is scored by hand whatever was fed; its products are shown as information only.
 * - With at least one product fed for the evaluation, the task score is computed (`computedTaskScore`) and nobody
 *   types it; with none, the reviewer and approver score the criterion by hand, as before (the default for bodies
 *   without a feed).
 * - Products, the reviewer's excuses, the employee's comments and evidence change only while the evaluation is
 *   still before its review (`productsOpen`); once it is REVIEWED, APPROVED or EXPIRED they are frozen, so the
 *   reviewed and approved scores always match the products shown. A return to the reviewer opens them again.
 */
import { type ConvertedProduct, taskScoreOutOf } from './nd335.ts';
import type { Rubric } from './rubrics.ts';
import type { EvaluationStatus, Hundredths, ScoreMap } from './types.ts';

/** Statuses past review: the feed, excuses, comments and evidence are refused. */
export const PRODUCTS_LOCKED_STATUSES = [
  'REVIEWED',
  'APPROVED',
  'EXPIRED',
] as const satisfies EvaluationStatus[];
/** Statuses in which they may still change. */
export const PRODUCTS_OPEN_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'RETURNED',
] as const satisfies EvaluationStatus[];

export const productsOpen = (status: EvaluationStatus): boolean =>
  (PRODUCTS_OPEN_STATUSES as readonly string[]).includes(status);

/** At most this many products per employee and period: far above a month's (or a quarter's) real workload. */
export const MAX_PRODUCTS_PER_EVALUATION = 500;
/** Largest count of errors or delays a source may report for one product. */
export const MAX_PRODUCT_COUNT = 1000;

/** What the formula needs of a stored product. */
export interface ProductFacts {
  /** Conversion coefficient in hundredths (1.5 → 150). */
  weight: Hundredths;
  /** Delivered: the source reported a completion time. */
  completed: boolean;
  majorErrors: number;
  delays: number;
  /** Confirmed by the reviewer as having an objective cause. */
  errorsExcused: number;
  delaysExcused: number;
}

/**
 * The formula's input for one stored product. The source may lower its counts after the reviewer excused some (a
 * corrected report): an excuse never exceeds what is reported now.
 */
export function toConvertedProduct(id: string, p: ProductFacts): ConvertedProduct {
  return {
    id,
    weight: p.weight,
    completed: p.completed,
    majorErrors: p.majorErrors,
    delays: p.delays,
    errorsExcused: Math.min(p.errorsExcused, p.majorErrors),
    delaysExcused: Math.min(p.delaysExcused, p.delays),
  };
}

/** The rubric's task criterion and its maximum, or null when the rubric scores no criterion from products. */
export function taskCriterionOf(rubric: Rubric): { id: string; max: Hundredths } | null {
  const id = rubric.leaderTaskCriterion;
  if (id === undefined) return null;
  const criterion = rubric.criteria.find((c) => c.id === id);
  return criterion ? { id, max: criterion.max } : null;
}

/**
 * The scores the system computes for an evaluation: the task criterion from its products, or nothing (an empty
 * map) when the rubric has no task criterion or no product was fed, in which case the criterion is scored by hand.
 */
export function computedTaskScore(
  rubric: Rubric,
  products: readonly (ProductFacts & { id: string })[],
): ScoreMap {
  const criterion = taskCriterionOf(rubric);
  if (criterion === null || products.length === 0) return {};
  const converted = products.map((p) => toConvertedProduct(p.id, p));
  return { [criterion.id]: Math.min(criterion.max, Math.max(0, taskScoreOutOf(converted, criterion.max))) };
}
