/**
 * One employee's result for the year from all their monthly finals wherever they were (transfers carry their
 * months, since evaluations are keyed by employee): average, months counted, grade, not classified under 6 months.
 * The annual report (API) and the annual-rollup job both use it.
 */
import { annualResult } from '../domain/rankings.ts';
import { DEFAULT_RUBRIC_ID } from '../domain/rubrics.ts';
import type { Employee } from '../store/entities.ts';
import type { Store } from '../store/store.ts';
import { inParallel } from './parallel.ts';

export async function annualForEmployee(store: Store, employee: Employee, year: number) {
  const months = (await store.evaluations.listOfEmployee(employee.id, String(year))).filter(
    (e) => e.status === 'APPROVED' && e.decision,
  );
  const latest = months.at(-1);
  const rubric = latest ? await store.rubrics.getVersion(latest.rubricId, latest.rubricVersion) : null;
  const bands = rubric?.bands ?? (await store.rubrics.getVersion(DEFAULT_RUBRIC_ID, 1))?.bands ?? [];
  const result = annualResult(
    months.map((m) => ({ period: m.period, total: m.decision?.total ?? 0 })),
    bands,
    { ...employee.flags, isUnitHead: employee.isUnitHead },
  );
  return { employeeId: employee.id, name: employee.name, ...result, periods: months.map((m) => m.period) };
}

/** The year's result of each current member of a unit (see `annualForEmployee`). */
export async function computeAnnual(store: Store, unitId: string, year: number) {
  const staff = await store.org.listUnitStaff(unitId);
  return inParallel(staff, 8, async (employee) => {
    const { periods: _periods, ...result } = await annualForEmployee(store, employee, year);
    return result;
  });
}
