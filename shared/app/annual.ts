/**
 * One employee's result for the year from all their period finals wherever they were (transfers carry their
 * periods, since evaluations are keyed by employee): the average of months and quarters weighted by the months they
 * cover, periods counted against the periods the year had for the employee's category (not classified under half),
 * the grade with the bands of the latest period's rubric. The annual report (API), the annual-rollup job and the
 * income export all use it.
 */
import { config } from '../config.ts';
import { comparePeriods } from '../domain/calendar.ts';
import { type CycleSchedule, periodsOfYear } from '../domain/cycles.ts';
import { yearResult } from '../domain/rankings.ts';
import { DEFAULT_RUBRIC_ID } from '../domain/rubrics.ts';
import type { Employee, StoredEvaluation } from '../store/entities.ts';
import { inParallel } from '../store/parallel.ts';
import type { Store } from '../store/store.ts';

/** An employee's approved evaluations of a year, oldest first (months and quarters in calendar order). */
export async function approvedOfYear(store: Store, employeeId: string, year: number) {
  return (await store.evaluations.listOfEmployee(employeeId, String(year)))
    .filter(
      (e): e is StoredEvaluation & { decision: NonNullable<StoredEvaluation['decision']> } =>
        e.status === 'APPROVED' && e.decision !== null,
    )
    .sort((a, b) => comparePeriods(a.period, b.period));
}

export async function annualForEmployee(
  store: Store,
  employee: Employee,
  year: number,
  cycles: CycleSchedule = config().cycles,
) {
  const approved = await approvedOfYear(store, employee.id, year);
  // The grade uses the bands of the rubric the latest period was graded with: a city with 90 / 75 / 50 keeps its own.
  const latest = approved.at(-1);
  const rubric = latest ? await store.rubrics.getVersion(latest.rubricId, latest.rubricVersion) : null;
  const bands = rubric?.bands ?? (await store.rubrics.getVersion(DEFAULT_RUBRIC_ID, 1))?.bands ?? [];
  const result = yearResult(
    approved.map((e) => ({ period: e.period, total: e.decision.total })),
    bands,
    { ...employee.flags, isUnitHead: employee.isUnitHead },
    periodsOfYear(cycles, employee.category, year),
  );
  return {
    employeeId: employee.id,
    name: employee.name,
    ...result,
    periods: approved.map((e) => e.period),
    /** Each period's approved grade, for what the results pay. */
    grades: approved.map((e) => ({ period: e.period, grade: e.decision.grade })),
  };
}

/** The year's result of each current member of a unit (see `annualForEmployee`), with the periods' detail. */
export async function computeYear(store: Store, unitId: string, year: number) {
  const staff = await store.org.listUnitStaff(unitId);
  return inParallel(staff, 8, async (employee) => {
    const { periods: _periods, grades: _grades, ...result } = await annualForEmployee(store, employee, year);
    return result;
  });
}

/** The year's result of each current member of a unit, as the annual-rollup job stores it. */
export async function computeAnnual(store: Store, unitId: string, year: number) {
  return (await computeYear(store, unitId, year)).map((r) => ({
    employeeId: r.employeeId,
    name: r.name,
    average: r.average,
    monthsCounted: r.monthsCounted,
    grade: r.grade,
    classified: r.classified,
  }));
}
