/**
 * The jobs by name: how each starts (from its schedule or on demand) and, for the fanned-out ones, how a
 * step message is handled. The Lambda handlers, the local runner and the local scheduler all go through here.
 */
import { annualRollupJob, startAnnualRollup } from './annual-rollup.ts';
import { closePeriodJob, startClosePeriod } from './close-period.ts';
import { computeRankingsJob, startComputeRankings } from './compute-rankings.ts';
import { handleDelivery } from './delivery.ts';
import { openPeriodJob, startOpenPeriod } from './open-period.ts';
import { startRemind } from './remind.ts';
import { reopenPeriodJob, startReopenPeriod } from './reopen-period.ts';
import type { JobContext, JobName, RunReport, StepMessage } from './types.ts';
import { handleUnitStep } from './unit-run.ts';

export interface JobDefinition {
  /** `target`: a period (`YYYY-MM` or `YYYY-Qn`), a year (annual-rollup) or a day (remind, `YYYY-MM-DD`); the run's time decides when absent. */
  start(ctx: JobContext, target?: string): Promise<RunReport[]>;
  handle?(ctx: JobContext, message: StepMessage): Promise<void>;
}

export const JOB_DEFINITIONS: Record<JobName, JobDefinition> = {
  'open-period': { start: startOpenPeriod, handle: (ctx, m) => handleUnitStep(ctx, openPeriodJob, m) },
  remind: { start: startRemind, handle: handleDelivery },
  'close-period': { start: startClosePeriod, handle: (ctx, m) => handleUnitStep(ctx, closePeriodJob, m) },
  'compute-rankings': {
    start: startComputeRankings,
    handle: (ctx, m) => handleUnitStep(ctx, computeRankingsJob, m),
  },
  'annual-rollup': { start: startAnnualRollup, handle: (ctx, m) => handleUnitStep(ctx, annualRollupJob, m) },
  'reopen-period': { start: startReopenPeriod, handle: (ctx, m) => handleUnitStep(ctx, reopenPeriodJob, m) },
};

export async function handleMessage(ctx: JobContext, message: StepMessage): Promise<void> {
  const handle = JOB_DEFINITIONS[message.job].handle;
  if (!handle) throw new Error(`${message.job} has no steps to handle`);
  await handle(ctx, message);
}
