/**
 * The vocabulary of the scheduled jobs: their names, what starts a run, the message a fanned-out step travels in,
 * and the context every job receives (store, reference time, fan-out, mailer, time budget). The fan-out and the
 * mailer are ports: SQS and SES in AWS (shared/jobs), an in-process queue and the outbox locally.
 */
import * as z from 'zod';
import type { Store } from '../../store/store.ts';

export const JOBS = [
  'open-period',
  'remind',
  'close-period',
  'compute-rankings',
  'annual-rollup',
  'reopen-period',
] as const;
export type JobName = (typeof JOBS)[number];

/**
 * What started this invocation. A scheduled run is identified by the schedule's `scheduledTime`, so a retried
 * delivery of the same schedule finds its own run; a manual run resumes an unfinished run unless `fresh`.
 */
export type Trigger = { kind: 'scheduled'; id: string } | { kind: 'manual'; fresh: boolean };

/** One step of one run, as it travels through SQS (or the inline queue locally). */
export const stepMessageSchema = z.strictObject({
  v: z.literal(1),
  job: z.enum(JOBS),
  scope: z.string().min(1).max(64),
  runId: z.string().min(1).max(64),
  /** The run's reference time, carried so that a step need not read the run record first. */
  at: z.iso.datetime({ offset: true }),
  /**
   * `units`: the units listed; `finalize`: check that every unit is done, then finalise the run; `deliver`: send
   * the day's (`scope`) message of `recipient` (the remind job's delivery queue).
   */
  step: z.enum(['units', 'finalize', 'deliver']),
  units: z.array(z.string().min(1).max(64)).min(1).max(49).optional(),
  recipient: z.string().min(1).max(64).optional(),
  /** Deliveries of this message tried before (throttled, failed for now, claim held). */
  attempt: z.int().min(0).max(1000).optional(),
  /** How many times the finalisation found units still to do. */
  check: z.int().min(0).max(10_000).optional(),
});
export type StepMessage = z.output<typeof stepMessageSchema>;

/** Where the steps of a fanned-out run go: an SQS queue in AWS, an in-process queue locally. */
export interface FanOut {
  readonly kind: 'sqs' | 'inline';
  /** `delaySeconds`: deliver no sooner (SQS allows up to 900); an inline queue waits a moment instead. */
  send(messages: readonly StepMessage[], options?: { delaySeconds?: number }): Promise<void>;
}

export interface Mail {
  to: string;
  subject: string;
  /** The plain-text part; `html` the HTML part. */
  text: string;
  html?: string;
  /** The outbox item it comes from, as an SES message tag: SES's events name it back. */
  reference?: string;
}

/**
 * SES (in AWS, and locally the SES v2 emulator aws-ses-v2-local through the same client). `send` answers SES's
 * message id, or throws a `SendFailure` saying what kind of failure it was.
 */
export interface Mailer {
  readonly channel: 'ses' | 'local';
  send(mail: Mail): Promise<{ messageId: string } | undefined>;
}

/**
 * - throttled: over the send rate: back off and try again;
 * - quota: the day's sending quota is spent: try again tomorrow;
 * - paused: sending is paused for the account: nothing goes out until someone acts;
 * - rejected: SES refused this very message (e.g. the address is malformed): not retried;
 * - transient: anything else (a network error, a 5xx): try again later.
 */
export type SendFailureKind = 'throttled' | 'quota' | 'paused' | 'rejected' | 'transient';

export class SendFailure extends Error {
  constructor(
    readonly kind: SendFailureKind,
    /** The provider's error name only: its message may quote the address. */
    readonly code: string,
  ) {
    super(`send failed: ${kind} (${code})`);
    this.name = 'SendFailure';
  }
}

/** Spaces sends out to a rate (shared/app/jobs/rate-limit.ts). */
export interface SendPacer {
  /** Waits for the next free slot. */
  take(): Promise<void>;
  /** Nobody sends for this long (SES said "too many"). */
  pause(ms: number): void;
}

export interface DeliverySettings {
  /** This process's share of the send rate. */
  pacer: SendPacer;
  /** Messages SES may take per day (the account's 24-hour quota). */
  dailyQuota: number;
  /** A claim older than this (ms) is looked at again. */
  claimMs: number;
  /** The web app's address for the links in the messages (none: no links). */
  appUrl: string | null;
  /** Reminders about a deadline go out from this many days before its day up to its day (0: on the day only). */
  leadDays: number;
  /** Waits (backing off); tests and the benchmark may shorten it. */
  sleep(ms: number): Promise<void>;
}

/** The reminder metrics (namespace DanhGia, dimension service): CloudWatch alarms watch them. */
export type ReminderMetric = 'ReminderSent' | 'ReminderFailures' | 'ReminderBacklog';

/** Thrown between two pieces of work when the invocation is about to time out; the retry resumes. */
export class JobIncomplete extends Error {
  constructor(message = 'time budget exhausted; the next attempt resumes from the checkpoints') {
    super(message);
    this.name = 'JobIncomplete';
  }
}

export interface Budget {
  /** Throws `JobIncomplete` when too little time is left to start another piece of work. */
  check(): void;
}

export const UNLIMITED_BUDGET: Budget = { check: () => undefined };

/**
 * Points at which tests inject a crash, reported per unit: after a unit's work is done (before its checkpoint),
 * and after its checkpoint.
 */
export type FaultPoint = 'work-done' | 'checkpointed' | 'claimed' | 'sent';

export type JobLog = (message: string, fields?: Record<string, unknown>) => void;

export interface JobContext {
  store: Store;
  /** The invocation's reference time: the schedule's time when scheduled, the clock (or `--at`) otherwise. */
  now: Date;
  trigger: Trigger;
  fanOut: FanOut;
  mailer: Mailer;
  budget: Budget;
  /** Units worked on at once in this process (inline fan-out, per-unit loops). */
  concurrency: number;
  /** Never personal data: ids of units and runs, counts. */
  log: JobLog;
  fault?: (point: FaultPoint, step: string) => void;
  /** How reminders are delivered (rates, quota, lease); from the configuration when absent. */
  delivery?: DeliverySettings;
  /** Counts a metric (Powertools Metrics in Lambda); absent: not counted. */
  metric?: (name: ReminderMetric, value: number) => void;
}

/** What one run of a job did, for logs, the CLI and `POST /local/jobs/<name>`. */
export interface RunReport {
  job: JobName;
  scope: string;
  runId: string | null;
  /** new: started now; resumed: an unfinished run continued; done: nothing to do (finished before); skipped: not due. */
  state: 'new' | 'resumed' | 'done' | 'skipped';
  status: 'RUNNING' | 'DONE' | null;
  queued: number;
  summary: Record<string, unknown> | null;
  note?: string;
}

export interface JobReport {
  job: JobName;
  at: string;
  runs: RunReport[];
}

/** A run that did nothing, with the reason. */
export const skippedRun = (job: JobName, scope: string, note: string): RunReport => ({
  job,
  scope,
  runId: null,
  state: 'skipped',
  status: null,
  queued: 0,
  summary: null,
  note,
});

/**
 * How a use case starts a job: locally the job runs in this process (waiting for it, or in the background); in
 * AWS the job's own function is invoked asynchronously (adapters provide it).
 */
export interface JobStarter {
  /**
   * `wait`: return once the run is finished, when this starter runs jobs itself; `fresh`: a new run even when one
   * finished already (opening a period again for staff added since). `handedOff`: the job's own function runs it.
   */
  start(
    job: JobName,
    target: string,
    options: { wait: boolean; fresh?: boolean },
  ): Promise<{ handedOff: boolean; runs: RunReport[] }>;
}
