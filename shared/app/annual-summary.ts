/**
 * The annual report's subtree figures: each unit's own staff's annual results summed (staff, classified, grades,
 * the averages for a mean), then summed over every unit's subtree, bottom-up, by the annual roll-up's
 * finalisation from its checkpoints (the results of the steps), and stored per unit and year. The report shows the
 * unit's own staff one by one and, for the unit and each direct sub-unit, these sums: never one row per person of
 * a whole city.
 */
import { divideRoundHalfUp, toPoints } from '../domain/points.ts';
import type { Grade } from '../domain/types.ts';
import type { AnnualFigures, AnnualSummary, Unit } from '../store/entities.ts';

export const EMPTY_ANNUAL: AnnualFigures = {
  units: 0,
  staff: 0,
  classified: 0,
  grades: { A: 0, B: 0, C: 0, D: 0 },
  averageSum: 0,
  averaged: 0,
};

/** One unit's own figures from its staff's results. */
export function ownAnnualFigures(
  results: readonly { average: number | null; classified: boolean; grade: Grade | null }[],
): AnnualFigures {
  const grades = { A: 0, B: 0, C: 0, D: 0 };
  let averageSum = 0;
  let averaged = 0;
  for (const r of results) {
    if (r.grade) grades[r.grade]++;
    if (r.average !== null) {
      averageSum += r.average;
      averaged++;
    }
  }
  return {
    units: 1,
    staff: results.length,
    classified: results.filter((r) => r.classified).length,
    grades,
    averageSum,
    averaged,
  };
}

/** Figure by figure; a figure an older checkpoint lacks counts 0. */
export const addAnnual = (a: AnnualFigures, b: Partial<AnnualFigures>): AnnualFigures => ({
  units: a.units + (b.units ?? 0),
  staff: a.staff + (b.staff ?? 0),
  classified: a.classified + (b.classified ?? 0),
  grades: {
    A: a.grades.A + (b.grades?.A ?? 0),
    B: a.grades.B + (b.grades?.B ?? 0),
    C: a.grades.C + (b.grades?.C ?? 0),
    D: a.grades.D + (b.grades?.D ?? 0),
  },
  averageSum: a.averageSum + (b.averageSum ?? 0),
  averaged: a.averaged + (b.averaged ?? 0),
});

/**
 * Every unit's summary: its own figures and its subtree's (its own plus every descendant's), bottom-up. A cycle in
 * the unit tree (bad data) is cut rather than followed.
 */
export function annualSummaries(
  units: readonly Pick<Unit, 'id' | 'parentId'>[],
  own: ReadonlyMap<string, Partial<AnnualFigures>>,
  year: number,
  computedAt: string,
): AnnualSummary[] {
  const children = new Map<string, string[]>();
  for (const u of units)
    if (u.parentId !== null) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
  const subtree = new Map<string, AnnualFigures>();
  const figuresOf = (unitId: string, seen: Set<string>): AnnualFigures => {
    const known = subtree.get(unitId);
    if (known) return known;
    if (seen.has(unitId)) return EMPTY_ANNUAL;
    seen.add(unitId);
    const figures = (children.get(unitId) ?? []).reduce(
      (sum, child) => addAnnual(sum, figuresOf(child, seen)),
      addAnnual(EMPTY_ANNUAL, own.get(unitId) ?? {}),
    );
    subtree.set(unitId, figures);
    return figures;
  };
  return units.map((u) => ({
    unitId: u.id,
    year,
    computedAt,
    own: addAnnual(EMPTY_ANNUAL, own.get(u.id) ?? {}),
    subtree: figuresOf(u.id, new Set()),
  }));
}

/** As the report shows them: counts, grades, and the mean of the annual averages in points. */
export function presentAnnualFigures(f: AnnualFigures) {
  return {
    units: f.units,
    staff: f.staff,
    classified: f.classified,
    notClassified: f.staff - f.classified,
    grades: f.grades,
    meanAverage: f.averaged > 0 ? toPoints(divideRoundHalfUp(f.averageSum, f.averaged)) : null,
  };
}
