/**
 * annual-rollup (10 December, before the 15 December deadline): each employee's result for the year from their
 * period finals (Decree 335 art. 21: the average of the months or quarters; fewer than half of the year's periods →
 * not classified, Decree 90's 6 months of a monthly year), stored per
 * employee and listed by their current unit. Evaluations are keyed by employee, so a transfer carries its months
 * to the new unit; the stored result has one key per employee and year, so a rerun after a transfer moves it
 * rather than duplicating it.
 *
 * Per unit: the same `annualForEmployee` the API's annual report uses; the results are plain overwrites with the
 * run's time, so redoing a unit after a crash writes the same items.
 */
import { vietnamDateOf } from '../../domain/calendar.ts';
import type { Grade } from '../../domain/types.ts';
import type { StoredAnnualResult } from '../../store/entities.ts';
import { inParallel } from '../../store/parallel.ts';
import { annualForEmployee } from '../annual.ts';
import { annualSummaries, ownAnnualFigures } from '../annual-summary.ts';
import type { JobContext, RunReport } from './types.ts';
import { perUnit, startUnitRun, type UnitJob } from './unit-run.ts';

export interface AnnualStepResult {
  employees: number;
  classified: number;
  grades: Record<Grade, number>;
  /** Sum and number of the annual averages (hundredths): the subtree's mean in the report. */
  averageSum?: number;
  averaged?: number;
}

const noGrades = (): Record<Grade, number> => ({ A: 0, B: 0, C: 0, D: 0 });

export const annualRollupJob: UnitJob<AnnualStepResult> = {
  job: 'annual-rollup',
  repeatable: true,
  work: perUnit(async (ctx, run, unitId) => {
    const grades = noGrades();
    // A leftover step of a superseded run must not overwrite newer results with its older time.
    const current = await ctx.store.runs.get(run.job, run.scope);
    if (current?.runId !== run.runId || current.status !== 'RUNNING')
      return { result: { employees: 0, classified: 0, grades, averageSum: 0, averaged: 0 } };
    const year = Number(run.scope);
    const staff = await ctx.store.org.listUnitStaff(unitId);
    const results = await inParallel(staff, 8, (employee) => annualForEmployee(ctx.store, employee, year));
    const records: StoredAnnualResult[] = results.map((r) => ({
      employeeId: r.employeeId,
      name: r.name,
      unitId,
      year,
      average: r.average,
      monthsCounted: r.monthsCounted,
      grade: r.grade,
      classified: r.classified,
      periods: r.periods,
      periodsInYear: r.periodsInYear,
      reason: r.reason,
      computedAt: run.at,
    }));
    await ctx.store.rankings.putAnnual(records, { unitId, year, computedAt: run.at });
    const own = ownAnnualFigures(results);
    return {
      result: {
        employees: own.staff,
        classified: own.classified,
        grades: own.grades,
        averageSum: own.averageSum,
        averaged: own.averaged,
      },
    };
  }),
  async finalize(ctx, run, results, units) {
    // Each unit's figures and its whole subtree's, bottom-up from the steps' checkpoints, for the annual report.
    const own = new Map(
      [...results].map(([unitId, r]) => [
        unitId,
        {
          units: 1,
          staff: r.employees,
          classified: r.classified,
          grades: r.grades,
          averageSum: r.averageSum ?? 0,
          averaged: r.averaged ?? 0,
        },
      ]),
    );
    await ctx.store.rankings.putAnnualSummaries(
      annualSummaries(units, own, Number(run.scope), run.at),
      ctx.concurrency,
    );
    const grades = noGrades();
    let employees = 0;
    let classified = 0;
    for (const r of results.values()) {
      employees += r.employees;
      classified += r.classified;
      for (const g of ['A', 'B', 'C', 'D'] as const) grades[g] += r.grades[g];
    }
    return {
      year: Number(run.scope),
      units: results.size,
      employees,
      classified,
      notClassified: employees - classified,
      grades,
    };
  },
};

/** The year asked for (`2026`, or a period `2026-12`), or the year of the run's time in Vietnam. */
export async function startAnnualRollup(ctx: JobContext, target?: string): Promise<RunReport[]> {
  const raw = target ?? vietnamDateOf(ctx.now.toISOString())?.slice(0, 4);
  const year = raw?.slice(0, 4);
  if (!year || !/^2\d{3}$/.test(year)) throw new Error(`not a year: ${String(target)}`);
  return [await startUnitRun(ctx, annualRollupJob, year)];
}
