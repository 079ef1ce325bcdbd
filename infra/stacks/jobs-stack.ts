/**
 * Scheduled jobs, stateless: one function per row of the schedule table, an EventBridge Scheduler schedule in
 * Asia/Ho_Chi_Minh for each, with a retry policy and a dead-letter queue. A fan-out job gets a work queue (with
 * its own dead-letter queue) that the same function consumes: the scheduled run enqueues one message per unit.
 * A job that sends e-mail may send through SES from the configured sender only.
 *
 * The reminders (a `delivery` job): the scheduled run queues one message per person on a delivery queue; a consumer
 * function of its own (same code, one-minute timeout, at most `reminders.consumers` at once) sends them through the
 * SES configuration set, whose event destination (EventBridge) publishes Send, Bounce and Complaint events; a rule
 * hands them to the ses-events function, which records them in the table.
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
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
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
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  APP_URL_ENV,
  FANOUT_QUEUE_URL_ENV,
  REMINDER_CLAIM_SECONDS_ENV,
  REMINDER_CONSUMERS_ENV,
  REMINDER_DAILY_QUOTA_ENV,
  REMINDER_LEAD_DAYS_ENV,
  REMINDER_RATE_PER_SECOND_ENV,
  REMINDER_SENDER_ENV,
  SES_CONFIGURATION_SET_ENV,
} from '../../shared/config.ts';
import {
  isScheduled,
  type JobFunctionDefinition,
  type JobName,
  jobFunctions,
  SES_EVENTS_FUNCTION,
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
/** A delivery consumer sends a batch of 10 at a few a second: a minute is plenty, and a crash comes back soon. */
export const DELIVERY_TIMEOUT = Duration.minutes(1);
export const DELIVERY_BATCH_SIZE = 10;
/** Receives before the dead-letter queue: only crashes count (retries travel as new, delayed messages). */
export const DELIVERY_MAX_RECEIVE_COUNT = 10;
/** A claim is looked at again after this: far beyond one SES call (20 s at most) and the delay of SES's events. */
export const DELIVERY_CLAIM_SECONDS = 900;
/** SES's events are retried by EventBridge for a day, then kept in the jobs dead-letter queue. */
export const SES_EVENTS_TIMEOUT = Duration.seconds(30);

export interface JobResources {
  readonly definition: JobFunctionDefinition;
  readonly fn: AppFunction;
  /** Absent for a job only the API starts (no schedule). */
  readonly schedule?: Schedule;
  readonly fanOut?: { readonly queue: Queue; readonly deadLetterQueue: Queue };
  /** A delivery job's queue and the consumer that sends. */
  readonly delivery?: {
    readonly queue: Queue;
    readonly deadLetterQueue: Queue;
    readonly consumer: AppFunction;
  };
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
  /** The SES configuration set of the reminders, and the function that records its events. */
  readonly configurationSet: ConfigurationSet;
  readonly sesEvents: AppFunction;

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
    this.configurationSet = new ConfigurationSet(this, 'ReminderConfigurationSet', {
      configurationSetName: names.configurationSetName,
      reputationMetrics: true,
      // SES's own account-level list too: an address that bounced or complained is not even attempted.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const sesResources = [
      ...this.sesIdentityArns(config),
      this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: names.configurationSetName,
      }),
    ];
    const reminderEnvironment = {
      [SES_CONFIGURATION_SET_ENV]: names.configurationSetName,
      [REMINDER_RATE_PER_SECOND_ENV]: String(config.reminders.ratePerSecond),
      [REMINDER_DAILY_QUOTA_ENV]: String(config.reminders.dailyQuota),
      [REMINDER_CONSUMERS_ENV]: String(config.reminders.consumers),
      [REMINDER_LEAD_DAYS_ENV]: String(config.reminders.leadDays),
      [REMINDER_CLAIM_SECONDS_ENV]: String(DELIVERY_CLAIM_SECONDS),
      ...(this.appUrl(config) ? { [APP_URL_ENV]: this.appUrl(config) as string } : {}),
    };
    this.sesEvents = this.sesEventsFunction(props, names.configurationSetName);

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
      const deliveryQueue = definition.delivery
        ? new WorkQueue(this, `Delivery-${definition.job}`, {
            queueName: names.deliveryQueueName(definition.job),
            deadLetterQueueName: names.deliveryDeadLetterQueueName(definition.job),
            visibilityTimeout: Duration.seconds(DELIVERY_TIMEOUT.toSeconds() * 6),
            maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT,
          })
        : undefined;
      const queueUrl = fanOut?.queue.queueUrl ?? deliveryQueue?.queue.queueUrl;

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
          ...(queueUrl ? { [FANOUT_QUEUE_URL_ENV]: queueUrl } : {}),
          ...(definition.sendsEmail
            ? { [REMINDER_SENDER_ENV]: config.reminders.sender, ...reminderEnvironment }
            : {}),
        },
        onFailure: new SqsDestination(this.deadLetterQueue),
      });
      let consumer: AppFunction | undefined;
      if (deliveryQueue) {
        deliveryQueue.queue.grantSendMessages(fn.role);
        // The same code, consuming the queue: paced at its share of SES's rate, at most `consumers` at once.
        consumer = new AppFunction(this, `Job-${definition.job}-delivery`, {
          entry: definition.entry,
          functionName: names.functionName('job', `${definition.job}-delivery`),
          // The same service as the scheduled run: ReminderSent and ReminderFailures come from here.
          serviceName: names.serviceName('job', definition.job),
          description: `${definition.description}: deliver the queued messages at SES's rate`,
          config,
          table: props.table,
          access: 'write',
          timeout: DELIVERY_TIMEOUT,
          environment: {
            [JOB_NAME_ENV]: definition.job,
            [FANOUT_QUEUE_URL_ENV]: deliveryQueue.queue.queueUrl,
            [REMINDER_SENDER_ENV]: config.reminders.sender,
            ...reminderEnvironment,
          },
        });
        deliveryQueue.queue.grantSendMessages(consumer.role);
        consumer.function.addEventSource(
          new SqsEventSource(deliveryQueue.queue, {
            batchSize: DELIVERY_BATCH_SIZE,
            reportBatchItemFailures: true,
            maxConcurrency: config.reminders.consumers,
          }),
        );
      }
      const sender = consumer ?? fn;

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
        sender.role.addToPrincipalPolicy(
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
        ...(deliveryQueue && consumer
          ? {
              delivery: {
                queue: deliveryQueue.queue,
                deadLetterQueue: deliveryQueue.deadLetterQueue,
                consumer,
              },
            }
          : {}),
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

  /** The links in the e-mails: the configured address, else the first custom domain, else none. */
  private appUrl(config: StageConfig): string | undefined {
    if (config.reminders.appUrl) return config.reminders.appUrl.replace(/\/$/, '');
    const domain = config.domain?.names[0];
    return domain ? `https://${domain}` : undefined;
  }

  /**
   * SES's events of the configuration set (Send, Bounce, Complaint) through EventBridge's default bus into a
   * function that records them; a failed delivery is retried for a day, then kept in the jobs dead-letter queue.
   */
  private sesEventsFunction(props: JobsStackProps, configurationSetName: string): AppFunction {
    const { config, names } = props;
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.SEND, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    const fn = new AppFunction(this, 'SesEvents', {
      entry: SES_EVENTS_FUNCTION.entry,
      functionName: names.functionName('job', SES_EVENTS_FUNCTION.name),
      serviceName: names.serviceName('job', SES_EVENTS_FUNCTION.name),
      description: "SES's Send, Bounce and Complaint events of the reminders, recorded in the table",
      config,
      table: props.table,
      access: 'write',
      timeout: SES_EVENTS_TIMEOUT,
    });
    new Rule(this, 'SesEventsRule', {
      description: `SES events of ${configurationSetName}`,
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Sent', 'Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
      },
      targets: [
        new LambdaFunction(fn.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    return fn;
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
