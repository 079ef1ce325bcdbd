/**
 * The Lambda adapter of every job. One function per job (see the schedule table) receives either
 * - the EventBridge Scheduler event `{source: 'aws.scheduler', job, scheduledTime, executionId, attemptNumber}`
 *   (or, invoked by hand or by the API, `{job, target?, fresh?, correlationId?}`): it starts the run. A fanned-out
 *   job sends its unit steps to its queue (FANOUT_QUEUE_URL) and returns; the others work until done, or until the
 *   time budget runs out, when they fail on purpose so that Lambda's retry of the asynchronous invocation resumes
 *   from the checkpoints;
 * - an SQS batch from its own queue: each record is one step; failed records are reported in
 *   `batchItemFailures`, so only they come back (and go to the dead-letter queue after 3 receives).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { deliverySettingsFromConfig } from '../app/jobs/delivery.ts';
import { InlineFanOut } from '../app/jobs/inline-fanout.ts';
import { noMailer } from '../app/jobs/outbox.ts';
import { handleMessage, JOB_DEFINITIONS } from '../app/jobs/registry.ts';
import { asTheyAreNow } from '../app/jobs/runner.ts';
import {
  type Budget,
  type FanOut,
  JOBS,
  type JobContext,
  JobIncomplete,
  type JobName,
  type JobReport,
  type Mailer,
  stepMessageSchema,
} from '../app/jobs/types.ts';
import { type Config, config, requireTableName } from '../config.ts';
import { count, countForJob, flushMetrics, logger, METRIC } from '../observability.ts';
import { type Store, store } from '../store/store.ts';
import { type SesMailer, mailerFromConfig as sesMailerFromConfig } from './ses-mailer.ts';
import { SqsFanOut } from './sqs-fanout.ts';

/** The scheduler passes its context attributes as strings. */
const scheduledEventSchema = z.object({
  source: z.literal('aws.scheduler').optional(),
  job: z.enum(JOBS),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
  executionId: z.string().optional(),
  attemptNumber: z.union([z.string(), z.number()]).optional(),
  /** By hand: the period, year or day to run for; `fresh` starts over instead of resuming. */
  target: z.string().max(16).optional(),
  fresh: z.boolean().optional(),
  /** The request that asked for the run (the API's request id), to follow it across the logs. */
  correlationId: z.string().max(128).optional(),
});

const sqsEventSchema = z.object({
  Records: z
    .array(z.object({ messageId: z.string(), body: z.string(), eventSource: z.literal('aws:sqs') }))
    .min(1),
});

/** Stop starting new work this long before the timeout: a unit of work fits well within it. */
const SAFETY_MARGIN_MS = 60_000;

function lambdaBudget(context: Pick<Context, 'getRemainingTimeInMillis'>): Budget {
  return {
    check() {
      if (context.getRemainingTimeInMillis() < SAFETY_MARGIN_MS) throw new JobIncomplete();
    },
  };
}

// Created once per cold start, never per invocation.
let sqsFanOut: SqsFanOut | undefined;
let sesMailer: SesMailer | undefined;

function fanOutFromConfig(c: Config): FanOut {
  const url = c.jobs.fanOutQueueUrl;
  if (url) {
    sqsFanOut ??= new SqsFanOut(url);
    return sqsFanOut;
  }
  // Not a fanned-out job: its steps, if any, run in this invocation.
  return new InlineFanOut(8);
}

function mailerFromConfig(c: Config, job: JobName): Mailer {
  if (job !== 'remind') return noMailer;
  sesMailer ??= sesMailerFromConfig(c) ?? undefined;
  // A reminder job without its sender cannot send: fail loudly rather than mark messages sent that never left.
  if (!sesMailer) throw new Error('REMINDER_SENDER is not set');
  return sesMailer;
}

export interface JobHandlerOptions {
  config?: Config;
  store?: () => Store;
  logger?: Pick<typeof logger, 'info' | 'error'>;
  fanOut?: () => FanOut;
  mailer?: () => Mailer;
}

export type JobEvent = SQSEvent | z.input<typeof scheduledEventSchema>;
export type JobResult = JobReport | SQSBatchResponse;

export function jobHandler(job: JobName, options: JobHandlerOptions = {}) {
  const c = options.config ?? config();
  // Every job uses the table: a missing name stops the function at cold start.
  requireTableName(c);
  const storeOf =
    options.store ??
    (() => store({ tableName: requireTableName(c), endpoint: c.table.endpoint, region: c.table.region }));
  const logs = options.logger ?? logger;
  const log = (message: string, fields: Record<string, unknown> = {}) =>
    logs.info(message, { job, ...fields });
  const context = (lambda: Context, now: Date, trigger: JobContext['trigger']): JobContext => ({
    store: storeOf(),
    now,
    trigger,
    fanOut: options.fanOut?.() ?? fanOutFromConfig(c),
    mailer: options.mailer?.() ?? mailerFromConfig(c, job),
    budget: lambdaBudget(lambda),
    concurrency: 8,
    log,
    // Each consumer of the delivery queue paces itself at its share of SES's rate.
    ...(job === 'remind' ? { delivery: deliverySettingsFromConfig(c.reminders.consumers) } : {}),
    metric: (name, value) => count(name, value),
  });

  const base = async (event: unknown, lambda: Context): Promise<JobResult> => {
    const sqs = sqsEventSchema.safeParse(event);
    if (sqs.success) {
      const ctx = context(lambda, new Date(), { kind: 'manual', fresh: false });
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      const handle = async (record: (typeof sqs.data.Records)[number]) => {
        try {
          const message = stepMessageSchema.parse(JSON.parse(record.body));
          if (message.job !== job) throw new Error(`a step of ${message.job} reached the ${job} function`);
          logger.setCorrelationId(message.runId);
          await handleMessage(ctx, message);
          countForJob(METRIC.jobSteps, job);
        } catch (error) {
          // Reported, not thrown: the other records of the batch are not redone.
          logs.error('step failed', { job, messageId: record.messageId, error: error as Error });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      };
      // A delivery batch goes out side by side (the pacer spaces the sends): one after the other, a consumer would
      // spend each message's table writes and SES call in turn and fall short of its share of the rate.
      if (job === 'remind') await Promise.all(sqs.data.Records.map(handle));
      else for (const record of sqs.data.Records) await handle(record);
      return { batchItemFailures };
    }
    const scheduled = scheduledEventSchema.parse(event);
    if (scheduled.job !== job) throw new Error(`the ${job} function was invoked for ${scheduled.job}`);
    logger.setCorrelationId(scheduled.correlationId ?? scheduled.executionId ?? scheduled.scheduledTime);
    const now = scheduled.scheduledTime ? new Date(scheduled.scheduledTime) : new Date();
    const trigger: JobContext['trigger'] = scheduled.scheduledTime
      ? { kind: 'scheduled', id: scheduled.scheduledTime }
      : { kind: 'manual', fresh: scheduled.fresh ?? false };
    const ctx = context(lambda, now, trigger);
    let runs: JobReport['runs'];
    try {
      runs = await JOB_DEFINITIONS[job].start(ctx, scheduled.target);
      if (ctx.fanOut instanceof InlineFanOut) {
        ctx.fanOut.attach((message) => handleMessage({ ...ctx, now: new Date() }, message));
        await ctx.fanOut.drain();
        runs = await asTheyAreNow(ctx.store, job, runs);
      }
    } catch (error) {
      // Running out of time is the plan for a long run (the retry resumes it); anything else is a real failure.
      if (!(error instanceof JobIncomplete)) countForJob(METRIC.jobFailures, job);
      throw error;
    }
    // The schedule ran, whatever there was to do: a missing heartbeat is a schedule that did not run.
    if (scheduled.scheduledTime) countForJob(METRIC.jobHeartbeat, job);
    const report: JobReport = { job, at: now.toISOString(), runs };
    log('job invocation done', {
      runs: runs.map((r) => ({ scope: r.scope, state: r.state, queued: r.queued })),
    });
    return report;
  };

  // Metrics counted during the invocation (steps, late actions, reminders) are flushed at its end.
  return middy<unknown, JobResult, Error, Context>(base)
    .use(flushMetrics())
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
