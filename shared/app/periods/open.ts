/**
 * Opening a period: the period record with its deadlines (decided once), then, unit by unit, a draft for every
 * active employee with reviewer, approver and rubric fixed from the org as it is now. Running it again creates
 * only what is missing (e.g. after a crash, or for staff added since) and never touches an existing evaluation.
 */
import { assign } from '../../domain/assignment.ts';
import { deadlinesFor, validateDeadlines } from '../../domain/calendar.ts';
import { validationFailed } from '../../domain/errors.ts';
import { defaultRubricFor } from '../../domain/rubrics.ts';
import type { Deadlines } from '../../domain/types.ts';
import type { Period, SkippedEmployee, StoredEvaluation } from '../../store/entities.ts';
import type { NewDraft } from '../../store/evaluation-store.ts';
import type { Store } from '../../store/store.ts';
import type { UnitOrgSnapshot } from './snapshot.ts';

/** When a period with these deadlines closes: the calendar's close time, or just after its approval deadline. */
export function closeTimeWith(period: string, deadlines: Deadlines): string {
  const calendar = deadlinesFor(period);
  return new Date(Math.max(Date.parse(deadlines.approval) + 1, Date.parse(calendar.closesAt))).toISOString();
}

/** Creates the period with its deadlines unless it exists; the stored one either way. */
export async function createPeriodRecord(
  store: Store,
  period: string,
  deadlines: Deadlines | undefined,
  at: string,
  actorId: string,
): Promise<{ created: boolean; period: Period }> {
  if (deadlines) {
    const problems = validateDeadlines(period, deadlines);
    if (problems.length > 0) throw validationFailed(problems.map((p) => ({ ...p, path: `body.${p.path}` })));
  }
  const calendar = deadlinesFor(period);
  const chosen = deadlines ?? {
    selfAssessment: calendar.selfAssessment,
    review: calendar.review,
    approval: calendar.approval,
  };
  const closesAt = deadlines ? closeTimeWith(period, deadlines) : calendar.closesAt;
  return store.periods.createIfMissing({
    period,
    status: 'OPEN',
    deadlines: chosen,
    closesAt,
    openedAt: at,
    openedBy: actorId,
    skipped: [],
    closedAt: null,
    publishedAt: null,
    appealDeadline: null,
  });
}

export interface OpenUnitResult {
  created: number;
  existing: number;
  skipped: SkippedEmployee[];
}

/**
 * Creates the drafts of one unit (skipping those that exist): the fan-out unit of the open-period job.
 * `existing` counts the unit's evaluations of the period that were there already.
 */
export async function openUnit(
  store: Store,
  period: Period,
  unitId: string,
  snapshot: UnitOrgSnapshot,
  options: { at: string; actorId: string; rubricByCategory: Parameters<typeof defaultRubricFor>[1] },
): Promise<OpenUnitResult> {
  const unit = snapshot.units.get(unitId);
  if (!unit) return { created: 0, existing: 0, skipped: [] };
  const rubricVersions = new Map<string, number | null>();
  const skipped: SkippedEmployee[] = [];
  // One Query instead of one refused write per existing draft when the opening runs again. The index may lag
  // behind a draft written a moment ago; the conditional writes still catch it.
  const existingIds = new Set(
    (await store.evaluations.listByUnit(unitId, period.period)).map((e) => e.employeeId),
  );
  const pending: NewDraft[] = [];
  for (const employee of snapshot.staff.get(unitId) ?? []) {
    if (!employee.active || existingIds.has(employee.id)) continue;
    const assignment = assign(employee, snapshot);
    if (!assignment.ok) {
      skipped.push({ employeeId: employee.id, reason: assignment.reason });
      continue;
    }
    const rubricId = defaultRubricFor(employee.category, options.rubricByCategory);
    if (!rubricVersions.has(rubricId))
      rubricVersions.set(rubricId, (await store.rubrics.getLatest(rubricId))?.version ?? null);
    const rubricVersion = rubricVersions.get(rubricId);
    if (rubricVersion === null || rubricVersion === undefined) {
      // A deployment naming a rubric that does not exist: nobody could ever be scored with it.
      skipped.push({ employeeId: employee.id, reason: `Bộ tiêu chí "${rubricId}" không tồn tại.` });
      continue;
    }
    const draft: StoredEvaluation = {
      employeeId: employee.id,
      employeeName: employee.name,
      period: period.period,
      unitId,
      category: employee.category,
      isUnitHead: employee.isUnitHead,
      status: 'DRAFT',
      returnedTo: null,
      version: 1,
      rubricId,
      rubricVersion,
      reviewerId: assignment.reviewerId,
      approverId: assignment.approverId,
      approverUnitId: assignment.approverUnitId,
      deadlines: period.deadlines,
      selfAssessment: null,
      review: null,
      decision: null,
      appeal: null,
      flags: {},
      publishedAt: null,
      createdAt: options.at,
      updatedAt: options.at,
    };
    pending.push({
      draft,
      event: {
        employeeId: employee.id,
        period: period.period,
        version: 1,
        at: options.at,
        actorId: options.actorId,
        action: 'open',
        fromStatus: null,
        toStatus: 'DRAFT',
        comment: null,
        changes: { reviewerId: draft.reviewerId, approverId: draft.approverId, rubricId, rubricVersion },
      },
    });
  }
  const created = await store.evaluations.createDrafts(pending, unit.outstanding);
  return { created, existing: existingIds.size, skipped };
}
