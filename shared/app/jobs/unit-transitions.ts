/**
 * A transition applied by a job to the evaluations of one unit (the close expires them, a reopening brings them
 * back), counting those it changed.
 */
import type { StoredEvaluation } from '../../store/entities.ts';
import type { Store } from '../../store/store.ts';
import type { TransitionResult } from '../evaluations.ts';

/**
 * Applies `transition` to every evaluation of the unit in the period that `applies` picks, one after the other;
 * returns how many it changed. An evaluation changed since the (eventually consistent) unit index listed it, or
 * by a racing run, answers INVALID_TRANSITION or NOT_FOUND: it is left as it is. Any other refusal stops the step.
 */
export async function transitionEachOfUnit(
  store: Store,
  unitId: string,
  period: string,
  applies: (e: StoredEvaluation) => boolean,
  transition: (e: StoredEvaluation) => Promise<TransitionResult>,
): Promise<number> {
  let changed = 0;
  for (const e of await store.evaluations.listByUnit(unitId, period)) {
    if (!applies(e)) continue;
    const result = await transition(e);
    if (result.ok) changed++;
    else if (result.error.code !== 'INVALID_TRANSITION' && result.error.code !== 'NOT_FOUND')
      throw result.error;
  }
  return changed;
}
