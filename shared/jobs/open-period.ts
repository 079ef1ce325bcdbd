/**
 * open-period (day 1, 00:05): creates the period with its calendar deadlines and a draft for every active
 * employee, reviewer, approver and rubric fixed from the org as it is now. Per unit, the same `openUnit` the API
 * uses (drafts written in transactions of 49 with the unit's counters), on the slice of the org the unit needs,
 * so no unit has to load the whole city. A rerun changes nothing: drafts are only written where missing, and
 * a finished opening is not run again.
 */
import { createPeriodRecord, loadUnitOrgSnapshot, openUnit } from '../app/periods.ts';
import { isValidPeriod, periodOf } from '../domain/calendar.ts';
import { getPeriod, type SkippedEmployee, setSkipped } from '../store/period-store.ts';
import type { JobContext, RunReport } from './types.ts';
import { perUnit, startUnitRun, type UnitJob } from './unit-run.ts';

/** Who the history records as having opened the drafts. */
export const SYSTEM_ACTOR = 'system';

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
    const period = await getPeriod(ctx.db, run.scope);
    if (period?.status !== 'OPEN') return { result: { created: 0, existing: 0, skipped: [] } };
    const snapshot = await loadUnitOrgSnapshot(ctx.db, unitId);
    const { created, existing, skipped } = await openUnit(
      ctx.db,
      period,
      unitId,
      snapshot,
      run.at,
      SYSTEM_ACTOR,
    );
    return { result: { created, existing, skipped: groupSkipped(skipped) } };
  }),
  async finalize(ctx, run, results) {
    const skipped = [...results.values()]
      .flatMap((r) =>
        r.skipped.flatMap((g) => g.employeeIds.map((employeeId) => ({ employeeId, reason: g.reason }))),
      )
      .sort((a, b) => a.employeeId.localeCompare(b.employeeId));
    await setSkipped(ctx.db, run.scope, skipped);
    let created = 0;
    let existing = 0;
    for (const r of results.values()) {
      created += r.created;
      existing += r.existing;
    }
    return { period: run.scope, units: results.size, created, existing, skipped: skipped.length };
  },
};

/** The period asked for, or the month the run's time falls in (Vietnam time). */
export async function startOpenPeriod(ctx: JobContext, target?: string): Promise<RunReport[]> {
  const period = target ?? periodOf(ctx.now.toISOString());
  if (!period || !isValidPeriod(period)) throw new Error(`not a period: ${String(period)}`);
  const { period: record } = await createPeriodRecord(
    ctx.db,
    period,
    undefined,
    ctx.now.toISOString(),
    SYSTEM_ACTOR,
  );
  if (record.status !== 'OPEN') {
    return [
      {
        job: 'open-period',
        scope: period,
        runId: null,
        state: 'skipped',
        status: null,
        queued: 0,
        summary: null,
        note: `Kỳ ${period} đã đóng; không tạo thêm phiếu.`,
      },
    ];
  }
  return [await startUnitRun(ctx, openPeriodJob, period)];
}
