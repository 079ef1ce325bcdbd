/**
 * After a published result changed (an accepted appeal), brings the stored rankings up to date: the unit's own
 * snapshot is recomputed, and the change in its figures is carried up to every ancestor's subtree figures and
 * league table. Periods still open are left to the daily ranking job; a period never ranked has nothing to fix.
 */
import type { Store } from '../../store/store.ts';
import { unitChain } from '../access.ts';
import {
  addFigures,
  computeUnitSnapshot,
  EMPTY_FIGURES,
  subtractFigures,
  subunitSnapshot,
} from './compute.ts';

export async function refreshRankingsAfterChange(
  store: Store,
  unitId: string,
  period: string,
  at: string,
): Promise<void> {
  const before = await store.rankings.get(unitId, period);
  if (!before) return;
  const [unit, ...ancestors] = await unitChain(store, unitId);
  if (!unit) return;
  const childFigures = async (parentId: string) => {
    const kids = await store.org.listChildUnits(parentId);
    const snapshots = await store.rankings.getMany(
      kids.map((k) => k.id),
      period,
    );
    return { kids, subtree: new Map(kids.map((k) => [k.id, snapshots.get(k.id)?.subtree ?? EMPTY_FIGURES])) };
  };
  const { subtree: below } = await childFigures(unitId);
  const oldOwn = [...below.values()].reduce(subtractFigures, before.subtree);
  const { own: newOwn, ...fresh } = await computeUnitSnapshot(store, unit, period, at);
  const delta = subtractFigures(newOwn, oldOwn);
  await store.rankings.put({ ...fresh, subtree: addFigures(before.subtree, delta) });
  // Nearest first: each ancestor's league table reads its children's subtree figures, just updated below it.
  for (const ancestor of ancestors) {
    const snapshot = await store.rankings.get(ancestor.id, period);
    if (snapshot)
      await store.rankings.put({ ...snapshot, computedAt: at, subtree: addFigures(snapshot.subtree, delta) });
    const { kids, subtree } = await childFigures(ancestor.id);
    await store.rankings.putSubunit(subunitSnapshot(ancestor.id, kids, subtree, period, at));
  }
}
