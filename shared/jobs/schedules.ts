/**
 * The schedule table: the scheduled jobs, when they run and how. The CDK stack creates the job functions,
 * their queues and EventBridge Scheduler schedules from it; the local scheduler fires the same cron expressions.
 */

import { JOBS, type JobName } from '../app/jobs/types.ts';
import type { TableAccess } from '../http/endpoint.ts';

export { JOBS, type JobName };

/** The function that records SES's events (Send, Bounce, Complaint) of the reminders' configuration set. */
export const SES_EVENTS_FUNCTION = { name: 'ses-events', entry: 'functions/events/ses-events.ts' } as const;

/** A job's own function (CDK): what it runs, what it needs, how its work is spread. */
export interface JobFunctionDefinition {
  job: JobName;
  entry: string;
  access: TableAccess;
  description: string;
  /**
   * The job splits its work per unit: in AWS the scheduled run enqueues one message per unit on an SQS queue
   * (with a dead-letter queue) that the same function consumes; locally the units run inline.
   */
  fanOut: boolean;
  /** Sends e-mail (SES in AWS, the SES v2 emulator locally). */
  sendsEmail: boolean;
  /**
   * The scheduled run only queues messages on a delivery queue; a consumer function of its own (same entry, short
   * timeout, at most REMINDER_CONSUMERS at once) sends them at SES's rate. Locally the in-process queue.
   */
  delivery: boolean;
}

/** A job that runs on a schedule. */
export interface ScheduleDefinition extends JobFunctionDefinition {
  /** EventBridge Scheduler cron expression, evaluated in `timeZone`. */
  cron: string;
  timeZone: 'Asia/Ho_Chi_Minh';
}

const schedule = (
  job: JobName,
  cron: string,
  description: string,
  options: { fanOut?: boolean; sendsEmail?: boolean; delivery?: boolean } = {},
): ScheduleDefinition => ({
  job,
  fanOut: options.fanOut ?? false,
  sendsEmail: options.sendsEmail ?? false,
  delivery: options.delivery ?? false,
  entry: `functions/jobs/${job}.ts`,
  cron,
  timeZone: 'Asia/Ho_Chi_Minh',
  access: 'write',
  description,
});

export const schedules: readonly ScheduleDefinition[] = [
  schedule('open-period', 'cron(5 0 1 * ? *)', 'Day 1, 00:05: open the month and create drafts', {
    fanOut: true,
  }),
  schedule('remind', 'cron(0 8 * * ? *)', 'Every day 08:00: remind who still has to act', {
    sendsEmail: true,
    delivery: true,
  }),
  // Deadlines move with weekends and holidays, so the job runs daily and closes a period once its approval
  // deadline has passed; on other days it changes nothing.
  schedule(
    'close-period',
    'cron(30 0 * * ? *)',
    'Every day 00:30: close periods past the approval deadline',
    {
      fanOut: true,
    },
  ),
  schedule('compute-rankings', 'cron(0 1 * * ? *)', 'Every day 01:00: refresh rankings of open periods', {
    fanOut: true,
  }),
  schedule('annual-rollup', 'cron(0 2 10 12 ? *)', '10 December 02:00: annual results before 15 December', {
    fanOut: true,
  }),
];

/**
 * Jobs with no schedule: only the API starts them (the periods function invokes their function). They get a
 * function, a fan-out queue and the same alarms, but no schedule.
 */
export const onDemandJobs: readonly JobFunctionDefinition[] = [
  {
    job: 'reopen-period',
    entry: 'functions/jobs/reopen-period.ts',
    access: 'write',
    description: 'On demand: reopen a period closed by mistake (bring back what the close expired, re-rank)',
    fanOut: true,
    sendsEmail: false,
    delivery: false,
  },
];

export const isScheduled = (definition: JobFunctionDefinition): definition is ScheduleDefinition =>
  'cron' in definition;

/** Every job function: the scheduled ones and those only the API starts. */
export const jobFunctions: readonly JobFunctionDefinition[] = [...schedules, ...onDemandJobs];
