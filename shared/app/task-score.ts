/**
 * The task score an evaluation's fed products give (nd-335), for the transitions and the products' own pages, and
 * the products' public ids. Kept apart from the products' use cases so that the evaluation use cases can ask for it
 * without depending on them.
 */
import { computedTaskScore, type ProductFacts, taskCriterionOf } from '../domain/products.ts';
import type { Rubric } from '../domain/rubrics.ts';
import type { ActionType, ScoreMap } from '../domain/types.ts';
import type { StoredEvaluation, StoredProduct } from '../store/entities.ts';
import type { Store } from '../store/store.ts';

/**
 * A product's id in the API: its (source, source id) identity, base64url-encoded, so that a source id holding `/`
 * or `?` still makes one path segment.
 */
export const productIdOf = (source: string, sourceId: string): string =>
  Buffer.from(`${source}\n${sourceId}`, 'utf8').toString('base64url');

export function parseProductId(id: string): { source: string; sourceId: string } | null {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const cut = text.indexOf('\n');
  if (cut <= 0 || cut === text.length - 1) return null;
  const parsed = { source: text.slice(0, cut), sourceId: text.slice(cut + 1) };
  // Only the canonical encoding of a valid pair names a product.
  return productIdOf(parsed.source, parsed.sourceId) === id ? parsed : null;
}

export const productFacts = (p: StoredProduct): ProductFacts & { id: string } => ({
  id: productIdOf(p.source, p.sourceId),
  weight: p.weight,
  completed: p.completedAt !== null,
  majorErrors: p.majorErrors,
  delays: p.delays,
  errorsExcused: p.errorsExcused,
  delaysExcused: p.delaysExcused,
});

/** The actions whose score sheets take computed scores. */
const SCORED_ACTIONS: readonly ActionType[] = [
  'saveSelfAssessment',
  'submit',
  'review',
  'approve',
  'decideAppeal',
];

/**
 * The computed scores of an evaluation for an action, with the products' revision they come from; null when the
 * action takes no scores or the rubric scores nothing from products (no read at all then). An empty `scores`
 * means no product was fed: the task criterion is scored by hand.
 */
export async function computedScoresFor(
  store: Store,
  evaluation: Pick<StoredEvaluation, 'employeeId' | 'period'>,
  rubric: Rubric,
  action: ActionType,
): Promise<{ scores: ScoreMap; revision: number | null } | null> {
  if (!SCORED_ACTIONS.includes(action) || taskCriterionOf(rubric) === null) return null;
  const { revision, products } = await store.products.ofEvaluation(evaluation.employeeId, evaluation.period);
  return { scores: computedTaskScore(rubric, products.map(productFacts)), revision };
}
