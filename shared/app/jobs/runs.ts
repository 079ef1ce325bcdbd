/**
 * Starting a run, or finding the one to continue (the run record and the step checkpoints are in the store:
 * shared/store/run-store.ts).
 */
import { randomUUID } from 'node:crypto';
import type { StoredRun } from '../../store/entities.ts';
import type { RunRef } from '../../store/run-store.ts';
import type { Store } from '../../store/store.ts';
import type { JobName, Trigger } from './types.ts';

export type { RunRef };
export type Run = StoredRun & { job: JobName };

/** Every manual invocation is a trigger of its own; a schedule's retries share its scheduled time. */
export function triggerId(trigger: Trigger): string {
  return trigger.kind === 'scheduled' ? `scheduled:${trigger.id}` : `manual:${randomUUID()}`;
}

export interface BeginOptions {
  job: JobName;
  scope: string;
  trigger: Trigger;
  /** The run's reference time (what it writes as computedAt, …) when a new run starts. */
  at: Date;
  /**
   * A finished run of a repeatable job (rankings, annual results) is followed by a new one when a new trigger
   * comes (tomorrow's schedule, a manual run): its results reflect the data as it is then. A non-repeatable job
   * (opening, closing, the day's reminders) is done once per scope.
   */
  repeatable: boolean;
  /** Optional TTL for run records of short-lived scopes (a day's reminders). */
  ttlSeconds?: number;
  /**
   * One run per reference time: a current run of another `at` is neither resumed nor taken as done, and a new run
   * replaces it (a period closed again after a reopening is a new close; it is reopened anew after each close).
   */
  onePerAt?: boolean;
}

/**
 * Starts a run or finds the one to continue:
 * - none yet → a new run;
 * - RUNNING → resume it, unless a new schedule of a repeatable job supersedes it;
 * - DONE → nothing to do for the same trigger or a non-repeatable job; a new run otherwise;
 * - a manual `fresh` trigger always starts a new run.
 * Two starters racing are serialised by a conditional put on the previous run id. A fresh starter that loses
 * follows the winner's run: it began after this call did, so it is as fresh as the one asked for (ten admins
 * pressing "recompute" at once get one run, not ten, and none an error).
 */
export async function beginRun(
  store: Store,
  options: BeginOptions,
): Promise<{ run: Run; state: 'new' | 'resumed' | 'done' }> {
  const id = triggerId(options.trigger);
  let fresh = options.trigger.kind === 'manual' && options.trigger.fresh;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = (await store.runs.get(options.job, options.scope)) as Run | null;
    const ofAnotherTime = options.onePerAt === true && current?.at !== options.at.toISOString();
    if (current && !ofAnotherTime) {
      if (!fresh && current.status === 'RUNNING') {
        const supersede =
          options.repeatable && options.trigger.kind === 'scheduled' && current.trigger !== id;
        if (!supersede) return { run: current, state: 'resumed' };
      }
      if (!fresh && current.status === 'DONE' && (current.trigger === id || !options.repeatable)) {
        return { run: current, state: 'done' };
      }
    }
    const run: Run = {
      job: options.job,
      scope: options.scope,
      runId: randomUUID(),
      trigger: id,
      status: 'RUNNING',
      at: options.at.toISOString(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      summary: null,
    };
    if (await store.runs.replace(run, current?.runId ?? null, options.ttlSeconds))
      return { run, state: 'new' };
    // Another starter won: look again and follow its run.
    fresh = false;
  }
  throw new Error(`could not begin a run of ${options.job} for ${options.scope}`);
}

/** Marks the run DONE with its summary; false when it was superseded or finished meanwhile. */
export const finishRun = (store: Store, run: RunRef, summary: Record<string, unknown>) =>
  store.runs.finish(run, summary, new Date().toISOString());
