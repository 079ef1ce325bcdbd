/**
 * close-period (daily, 00:30): closes every period whose close time (`closesAt`, after the approval deadline,
 * moved with weekends and holidays) has come: not approved → EXPIRED, rankings computed, results published.
 * On other days it changes nothing. It is the API's `closePeriod`, given steps that checkpoint each unit
 * (expiry, then ranking), so a close interrupted at city scale resumes where it stopped; the close's time is
 * the moment it began, so the resumed close stores exactly what an uninterrupted one would.
 */

import { inParallel } from '../app/parallel.ts';
import { closePeriod, expireUnit } from '../app/periods.ts';
import { isValidPeriod } from '../domain/calendar.ts';
import { getPeriod, listPeriods, type Period } from '../store/period-store.ts';
import { type RankingStepResult, rankingFinalize, rankingUnitWork } from './compute-rankings.ts';
import { beginRun, finishRun, listSteps, stepOnce } from './runs.ts';
import type { JobContext, RunReport } from './types.ts';

/** Due once its close time has come, or as soon as a close has begun (by hand through the API, or a run that stopped). */
const due = (p: Period, now: Date) =>
  p.status === 'CLOSING' || (p.status === 'OPEN' && Date.parse(p.closesAt) <= now.getTime());

export async function startClosePeriod(ctx: JobContext, target?: string): Promise<RunReport[]> {
  if (target !== undefined && !isValidPeriod(target)) throw new Error(`not a period: ${target}`);
  const candidates = target !== undefined ? [await getPeriod(ctx.db, target)] : await listPeriods(ctx.db);
  const reports: RunReport[] = [];
  for (const period of candidates) {
    if (!period) {
      reports.push(skipped(target ?? '', `Chưa mở kỳ đánh giá ${target ?? ''}.`));
      continue;
    }
    if (!due(period, ctx.now)) {
      // Asked for by name: say why nothing happened. On the daily schedule, silence is the normal case.
      if (target !== undefined) {
        const why = period.status === 'CLOSED' ? 'đã đóng' : `chưa đến thời điểm đóng (${period.closesAt})`;
        reports.push(skipped(period.period, `Kỳ ${period.period} ${why}.`));
      }
      continue;
    }
    reports.push(await closeOne(ctx, period.period));
  }
  return reports;
}

function skipped(scope: string, note: string): RunReport {
  return {
    job: 'close-period',
    scope,
    runId: null,
    state: 'skipped',
    status: null,
    queued: 0,
    summary: null,
    note,
  };
}

async function closeOne(ctx: JobContext, period: string): Promise<RunReport> {
  const { run, state } = await beginRun(ctx.db, {
    job: 'close-period',
    scope: period,
    trigger: ctx.trigger,
    now: ctx.now,
    repeatable: false,
  });
  if (state === 'done') {
    return {
      job: 'close-period',
      scope: period,
      runId: run.runId,
      state,
      status: run.status,
      queued: 0,
      summary: run.summary,
    };
  }
  ctx.log('close started', { period, runId: run.runId, state });
  let ranking: Record<string, unknown> = {};
  const { period: closed } = await closePeriod(ctx.db, period, ctx.now, {
    expireUnit: async (unitId, when) =>
      (
        await stepOnce(ctx, run, `expire#${unitId}`, async () => ({
          result: { expired: await expireUnit(ctx.db, period, unitId, when) },
        }))
      ).expired,
    computeRankings: async (units, computedAt) => {
      const results = new Map<string, RankingStepResult>();
      await inParallel(units, ctx.concurrency, async (unit) => {
        results.set(
          unit.id,
          await stepOnce(ctx, run, `rank#${unit.id}`, () =>
            rankingUnitWork(ctx.db, period, unit.id, computedAt),
          ),
        );
      });
      ranking = await rankingFinalize(ctx.db, period, computedAt, units, results, ctx.concurrency);
    },
  });
  // The expiry counts come from the checkpoints, so a resumed close reports the whole close, not its last part.
  const steps = await listSteps<{ expired?: number }>(ctx.db, run);
  let expired = 0;
  for (const [step, result] of steps) if (step.startsWith('expire#')) expired += result.expired ?? 0;
  const summary = {
    period,
    closedAt: closed.closedAt,
    appealDeadline: closed.appealDeadline,
    expired,
    units: ranking.units ?? null,
    approved: ranking.approved ?? null,
  };
  await finishRun(ctx.db, run, summary);
  ctx.log('close finished', { period, runId: run.runId, expired });
  return { job: 'close-period', scope: period, runId: run.runId, state, status: 'DONE', queued: 0, summary };
}
