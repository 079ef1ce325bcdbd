/**
 * Runs a job to completion in this process: the fan-out is the inline queue, drained by a few workers through
 * the same step handler SQS would call. Used by `npm run job`, `POST /local/jobs/<name>`, the local scheduler,
 * the tests and the benchmark.
 */
import type { Db } from '../store/client.ts';
import { InlineFanOut } from './fanout.ts';
import { localMailer } from './outbox.ts';
import { handleMessage, JOB_DEFINITIONS } from './registry.ts';
import { getRun } from './runs.ts';
import {
  type FaultPoint,
  type JobContext,
  type JobLog,
  type JobName,
  type JobReport,
  type Mailer,
  type Trigger,
  UNLIMITED_BUDGET,
} from './types.ts';

export interface RunOptions {
  target?: string;
  /** The run's reference time (default: now). */
  now?: Date;
  trigger?: Trigger;
  /** A manual run that starts over instead of resuming an unfinished one. */
  fresh?: boolean;
  mailer?: Mailer;
  concurrency?: number;
  log?: JobLog;
  fault?: (point: FaultPoint, step: string) => void;
}

export const quietLog: JobLog = () => undefined;

export async function runJobInline(db: Db, job: JobName, options: RunOptions = {}): Promise<JobReport> {
  const now = options.now ?? new Date();
  const concurrency = options.concurrency ?? 8;
  const fanOut = new InlineFanOut(concurrency);
  const ctx: JobContext = {
    db,
    now,
    trigger: options.trigger ?? { kind: 'manual', fresh: options.fresh ?? false },
    fanOut,
    mailer: options.mailer ?? localMailer,
    budget: UNLIMITED_BUDGET,
    concurrency,
    log: options.log ?? quietLog,
    ...(options.fault ? { fault: options.fault } : {}),
  };
  fanOut.attach((message) => handleMessage({ ...ctx, now: new Date() }, message));
  const started = await JOB_DEFINITIONS[job].start(ctx, options.target);
  await fanOut.drain();
  // The fanned-out runs finished in the drain: report them as they are now.
  const runs = await Promise.all(
    started.map(async (r) => {
      if (r.runId === null || r.status === 'DONE') return r;
      const run = await getRun(db, job, r.scope);
      return run?.runId === r.runId ? { ...r, status: run.status, summary: run.summary } : r;
    }),
  );
  return { job, at: now.toISOString(), runs };
}
