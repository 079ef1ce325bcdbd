/**
 * open-period (day 1, 00:05, or at once when HR opens a period): creates the period with its calendar deadlines
 * and a draft for every active employee, reviewer, approver and rubric fixed from the org as it is now. Per unit,
 * `openUnit` (drafts written in transactions of 49 with the unit's counters) on the slice of the org the unit
 * needs, so no unit has to load the whole city. A rerun changes nothing: drafts are only written where missing,
 * and a finished opening is not run again.
 */
import { config } from '../../config.ts';
import { isValidPeriod, periodOf } from '../../domain/calendar.ts';
import { periodsStartingIn } from '../../domain/cycles.ts';
import type { SkippedEmployee } from '../../store/entities.ts';
import { SYSTEM_ACTOR } from '../caller.ts';
import { createPeriodRecord, openUnit } from '../periods/open.ts';
import { loadUnitOrgSnapshot } from '../periods/snapshot.ts';
import { type JobContext, type RunReport, skippedRun } from './types.ts';
import { perUnit, startUnitRun, type UnitJob } from './unit-run.ts';

export interface OpenStepResult {
  created: number;
  existing: number;
  /** Grouped by reason: a unit without a head skips everyone for the same reason, in a small checkpoint. */
  skipped: { reason: string; employeeIds: string[] }[];
}

function groupSkipped(skipped: SkippedEmployee[]): OpenStepResult['skipped'] {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.employeeId]);
  return [...byReason].map(([reason, employeeIds]) => ({ reason, employeeIds }));
}

export const openPeriodJob: UnitJob<OpenStepResult> = {
  job: 'open-period',
  repeatable: false,
  work: perUnit(async (ctx, run, unitId) => {
    const period = await ctx.store.periods.get(run.scope);
    if (period?.status !== 'OPEN') return { result: { created: 0, existing: 0, skipped: [] } };
    const snapshot = await loadUnitOrgSnapshot(ctx.store, unitId);
    const { created, existing, skipped } = await openUnit(ctx.store, period, unitId, snapshot, {
      at: run.at,
      rubricByCategory: config().rubricByCategory,
      topHeadApprover: config().topHeadApprover,
    });
    return { result: { created, existing, skipped: groupSkipped(skipped) } };
  }),
  async finalize(ctx, run, results) {
    const skipped = [...results.values()]
      .flatMap((r) =>
        r.skipped.flatMap((g) => g.employeeIds.map((employeeId) => ({ employeeId, reason: g.reason }))),
      )
      .sort((a, b) => a.employeeId.localeCompare(b.employeeId));
    await ctx.store.periods.setSkipped(run.scope, skipped);
    let created = 0;
    let existing = 0;
    for (const r of results.values()) {
      created += r.created;
      existing += r.existing;
    }
    return { period: run.scope, units: results.size, created, existing, skipped: skipped.length };
  },
};

/**
 * The period asked for; on the schedule (day 1 of a month), every period that begins in the run's month (Vietnam
 * time) by the deployment's cycles: the month for monthly categories, and on a quarter's first month the quarter
 * for quarterly ones.
 */
export async function startOpenPeriod(ctx: JobContext, target?: string): Promise<RunReport[]> {
  const month = periodOf(ctx.now.toISOString());
  const periods = target !== undefined ? [target] : month ? periodsStartingIn(config().cycles, month) : [];
  if (target === undefined && periods.length === 0) {
    return [
      skippedRun('open-period', month ?? '', `Không có kỳ đánh giá nào bắt đầu trong tháng ${month ?? ''}.`),
    ];
  }
  const reports: RunReport[] = [];
  for (const period of periods) {
    if (!isValidPeriod(period)) throw new Error(`not a period: ${String(period)}`);
    const { period: record } = await createPeriodRecord(
      ctx.store,
      period,
      undefined,
      ctx.now.toISOString(),
      SYSTEM_ACTOR,
    );
    if (record.status !== 'OPEN') {
      reports.push(skippedRun('open-period', period, `Kỳ ${period} đã đóng; không tạo thêm phiếu.`));
      continue;
    }
    reports.push(await startUnitRun(ctx, openPeriodJob, period));
  }
  return reports;
}
