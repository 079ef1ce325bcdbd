/**
 * Runs a job in this process: the fan-out is the inline queue, drained by a few workers through the same step
 * handler SQS would call. Used by `npm run job`, `POST /local/jobs/<name>`, the local scheduler, the API locally
 * (opening, closing, ranking a period), the tests and the benchmark.
 */
import type { Store } from '../../store/store.ts';
import { InlineFanOut } from './inline-fanout.ts';
import { noMailer } from './outbox.ts';
import { handleMessage, JOB_DEFINITIONS } from './registry.ts';
import {
  type DeliverySettings,
  type FaultPoint,
  type JobContext,
  type JobLog,
  type JobName,
  type JobReport,
  type JobStarter,
  type Mailer,
  type RunReport,
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
  /** The remind job's mailer (the SES mailer, locally against the emulator); other jobs send nothing. */
  mailer?: Mailer;
  delivery?: DeliverySettings;
  metric?: JobContext['metric'];
  concurrency?: number;
  log?: JobLog;
  fault?: (point: FaultPoint, step: string) => void;
}

export const quietLog: JobLog = () => undefined;

/** Runs reported when they started, as they are now: the fanned-out ones finished in the drain since. */
export function asTheyAreNow(
  store: Store,
  job: JobName,
  started: readonly RunReport[],
): Promise<RunReport[]> {
  return Promise.all(
    started.map(async (r) => {
      if (r.runId === null || r.status === 'DONE') return r;
      const run = await store.runs.get(job, r.scope);
      return run?.runId === r.runId ? { ...r, status: run.status, summary: run.summary } : r;
    }),
  );
}

/** Starts the job's runs; `finished` drains the queue (the runs are then finished, or the drain throws). */
export async function startJobInline(
  store: Store,
  job: JobName,
  options: RunOptions = {},
): Promise<{ runs: RunReport[]; finished: Promise<JobReport> }> {
  const now = options.now ?? new Date();
  const concurrency = options.concurrency ?? 8;
  const fanOut = new InlineFanOut(concurrency);
  const ctx: JobContext = {
    store,
    now,
    trigger: options.trigger ?? { kind: 'manual', fresh: options.fresh ?? false },
    fanOut,
    mailer: options.mailer ?? noMailer,
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(options.metric ? { metric: options.metric } : {}),
    budget: UNLIMITED_BUDGET,
    concurrency,
    log: options.log ?? quietLog,
    ...(options.fault ? { fault: options.fault } : {}),
  };
  fanOut.attach((message) => handleMessage({ ...ctx, now: new Date() }, message));
  const started = await JOB_DEFINITIONS[job].start(ctx, options.target);
  const finished = fanOut
    .drain()
    .then(async () => ({ job, at: now.toISOString(), runs: await asTheyAreNow(store, job, started) }));
  return { runs: started, finished };
}

export async function runJobInline(store: Store, job: JobName, options: RunOptions = {}): Promise<JobReport> {
  return (await startJobInline(store, job, options)).finished;
}

/** The runs this process is draining, per store, by job and target: a second start for the same joins the first. */
const draining = new WeakMap<Store, Map<string, Promise<JobReport>>>();

/**
 * Starts jobs in this process, for the API where no job function is deployed (locally): waiting for the run, or
 * leaving it to finish in the background (its failure is logged; the next run resumes from its checkpoints). A
 * start while this process already drains the same job for the same target (ten admins closing or reopening a
 * period at once) joins that drain instead of doing the same work again; a `fresh` start never joins.
 */
export function inlineJobStarter(store: Store, log: (line: string) => void = console.error): JobStarter {
  return {
    async start(job, target, options) {
      let inProcess = draining.get(store);
      if (!inProcess) {
        inProcess = new Map();
        draining.set(store, inProcess);
      }
      const key = options.fresh ? null : `${job}|${target}`;
      const joined = key ? inProcess.get(key) : undefined;
      if (joined) return { handedOff: false, runs: options.wait ? (await joined).runs : [] };
      const starting = startJobInline(store, job, { target, fresh: options.fresh ?? false });
      if (key) {
        const running = starting.then((s) => s.finished);
        inProcess.set(key, running);
        const forget = () => inProcess.delete(key);
        running.then(forget, forget);
      }
      const { runs, finished } = await starting;
      if (options.wait) return { handedOff: false, runs: (await finished).runs };
      finished.catch((error: unknown) =>
        log(`${job} ${target}: ${error instanceof Error ? error.message : String(error)}`),
      );
      return { handedOff: false, runs };
    },
  };
}
