/**
 * Rankings: computed per unit from its evaluations, stored as snapshots with the time they were computed, and
 * served as stored. Parents rank their sub-units on the figures of each sub-unit's whole subtree. Computing is
 * idempotent: the same evaluations give the same snapshot (but for `computedAt`). One pipeline computes them, the
 * compute-rankings and close-period jobs' unit steps (app/jobs); these are its pieces.
 */
import { divideRoundHalfUp } from '../../domain/points.ts';
import { countGrades, quotaPerDutyGroup, quotaStatus } from '../../domain/quota.ts';
import { basisPoints, inflationSignals, rankSubunits, rankUnit } from '../../domain/rankings.ts';
import { DEFAULT_RUBRIC_ID } from '../../domain/rubrics.ts';
import type {
  RankingRow,
  RankingSnapshot,
  SubtreeFigures,
  SubunitRankingSnapshot,
  Unit,
  UnitPeriodCounters,
} from '../../store/entities.ts';
import type { Store } from '../../store/store.ts';

export const EMPTY_FIGURES: SubtreeFigures = {
  approved: 0,
  evaluated: 0,
  sumTotals: 0,
  countA: 0,
  units: 0,
  submitted: 0,
  reviewed: 0,
  late: 0,
  countB: 0,
  countC: 0,
  countD: 0,
  gapSum: 0,
  gapCount: 0,
  identicalComments: 0,
};
const FIGURE_KEYS = Object.keys(EMPTY_FIGURES) as (keyof SubtreeFigures)[];

function mostCommon<T>(values: readonly T[]): T | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) if (n > bestCount) [best, bestCount] = [v, n];
  return best;
}

export type OwnSnapshot = RankingSnapshot & { own: SubtreeFigures };

/**
 * The unit's own snapshot; its `subtree` holds the unit's own figures until the roll-up adds its sub-units'.
 * `rows` and `counters` are read here unless the caller has them already.
 */
export async function computeUnitSnapshot(
  store: Store,
  unit: Pick<Unit, 'id' | 'name'>,
  period: string,
  computedAt: string,
  rows?: readonly RankingRow[],
  counters?: Pick<UnitPeriodCounters, 'evaluated' | 'outstanding'>,
): Promise<OwnSnapshot> {
  const evaluations = rows ?? (await store.evaluations.rankingRows(unit.id, period));
  const ranking = rankUnit(
    evaluations.map((e) => ({
      employeeId: e.employeeId,
      name: e.employeeName,
      status: e.status,
      total: e.status === 'APPROVED' ? (e.decision?.total ?? null) : null,
      grade: e.status === 'APPROVED' ? (e.decision?.grade ?? null) : null,
      flags: e.flags ?? {},
      selfTotal: e.selfAssessment?.submittedAt ? e.selfAssessment.total : null,
      reviewTotal: e.review?.total ?? null,
    })),
  );
  // A unit normally scores everyone with one rubric; with a mix, the quota follows the most common one.
  const rubricKey = mostCommon(evaluations.map((e) => `${e.rubricId}@${e.rubricVersion}`));
  let quota: RankingSnapshot['quota'] = null;
  let rubricId: string | null = null;
  if (rubricKey) {
    const [id = DEFAULT_RUBRIC_ID, version = '1'] = rubricKey.split('@');
    rubricId = id;
    const [rubric, { evaluated, outstanding }] = await Promise.all([
      store.rubrics.getVersion(id, Number(version)),
      counters ?? store.evaluations.unitCounters(unit.id, period),
    ]);
    if (rubric) {
      quota = quotaStatus(rubric.quota, { evaluated, outstanding, counts: ranking.distribution });
      const grouped = evaluations.some((e) => e.dutyGroup !== undefined);
      if (quotaPerDutyGroup(rubric.quota) && grouped) {
        // Decree 335 within each group of similar duties: the unit's figure is the sum of its groups'.
        const names = [...new Set(evaluations.map((e) => e.dutyGroup ?? null))].sort((a, b) =>
          a === null ? 1 : b === null ? -1 : a.localeCompare(b),
        );
        const groups = names.map((group) => {
          const counts = countGrades(
            evaluations
              .filter((e) => (e.dutyGroup ?? null) === group && e.status === 'APPROVED')
              .map((e) => e.decision?.grade ?? null),
          );
          const status = quotaStatus(rubric.quota, { evaluated, outstanding, counts });
          return { group, limit: status.limit, used: status.used, ok: status.ok };
        });
        quota = {
          rule: quota.rule,
          limit: groups.reduce((n, g) => n + g.limit, 0),
          used: groups.reduce((n, g) => n + g.used, 0),
          ok: groups.every((g) => g.ok),
          groups,
        };
      }
    }
  }
  const [inflation] = inflationSignals([
    {
      unitId: unit.id,
      name: unit.name,
      rows: evaluations.map((e) => ({
        employeeId: e.employeeId,
        grade: e.status === 'APPROVED' ? (e.decision?.grade ?? null) : null,
        selfTotal: e.selfAssessment?.submittedAt ? e.selfAssessment.total : null,
        reviewTotal: e.review?.total ?? null,
        comments: [e.review?.comment ?? null, e.decision?.comment ?? null],
      })),
    },
  ]);
  if (!inflation) throw new Error('inflationSignals returned no unit');
  let gapSum = 0;
  let gapCount = 0;
  for (const e of evaluations) {
    if (e.selfAssessment?.submittedAt && e.review) {
      gapSum += e.selfAssessment.total - e.review.total;
      gapCount++;
    }
  }
  const own: SubtreeFigures = {
    approved: ranking.entries.length,
    evaluated: evaluations.length,
    sumTotals: ranking.entries.reduce((s, e) => s + e.total, 0),
    countA: ranking.distribution.A,
    units: 1,
    submitted: ranking.participation.submitted,
    reviewed: ranking.participation.reviewed,
    late: ranking.participation.late,
    countB: ranking.distribution.B,
    countC: ranking.distribution.C,
    countD: ranking.distribution.D,
    gapSum,
    gapCount,
    identicalComments: inflation.identicalComments,
  };
  return {
    unitId: unit.id,
    unitName: unit.name,
    period,
    computedAt,
    rubricId,
    entries: ranking.entries,
    distribution: ranking.distribution,
    quota,
    participation: ranking.participation,
    inflation,
    subtree: own,
    own,
  };
}

/** Figure by figure (every one is a sum over units); a figure a checkpoint of an older run lacks counts 0. */
const combine = (a: SubtreeFigures, b: SubtreeFigures, sign: 1 | -1): SubtreeFigures =>
  Object.fromEntries(FIGURE_KEYS.map((k) => [k, (a[k] ?? 0) + sign * (b[k] ?? 0)])) as SubtreeFigures;

export const addFigures = (a: SubtreeFigures, b: SubtreeFigures): SubtreeFigures => combine(a, b, 1);

export const subtractFigures = (a: SubtreeFigures, b: SubtreeFigures): SubtreeFigures => combine(a, b, -1);

export function subunitRow(unit: Pick<Unit, 'id' | 'name'>, figures: SubtreeFigures) {
  return {
    unitId: unit.id,
    name: unit.name,
    meanTotal: figures.approved > 0 ? divideRoundHalfUp(figures.sumTotals, figures.approved) : null,
    shareA: basisPoints(figures.countA, figures.approved),
    participation: basisPoints(figures.approved, figures.evaluated),
  };
}

/**
 * Each unit's figures summed over its whole subtree (its own plus every descendant's), and each unit's children.
 * A cycle in the unit tree (bad data) is cut rather than followed.
 */
export function rollUp(
  units: readonly Unit[],
  own: ReadonlyMap<string, SubtreeFigures>,
): { subtree: Map<string, SubtreeFigures>; children: Map<string, Unit[]> } {
  const children = new Map<string, Unit[]>();
  for (const u of units)
    if (u.parentId !== null) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u]);
  const subtree = new Map<string, SubtreeFigures>();
  const figuresOf = (unitId: string, seen = new Set<string>()): SubtreeFigures => {
    const known = subtree.get(unitId);
    if (known) return known;
    if (seen.has(unitId)) return EMPTY_FIGURES;
    seen.add(unitId);
    const figures = (children.get(unitId) ?? []).reduce(
      (sum, child) => addFigures(sum, figuresOf(child.id, seen)),
      own.get(unitId) ?? EMPTY_FIGURES,
    );
    subtree.set(unitId, figures);
    return figures;
  };
  for (const u of units) figuresOf(u.id);
  return { subtree, children };
}

/** A parent's league table of its sub-units, from the sub-units' subtree figures. */
export function subunitSnapshot(
  unitId: string,
  kids: readonly Unit[],
  subtree: ReadonlyMap<string, SubtreeFigures>,
  period: string,
  computedAt: string,
): SubunitRankingSnapshot {
  return {
    unitId,
    period,
    computedAt,
    entries: rankSubunits(kids.map((k) => subunitRow(k, subtree.get(k.id) ?? EMPTY_FIGURES))),
  };
}
