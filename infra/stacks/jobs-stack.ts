/**
 * Scheduled jobs, stateless: one function per row of the schedule table, an EventBridge Scheduler schedule in
 * Asia/Ho_Chi_Minh for each, with a retry policy and a dead-letter queue. A fan-out job gets a work queue (with
 * its own dead-letter queue) that the same function consumes: the scheduled run enqueues one message per unit.
 * A job that sends e-mail may send through SES from the configured sender only.
 */
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleGroup,
  ScheduleTargetInput,
  TimeWindow,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FANOUT_QUEUE_URL_ENV, REMINDER_SENDER_ENV } from '../../shared/config.ts';
import {
  isScheduled,
  type JobFunctionDefinition,
  type JobName,
  jobFunctions,
} from '../../shared/jobs/schedules.ts';
import type { StageConfig } from '../config.ts';
import { AppFunction } from '../constructs/app-function.ts';
import { deadLetterQueue, WorkQueue } from '../constructs/secure-queue.ts';
import type { Naming } from '../naming.ts';

export { FANOUT_QUEUE_URL_ENV, REMINDER_SENDER_ENV };
export const JOB_NAME_ENV = 'JOB_NAME';

/** Scheduler retries a failed delivery this often within `SCHEDULE_MAX_EVENT_AGE`, then dead-letters it. */
export const SCHEDULE_RETRY_ATTEMPTS = 3;
export const SCHEDULE_MAX_EVENT_AGE = Duration.hours(2);
/** A fan-out leg handles one unit (or enqueues the units); a plain job may walk the whole organisation. */
export const FANOUT_JOB_TIMEOUT = Duration.minutes(5);
export const JOB_TIMEOUT = Duration.minutes(15);
export const FANOUT_MAX_RECEIVE_COUNT = 3;

export interface JobResources {
  readonly definition: JobFunctionDefinition;
  readonly fn: AppFunction;
  /** Absent for a job only the API starts (no schedule). */
  readonly schedule?: Schedule;
  readonly fanOut?: { readonly queue: Queue; readonly deadLetterQueue: Queue };
}

export interface JobsStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
  readonly table: ITable;
}

export class JobsStack extends Stack {
  readonly jobs: ReadonlyMap<JobName, JobResources>;
  /** Where undeliverable schedule invocations and failed asynchronous job runs end up. */
  readonly deadLetterQueue: Queue;
  readonly scheduleGroup: ScheduleGroup;

  constructor(scope: Construct, id: string, props: JobsStackProps) {
    super(scope, id, props);
    const { config, names } = props;

    this.deadLetterQueue = deadLetterQueue(
      this,
      'JobsDeadLetterQueue',
      names.jobsDeadLetterQueueName,
      'schedule deliveries that failed after the retry policy, and job runs that failed after Lambda retried them',
    );
    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: names.prefix,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const sesResources = this.sesIdentityArns(config);

    const jobs = new Map<JobName, JobResources>();
    for (const definition of jobFunctions) {
      const fanOut = definition.fanOut
        ? new WorkQueue(this, `FanOut-${definition.job}`, {
            queueName: names.fanOutQueueName(definition.job),
            deadLetterQueueName: names.fanOutDeadLetterQueueName(definition.job),
            visibilityTimeout: Duration.seconds(FANOUT_JOB_TIMEOUT.toSeconds() * 6),
            maxReceiveCount: FANOUT_MAX_RECEIVE_COUNT,
          })
        : undefined;

      const fn = new AppFunction(this, `Job-${definition.job}`, {
        entry: definition.entry,
        functionName: names.functionName('job', definition.job),
        serviceName: names.serviceName('job', definition.job),
        description: definition.description,
        config,
        table: props.table,
        access: definition.access,
        timeout: definition.fanOut ? FANOUT_JOB_TIMEOUT : JOB_TIMEOUT,
        environment: {
          [JOB_NAME_ENV]: definition.job,
          ...(fanOut ? { [FANOUT_QUEUE_URL_ENV]: fanOut.queue.queueUrl } : {}),
          ...(definition.sendsEmail ? { [REMINDER_SENDER_ENV]: config.reminders.sender } : {}),
        },
        onFailure: new SqsDestination(this.deadLetterQueue),
      });

      if (fanOut) {
        fanOut.queue.grantSendMessages(fn.role);
        fn.function.addEventSource(
          new SqsEventSource(fanOut.queue, {
            batchSize: 5,
            reportBatchItemFailures: true,
            // Spread a month's units over a few concurrent consumers rather than a burst of hundreds.
            maxConcurrency: 10,
          }),
        );
      }
      if (definition.sendsEmail) {
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'SendFromConfiguredSender',
            actions: ['ses:SendEmail', 'ses:SendRawEmail'],
            resources: sesResources,
            conditions: { StringEquals: { 'ses:FromAddress': config.reminders.sender } },
          }),
        );
      }

      const resources = {
        definition,
        fn,
        ...(fanOut ? { fanOut: { queue: fanOut.queue, deadLetterQueue: fanOut.deadLetterQueue } } : {}),
      };
      // A job only the API starts (reopen-period) has its function, queue and alarms, but no schedule.
      if (!isScheduled(definition)) {
        jobs.set(definition.job, resources);
        continue;
      }
      const schedule = new Schedule(this, `Schedule-${definition.job}`, {
        scheduleName: `${names.prefix}-${definition.job}`,
        scheduleGroup: this.scheduleGroup,
        description: definition.description,
        schedule: ScheduleExpression.expression(definition.cron, TimeZone.of(definition.timeZone)),
        timeWindow: TimeWindow.off(),
        target: new LambdaInvoke(fn.function, {
          role: this.schedulerRole(definition.job, fn),
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
          maxEventAge: SCHEDULE_MAX_EVENT_AGE,
          input: ScheduleTargetInput.fromObject({
            source: 'aws.scheduler',
            job: definition.job,
            scheduledTime: ContextAttribute.scheduledTime,
            executionId: ContextAttribute.executionId,
            attemptNumber: ContextAttribute.attemptNumber,
          }),
        }),
      });

      jobs.set(definition.job, { ...resources, schedule });
    }
    this.jobs = jobs;

    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroup.scheduleGroupName });
    new CfnOutput(this, 'JobsDeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }

  /**
   * The role one schedule assumes to invoke its job: trusted by EventBridge Scheduler for this account and this
   * schedule group only (the confused-deputy conditions). LambdaInvoke grants it `lambda:InvokeFunction` on the
   * function and on `<function>:*`; the latter finding is acknowledged for this role and this function only.
   */
  private schedulerRole(job: JobName, fn: AppFunction): Role {
    const role = new Role(this, `SchedulerRole-${job}`, {
      description: `EventBridge Scheduler: invoke ${fn.function.node.path}`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
    });
    const cfn = fn.function.node.defaultChild;
    if (!(cfn instanceof CfnFunction)) throw new Error('expected a CfnFunction');
    const logicalId = this.resolve(this.getLogicalId(cfn));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        `"${logicalId}.Arn:*" matches the versions and aliases of the one ${job} function only (granted by ` +
        "CDK's LambdaInvoke target so that a schedule may target a qualified ARN); no other function is reachable.",
    });
    return role;
  }

  /**
   * The SES identities that may send the reminders: the configured identity, or else both the sender address
   * and its domain (SES authorises against whichever of the two is verified). Optionally created here.
   */
  private sesIdentityArns(config: StageConfig): string[] {
    const { sender, identity, createIdentity } = config.reminders;
    const domain = sender.slice(sender.lastIndexOf('@') + 1);
    const identities = identity ? [identity] : [sender, domain];
    if (createIdentity) {
      const created = identity ?? sender;
      const ses = new EmailIdentity(this, 'ReminderSenderIdentity', {
        identity: created.includes('@') ? Identity.email(created) : Identity.domain(created),
      });
      ses.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
    return identities.map((name) =>
      this.formatArn({ service: 'ses', resource: 'identity', resourceName: name }),
    );
  }
}
