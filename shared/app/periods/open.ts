/**
 * Opening a period: the period record with its deadlines (decided once), then, unit by unit, a draft for every
 * active employee with reviewer, approver and rubric fixed from the org as it is now. Running it again creates
 * only what is missing (e.g. after a crash, or for staff added since) and never touches an existing evaluation.
 */
import { config } from '../../config.ts';
import { assign, type TopHeadApprover } from '../../domain/assignment.ts';
import { deadlinesFor, periodLabel, periodSpan, validateDeadlines } from '../../domain/calendar.ts';
import { CYCLE_LABELS, type CycleSchedule, categoriesEvaluatedIn } from '../../domain/cycles.ts';
import { validationFailed } from '../../domain/errors.ts';
import { defaultRubricFor } from '../../domain/rubrics.ts';
import type { Deadlines } from '../../domain/types.ts';
import type { Period, SkippedEmployee, StoredEvaluation } from '../../store/entities.ts';
import type { Store } from '../../store/store.ts';
import type { UnitOrgSnapshot } from './snapshot.ts';

/** When a period with these deadlines closes: the calendar's close time, or just after its approval deadline. */
export function closeTimeWith(period: string, deadlines: Deadlines): string {
  const calendar = deadlinesFor(period);
  return new Date(Math.max(Date.parse(deadlines.approval) + 1, Date.parse(calendar.closesAt))).toISOString();
}

/**
 * The categories a new period evaluates (those whose cycle makes periods of its kind), or a 400 naming the period
 * when there are none: a quarter in a monthly deployment (or the reverse) would open for nobody.
 */
export function categoriesForNewPeriod(period: string, cycles: CycleSchedule) {
  const categories = categoriesEvaluatedIn(cycles, period);
  if (categories.length === 0) {
    const kind = periodSpan(period)?.kind === 'quarter' ? 'quarterly' : 'monthly';
    throw validationFailed([
      {
        path: 'params.period',
        message: `Không đối tượng nào được đánh giá ${CYCLE_LABELS[kind]} vào ${periodLabel(period)} theo cấu hình của hệ thống.`,
      },
    ]);
  }
  return categories;
}

/**
 * Creates the period with its deadlines and the categories it evaluates unless it exists; the stored one either
 * way (an existing period keeps what it was opened with, whatever the configuration says now).
 */
export async function createPeriodRecord(
  store: Store,
  period: string,
  deadlines: Deadlines | undefined,
  at: string,
  actorId: string,
  cycles: CycleSchedule = config().cycles,
): Promise<{ created: boolean; period: Period }> {
  if (deadlines) {
    const problems = validateDeadlines(period, deadlines);
    if (problems.length > 0) throw validationFailed(problems.map((p) => ({ ...p, path: `body.${p.path}` })));
  }
  const existing = await store.periods.get(period);
  if (existing) return { created: false, period: existing };
  const categories = categoriesForNewPeriod(period, cycles);
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
    categories,
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
  options: {
    at: string;
    rubricByCategory: Parameters<typeof defaultRubricFor>[1];
    topHeadApprover?: TopHeadApprover;
  },
): Promise<OpenUnitResult> {
  const unit = snapshot.units.get(unitId);
  if (!unit) return { created: 0, existing: 0, skipped: [] };
  const rubricVersions = new Map<string, number | null>();
  const skipped: SkippedEmployee[] = [];
  // One read of the unit's list instead of one refused write per existing draft when the opening runs again. The
  // list may miss a draft written a moment ago (not counted yet, or an index lagging); the conditional writes still
  // catch it, and it is counted then.
  const existing = await store.evaluations.listByUnit(unitId, period.period);
  const existingIds = new Set(existing.map((e) => e.employeeId));
  const pending: StoredEvaluation[] = [];
  // A period evaluates only the categories whose cycle it belongs to (absent on older periods: everybody).
  const categories = period.categories ? new Set(period.categories) : null;
  for (const employee of snapshot.staff.get(unitId) ?? []) {
    if (!employee.active || existingIds.has(employee.id)) continue;
    if (categories && !categories.has(employee.category)) continue;
    const assignment = assign(employee, snapshot, options.topHeadApprover);
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
      // Kept only when set: most deployments use no duty groups, and every byte is written 170,000 times.
      ...(employee.dutyGroup ? { dutyGroup: employee.dutyGroup } : {}),
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
    pending.push(draft);
  }
  // A rerun passes what is there already: the store lists and counts whatever a crashed run left unfinished.
  const created = await store.evaluations.createDrafts(
    unitId,
    period.period,
    pending,
    existing,
    unit.outstanding,
  );
  return { created, existing: existingIds.size, skipped };
}
