/**
 * A run split per unit: the start sends the units not yet done, one step message per unit or per few small
 * units (the job's `plan`); each step does its units' work and checkpoints each unit; the step that finds every
 * unit counted claims and sends the finalisation, which works on all the units' checkpointed results (e.g. the
 * league tables up to the root) and marks the run DONE.
 *
 * Every message may arrive twice, late, or out of order (SQS is at-least-once): a unit's checkpoint, written
 * only if absent and only while its run is the current unfinished one, makes a duplicate or a leftover write
 * nothing; the finalisation checks that every unit is done (re-sending the missing ones) before it finalises.
 * A step carries its run's id and time, so it reads nothing of the run before working.
 */
import { listUnits, type Unit } from '../store/org-store.ts';
import {
  beginRun,
  claimFinalize,
  completeSteps,
  finishRun,
  getRun,
  listSteps,
  type Run,
  type RunRef,
  releaseFinalize,
  type StepWork,
  setTotal,
} from './runs.ts';
import type { JobContext, JobName, RunReport, StepMessage } from './types.ts';

export interface UnitJob<R> {
  job: JobName;
  repeatable: boolean;
  /**
   * How the units are grouped into step messages (default: one unit each). A group's checkpoints and writes go in
   * one transaction: at most 100 items and 4 MB.
   */
  plan?(ctx: JobContext, run: RunRef, units: Unit[]): Promise<string[][]>;
  /** The work of one step: each unit's result and the writes that must land with its checkpoint. */
  work(ctx: JobContext, run: RunRef, unitIds: string[]): Promise<Map<string, StepWork<R>>>;
  /** After every unit: works on their results (keyed by unit id), returns the run's summary. */
  finalize(
    ctx: JobContext,
    run: Run,
    results: Map<string, R>,
    units: Unit[],
  ): Promise<Record<string, unknown>>;
}

const UNIT_STEP = 'unit#';
const unitStep = (unitId: string) => `${UNIT_STEP}${unitId}`;

const message = (run: RunRef, units?: string[]): StepMessage => ({
  v: 1,
  job: run.job,
  scope: run.scope,
  runId: run.runId,
  at: run.at,
  step: units ? 'units' : 'finalize',
  ...(units ? { units } : {}),
});

async function sendUnits<R>(ctx: JobContext, def: UnitJob<R>, run: RunRef, units: Unit[]): Promise<number> {
  const groups = def.plan ? await def.plan(ctx, run, units) : units.map((u) => [u.id]);
  await ctx.fanOut.send(groups.map((g) => message(run, g)));
  return groups.length;
}

/** Starts (or resumes) the run for one scope and sends the units still to do. */
export async function startUnitRun<R>(ctx: JobContext, def: UnitJob<R>, scope: string): Promise<RunReport> {
  const { run, state } = await beginRun(ctx.db, {
    job: def.job,
    scope,
    trigger: ctx.trigger,
    now: ctx.now,
    repeatable: def.repeatable,
  });
  if (state === 'done') {
    return {
      job: def.job,
      scope,
      runId: run.runId,
      state,
      status: run.status,
      queued: 0,
      summary: run.summary,
    };
  }
  const units = await listUnits(ctx.db);
  await setTotal(ctx.db, run, units.length);
  const done = state === 'resumed' ? await listSteps(ctx.db, run) : new Map<string, unknown>();
  const missing = units.filter((u) => !done.has(unitStep(u.id)));
  // Nothing left but the finalisation (it was lost, or never claimed): send it, whatever the claim says.
  const messages = missing.length > 0 ? await sendUnits(ctx, def, run, missing) : 0;
  if (missing.length === 0) await ctx.fanOut.send([message(run)]);
  ctx.log('run started', {
    job: def.job,
    scope,
    runId: run.runId,
    state,
    units: units.length,
    missing: missing.length,
    messages,
  });
  return {
    job: def.job,
    scope,
    runId: run.runId,
    state,
    status: 'RUNNING',
    queued: missing.length,
    summary: null,
  };
}

/**
 * Sends the finalisation once every unit is counted: the one step whose claim succeeds sends it. A strongly
 * consistent read first spares the conditional write to every step but the last few.
 */
async function finalizeWhenComplete(ctx: JobContext, run: RunRef): Promise<void> {
  const current = await getRun(ctx.db, run.job, run.scope);
  if (current?.runId !== run.runId || current.status !== 'RUNNING' || current.done < current.total) return;
  if (!(await claimFinalize(ctx.db, run))) return;
  try {
    await ctx.fanOut.send([message(run)]);
  } catch (error) {
    await releaseFinalize(ctx.db, run);
    throw error;
  }
}

async function finalize<R>(ctx: JobContext, def: UnitJob<R>, run: Run): Promise<void> {
  const [units, steps] = await Promise.all([listUnits(ctx.db), listSteps<R>(ctx.db, run)]);
  const missing = units.filter((u) => !steps.has(unitStep(u.id)));
  if (missing.length > 0) {
    // A unit added since the start, or a step lost on the way: do it first; its completion claims again.
    await setTotal(ctx.db, run, units.length);
    await releaseFinalize(ctx.db, run);
    await sendUnits(ctx, def, run, missing);
    ctx.log('finalisation postponed', {
      job: def.job,
      scope: run.scope,
      runId: run.runId,
      missing: missing.length,
    });
    return;
  }
  const results = new Map<string, R>();
  for (const [step, result] of steps)
    if (step.startsWith(UNIT_STEP)) results.set(step.slice(UNIT_STEP.length), result);
  const summary = await def.finalize(ctx, run, results, units);
  if (await finishRun(ctx.db, run, summary)) {
    ctx.log('run finished', { job: def.job, scope: run.scope, runId: run.runId, ...summary });
  }
}

/** Handles one step message: some units, or the finalisation. */
export async function handleUnitStep<R>(ctx: JobContext, def: UnitJob<R>, msg: StepMessage): Promise<void> {
  const ref: RunRef = { job: msg.job, scope: msg.scope, runId: msg.runId, at: msg.at };
  if (msg.step === 'finalize') {
    const run = await getRun(ctx.db, msg.job, msg.scope);
    // Superseded, finished, or unknown: the message is a leftover, and dropping it is the right outcome.
    if (!run || run.runId !== msg.runId || run.status !== 'RUNNING') return;
    return finalize(ctx, def, run);
  }
  const unitIds = msg.units ?? [];
  ctx.budget.check();
  const work = await def.work(ctx, ref, unitIds);
  for (const unitId of unitIds) ctx.fault?.('work-done', unitStep(unitId));
  const steps = unitIds.flatMap((unitId) => {
    const w = work.get(unitId);
    return w ? [[unitStep(unitId), w] as const] : [];
  });
  const outcomes = await completeSteps(ctx.db, ref, steps);
  if ([...outcomes.values()].every((o) => o === 'stale')) return;
  for (const [step, outcome] of outcomes) if (outcome === 'completed') ctx.fault?.('checkpointed', step);
  await finalizeWhenComplete(ctx, ref);
}

/** For jobs that work one unit at a time: `work` over a step's units, a few at once. */
export function perUnit<R>(
  one: (ctx: JobContext, run: RunRef, unitId: string) => Promise<StepWork<R>>,
): UnitJob<R>['work'] {
  return async (ctx, run, unitIds) => {
    const out = new Map<string, StepWork<R>>();
    await Promise.all(unitIds.map(async (unitId) => out.set(unitId, await one(ctx, run, unitId))));
    return out;
  };
}
