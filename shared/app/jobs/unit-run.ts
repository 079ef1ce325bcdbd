/**
 * The one step runner: a run split per unit. The start sends the units not yet done, one step message per unit or
 * per few small units (the job's `plan`), then a finalisation check; each step does its units' work and
 * checkpoints each unit with its output; the check lists the checkpoints and, once every unit is done, finalises
 * (e.g. the league tables up to the root) and marks the run DONE, or looks again a little later. The same code
 * runs with SQS (AWS: the steps spread over many invocations) and with an in-process queue (locally, in the API's
 * request, the tests and `npm run job`): only the fan-out differs.
 *
 * Every message may arrive twice, late, or out of order (SQS is at-least-once): a unit's output carries its
 * result and is written only over an older computation's, its checkpoint after it, and a duplicate finds its
 * computation's output in place and records what that carries (a step without outputs: its checkpoint only if
 * absent), so a duplicate writes nothing new and a checkpoint never disagrees with its output, without a
 * transaction (shared/store/run-store.ts). Steps never write the run record, so they do not contend for one item.
 */
import type { Unit } from '../../store/entities.ts';
import type { StepOutput } from '../../store/run-store.ts';
import { beginRun, finishRun, type Run, type RunRef } from './runs.ts';
import type { JobContext, JobName, RunReport, StepMessage } from './types.ts';

export interface StepWork<R> {
  result: R;
  /** What the unit's checkpoint must agree with (the store's run records say how: shared/store/run-store.ts). */
  outputs?: StepOutput[];
  /**
   * The part of `result` the outputs stand for (a ranking's own figures), carried on them: a redone step records
   * it as found on its computation's output. The whole result when not given.
   */
  carried?: Partial<R> & Record<string, unknown>;
}

export interface UnitJob<R> {
  job: JobName;
  repeatable: boolean;
  /** One run per reference time (see `BeginOptions.onePerAt`): a close, a reopening. */
  onePerAt?: boolean;
  /**
   * How the units are grouped into step messages (default: one unit each). A group's checkpoints written only if
   * absent (a step without outputs) go in one transaction: at most 100 items and 4 MB.
   */
  plan?(ctx: JobContext, run: RunRef, units: Unit[]): Promise<string[][]>;
  /** The work of one step: each unit's result and the outputs that must land with its checkpoint. */
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

/** Seconds between two finalisation checks, in AWS (an in-process queue only yields for a moment). */
export const FINALIZE_CHECK_DELAY_SECONDS = 15;
/** Every this many checks that still find units to do, the missing units are sent again (a lost message). */
const RESEND_EVERY_CHECKS = 20;
/** After this many checks (about 4 hours in AWS) the run is reported failed rather than waited for. */
const MAX_CHECKS = 1_000;

const message = (run: RunRef, fields: Pick<StepMessage, 'step'> & Partial<StepMessage>): StepMessage => ({
  v: 1,
  job: run.job as JobName,
  scope: run.scope,
  runId: run.runId,
  at: run.at,
  ...fields,
});

async function sendUnits<R>(ctx: JobContext, def: UnitJob<R>, run: RunRef, units: Unit[]): Promise<number> {
  const groups = def.plan ? await def.plan(ctx, run, units) : units.map((u) => [u.id]);
  await ctx.fanOut.send(groups.map((units) => message(run, { step: 'units', units })));
  return groups.length;
}

async function sendCheck(ctx: JobContext, run: RunRef, check: number): Promise<void> {
  await ctx.fanOut.send([message(run, { step: 'finalize', check })], {
    delaySeconds: FINALIZE_CHECK_DELAY_SECONDS,
  });
}

/**
 * Starts (or resumes) the run for one scope and sends the units still to do, then the finalisation check.
 * `at`: the run's reference time when it is new (default: the context's time).
 */
export async function startUnitRun<R>(
  ctx: JobContext,
  def: UnitJob<R>,
  scope: string,
  options: { at?: Date } = {},
): Promise<RunReport> {
  const { run, state } = await beginRun(ctx.store, {
    job: def.job,
    scope,
    trigger: ctx.trigger,
    at: options.at ?? ctx.now,
    repeatable: def.repeatable,
    ...(def.onePerAt ? { onePerAt: true } : {}),
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
  const [units, done] = await Promise.all([
    ctx.store.org.listUnits(),
    state === 'resumed' ? ctx.store.runs.listSteps(run) : Promise.resolve(new Map<string, unknown>()),
  ]);
  const missing = units.filter((u) => !done.has(unitStep(u.id)));
  const messages = missing.length > 0 ? await sendUnits(ctx, def, run, missing) : 0;
  await sendCheck(ctx, run, 0);
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

/** Finalises once every unit is checkpointed; otherwise looks again later (and now and then re-sends the missing). */
async function finalizeWhenComplete<R>(ctx: JobContext, def: UnitJob<R>, msg: StepMessage): Promise<void> {
  const run = (await ctx.store.runs.get(msg.job, msg.scope)) as Run | null;
  // Superseded, finished, or unknown: the message is a leftover, and dropping it is the right outcome.
  if (!run || run.runId !== msg.runId || run.status !== 'RUNNING') return;
  const [units, steps] = await Promise.all([ctx.store.org.listUnits(), ctx.store.runs.listSteps(run)]);
  const missing = units.filter((u) => !steps.has(unitStep(u.id)));
  const check = msg.check ?? 0;
  if (missing.length > 0) {
    if (check >= MAX_CHECKS) {
      throw new Error(
        `${def.job} ${run.scope}: ${missing.length} units still not done after ${check} checks`,
      );
    }
    // A unit added since the start, or a step lost on the way (in the dead-letter queue): send it again.
    if (check > 0 && check % RESEND_EVERY_CHECKS === 0) await sendUnits(ctx, def, run, missing);
    await sendCheck(ctx, run, check + 1);
    return;
  }
  const results = new Map<string, R>();
  for (const [step, result] of steps)
    if (step.startsWith(UNIT_STEP)) results.set(step.slice(UNIT_STEP.length), result as R);
  const summary = await def.finalize(ctx, run, results, units);
  if (await finishRun(ctx.store, run, summary)) {
    ctx.log('run finished', { job: def.job, scope: run.scope, runId: run.runId, ...summary });
  }
}

/** Handles one step message: some units, or the finalisation check. */
export async function handleUnitStep<R>(ctx: JobContext, def: UnitJob<R>, msg: StepMessage): Promise<void> {
  if (msg.step === 'finalize') return finalizeWhenComplete(ctx, def, msg);
  const ref: RunRef = { job: msg.job, scope: msg.scope, runId: msg.runId, at: msg.at };
  const unitIds = msg.units ?? [];
  ctx.budget.check();
  const work = await def.work(ctx, ref, unitIds);
  for (const unitId of unitIds) ctx.fault?.('work-done', unitStep(unitId));
  const steps = unitIds.flatMap((unitId) => {
    const w = work.get(unitId);
    return w ? [[unitStep(unitId), w] as const] : [];
  });
  const outcomes = await ctx.store.runs.completeSteps(ref, steps, new Date());
  for (const [step, outcome] of outcomes) if (outcome === 'completed') ctx.fault?.('checkpointed', step);
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
