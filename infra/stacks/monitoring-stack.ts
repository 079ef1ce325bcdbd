/**
 * Alarms on the jobs, the table, the queues and the schedules, and the dashboard, in a stack of their own, built
 * from the same route/schedule table and the same naming as the stacks they watch. Functions and queues are named,
 * not referenced; the table, the API and the distribution come through weak references (no export). The API's own
 * alarms (function errors, 5xx rate, p99 latency) live in the App stack, because its canary deployments use them.
 * Every alarm notifies the alarm topic of the Data stack.
 *
 * Alarms here:
 * - each job function's Lambda errors (the jobs throw on real failures only; resumable work goes back through their
 *   queue) and its `JobFailures` metric (a step that failed for real without throwing);
 * - a daily job that sent no `JobHeartbeat` for 26 hours (the schedule did not fire, or the run never completed);
 *   monthly and yearly jobs lie beyond what an alarm can look back on (7 days), so their schedule is watched through
 *   EventBridge Scheduler's own metrics (invocations dropped, or lost on the way to the dead-letter queue) and the
 *   dead-letter queues;
 * - dead-letter queue depth, fan-out message age;
 * - DynamoDB throttling of the table or any index;
 * - the reminders: a message SES refused for good or that could not go out (`ReminderFailures` > 0), messages carried
 *   over from an earlier day (`ReminderBacklog` > 0: the day's quota or SES's pause left some unsent), a delivery queue
 *   whose oldest message waits longer than DELIVERY_MAX_AGE, the delivery consumer's and the SES events function's
 *   errors.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionName } from '../../shared/http/routes.ts';
import {
  jobFunctions as allJobs,
  isScheduled,
  type ScheduleDefinition,
  schedules,
} from '../../shared/jobs/schedules.ts';
import { tableDefinition } from '../../shared/store/table-definition.ts';
import { EDGE_REGION, type StageConfig } from '../config.ts';
import { METRICS_NAMESPACE, type Naming } from '../naming.ts';

export interface MonitoringStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
  readonly api: IHttpApi;
  readonly table: ITable;
  readonly alarmTopic: ITopic;
  /** The CloudFront distribution in front of the app and the API (metrics in us-east-1). */
  readonly distributionId: string;
  /** The WAF web ACL's name, when there is one. */
  readonly webAclName?: string;
  /** The App stack's alarms (function errors, API 5xx rate and latency), shown beside these. */
  readonly appAlarms?: readonly IAlarm[];
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_DAY = Duration.days(1);
/** A fan-out message older than this means the consumers are stuck or failing. */
export const FANOUT_MAX_AGE = Duration.minutes(30);
/** A delivery queue's message older than this: the consumers are stuck (a day's reminders take hours at most). */
export const DELIVERY_MAX_AGE = Duration.hours(12);
/** A daily job's heartbeat may come this much later than a day before its alarm fires. */
export const HEARTBEAT_MARGIN_HOURS = 2;

/** The metrics the application emits (Powertools Metrics, namespace DanhGia, dimension `service`). */
export const APP_METRICS = {
  month: ['Submissions', 'Reviews', 'Approvals'],
  quality: ['Returns', 'QuotaRefusals', 'LateActions'],
  reminders: ['ReminderSent', 'ReminderFailures', 'ReminderBacklog'],
  jobs: { heartbeat: 'JobHeartbeat', failures: 'JobFailures', steps: 'JobSteps' },
} as const;
/** The function whose routes submit, review, return and approve evaluations (the month's progress). */
export const EVALUATIONS_FUNCTION: FunctionName = 'evaluations';
/** The job that sends the reminders. */
export const REMINDER_JOB = 'remind';

/** A schedule that fires every day (day of month and month `*`, any day of the week). */
export function isDaily(definition: Pick<ScheduleDefinition, 'cron'>): boolean {
  const fields = /^cron\((.*)\)$/.exec(definition.cron)?.[1]?.split(' ') ?? [];
  const [, , dayOfMonth, month, dayOfWeek] = fields;
  return dayOfMonth === '*' && month === '*' && (dayOfWeek === '?' || dayOfWeek === '*');
}

/** A label only on the dashboard: a labelled metric makes an alarm use the metric-math form. */
const lambdaMetric = (functionName: string, metricName: string, statistic = 'Sum', label?: string) =>
  new Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { FunctionName: functionName },
    statistic,
    period: FIVE_MINUTES,
    ...(label ? { label } : {}),
  });

const sqsMetric = (queueName: string, metricName: string, label?: string) =>
  new Metric({
    namespace: 'AWS/SQS',
    metricName,
    dimensionsMap: { QueueName: queueName },
    statistic: 'Maximum',
    period: FIVE_MINUTES,
    ...(label ? { label } : {}),
  });

export class MonitoringStack extends Stack {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { names, table } = props;
    const action = new SnsAction(props.alarmTopic);

    /** `id` without the prefix: `job-remind-errors` is the alarm `danh-gia-dev job-remind-errors`. */
    const short = (name: string) => name.slice(names.prefix.length + 1);
    const alarm = (
      alarmId: string,
      metric: IMetric,
      threshold: number,
      description: string,
      options: {
        comparison?: ComparisonOperator;
        evaluationPeriods?: number;
        datapointsToAlarm?: number;
        missing?: TreatMissingData;
      } = {},
    ) => {
      const a = new Alarm(this, alarmId, {
        alarmName: names.alarmName(alarmId),
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        ...(options.datapointsToAlarm ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };
    const appMetric = (
      metricName: string,
      service: string,
      extra: Record<string, string> = {},
      statistic = 'Sum',
      period = FIVE_MINUTES,
      label?: string,
    ) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service, ...extra },
        statistic,
        period,
        ...(label ? { label } : {}),
      });

    // Jobs: real failures only (resumable work goes back through the job's queue instead of failing the run).
    const jobFunctions = [
      ...allJobs.map((s) => names.functionName('job', s.job)),
      ...schedules.filter((s) => s.delivery).map((s) => names.functionName('job', `${s.job}-delivery`)),
      names.functionName('job', 'ses-events'),
    ];
    for (const s of allJobs) {
      const fn = names.functionName('job', s.job);
      const service = names.serviceName('job', s.job);
      alarm(
        `${short(fn)}-errors`,
        lambdaMetric(fn, 'Errors'),
        1,
        `${fn} failed (uncaught error or timeout).`,
      );
      alarm(
        `${short(fn)}-failures`,
        appMetric(APP_METRICS.jobs.failures, service, { job: s.job }),
        1,
        `${s.job}: a run or a step failed for real (JobFailures). Read the function's log, fix, rerun: the job is idempotent.`,
      );
      if (isScheduled(s) && isDaily(s)) {
        const hours = 24 + HEARTBEAT_MARGIN_HOURS;
        alarm(
          `${short(fn)}-heartbeat`,
          appMetric(APP_METRICS.jobs.heartbeat, service, { job: s.job }, 'Sum', Duration.hours(1)),
          1,
          `${s.job} runs daily (${s.cron}, ${s.timeZone}) but sent no JobHeartbeat for ${hours} hours: the schedule did not fire or no run completed.`,
          {
            comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluationPeriods: hours,
            datapointsToAlarm: hours,
            missing: TreatMissingData.BREACHING,
          },
        );
      }
    }

    // Monthly and yearly schedules: what EventBridge Scheduler reports for the stage's schedule group.
    const schedulerMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/Scheduler',
        metricName,
        dimensionsMap: { ScheduleGroup: names.prefix },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      });
    alarm(
      'schedules-dropped',
      schedulerMetric('InvocationDroppedCount'),
      1,
      'EventBridge Scheduler gave up invoking a job (retry policy spent, no dead-letter queue reached): a scheduled run did not happen.',
    );
    alarm(
      'schedules-dlq-failed',
      schedulerMetric('InvocationsFailedToBeSentToDeadLetterCount'),
      1,
      'EventBridge Scheduler could not put a failed invocation on the jobs dead-letter queue: a scheduled run was lost.',
    );

    // The reminders: failures, a backlog carried over to another day, a stuck delivery queue, the extra functions.
    const reminders = names.serviceName('job', REMINDER_JOB);
    alarm(
      'reminders-failures',
      appMetric(APP_METRICS.reminders[1], reminders),
      1,
      'A reminder could not be sent (SES refused it for good, sending is paused, or it failed every retry today): read the delivery log; the outbox item says why.',
    );
    alarm(
      'reminders-backlog',
      appMetric(APP_METRICS.reminders[2], reminders, {}, 'Maximum', ONE_DAY),
      1,
      "Reminders were carried over from an earlier day (the day's SES quota or a pause left them unsent): ask AWS for a higher SES quota (docs/DEPLOY.md).",
    );
    for (const s of schedules.filter((d) => d.delivery)) {
      const q = names.deliveryQueueName(s.job);
      alarm(
        `${short(q)}-age`,
        sqsMetric(q, 'ApproximateAgeOfOldestMessage'),
        DELIVERY_MAX_AGE.toSeconds(),
        `${q} has a message older than ${DELIVERY_MAX_AGE.toHours()} hours: the delivery consumers are stuck or failing.`,
      );
      const consumer = names.functionName('job', `${s.job}-delivery`);
      alarm(
        `${short(consumer)}-errors`,
        lambdaMetric(consumer, 'Errors'),
        1,
        `${consumer} failed (uncaught error or timeout).`,
      );
    }
    const sesEvents = names.functionName('job', 'ses-events');
    alarm(
      `${short(sesEvents)}-errors`,
      lambdaMetric(sesEvents, 'Errors'),
      1,
      `${sesEvents} failed to record an SES event (EventBridge retries it for a day, then the jobs dead-letter queue keeps it).`,
    );

    const deadLetterQueues = [
      names.jobsDeadLetterQueueName,
      ...allJobs.filter((s) => s.fanOut).map((s) => names.fanOutDeadLetterQueueName(s.job)),
      ...schedules.filter((s) => s.delivery).map((s) => names.deliveryDeadLetterQueueName(s.job)),
    ];
    for (const q of deadLetterQueues) {
      alarm(
        `${short(q)}-depth`,
        sqsMetric(q, 'ApproximateNumberOfMessagesVisible'),
        1,
        `${q} holds messages: a job run or a unit of a fan-out job failed for good. Inspect, fix, redrive.`,
      );
    }
    const fanOutOnly = allJobs.filter((s) => s.fanOut).map((s) => names.fanOutQueueName(s.job));
    for (const q of fanOutOnly) {
      alarm(
        `${short(q)}-age`,
        sqsMetric(q, 'ApproximateAgeOfOldestMessage'),
        FANOUT_MAX_AGE.toSeconds(),
        `${q} has a message older than ${FANOUT_MAX_AGE.toMinutes()} minutes: its consumer is stuck or failing.`,
      );
    }

    // DynamoDB: throttled reads or writes on the table or any index (an index that throttles slows the table). One
    // alarm for reads and one for writes: an alarm's expression may hold at most 10 metrics (table + 5 indexes).
    const indexes: (string | undefined)[] = [
      undefined,
      ...tableDefinition.globalSecondaryIndexes.map((g) => g.indexName),
    ];
    const throttles = (metricName: 'ReadThrottleEvents' | 'WriteThrottleEvents', label: string) => {
      // Ids unique across both expressions: the dashboard graphs them together.
      const prefix = metricName === 'ReadThrottleEvents' ? 'r' : 'w';
      const metrics: Record<string, IMetric> = {};
      indexes.forEach((indexName, i) => {
        metrics[`${prefix}${i}`] = table.metric(metricName, {
          statistic: 'Sum',
          period: FIVE_MINUTES,
          ...(indexName
            ? { dimensionsMap: { TableName: table.tableName, GlobalSecondaryIndexName: indexName } }
            : {}),
        });
      });
      return new MathExpression({
        label,
        expression: 'SUM(FILL(METRICS(), 0))',
        usingMetrics: metrics,
        period: FIVE_MINUTES,
      });
    };
    const tableThrottles = [
      throttles('ReadThrottleEvents', 'Throttled reads (table and indexes)'),
      throttles('WriteThrottleEvents', 'Throttled writes (table and indexes)'),
    ];
    for (const [kind, expression] of [
      ['read', tableThrottles[0]],
      ['write', tableThrottles[1]],
    ] as const) {
      if (!expression) continue;
      alarm(
        `table-${kind}-throttles`,
        expression,
        1,
        `DynamoDB throttled ${kind}s of the table or an index: raise capacity.warmWriteUnitsPerSecond, check the on-demand quotas (docs/DEPLOY.md).`,
      );
    }

    // The dashboard shows the delivery queues beside the fan-out queues.
    const fanOutQueues = [
      ...fanOutOnly,
      ...schedules.filter((s) => s.delivery).map((s) => names.deliveryQueueName(s.job)),
    ];
    this.dashboard = this.createDashboard(props, {
      short,
      appMetric,
      jobFunctions,
      deadLetterQueues,
      fanOutQueues,
      tableThrottles,
    });
  }

  private createDashboard(
    props: MonitoringStackProps,
    helpers: {
      short: (name: string) => string;
      appMetric: (
        metricName: string,
        service: string,
        extra?: Record<string, string>,
        statistic?: string,
        period?: Duration,
        label?: string,
      ) => Metric;
      jobFunctions: string[];
      deadLetterQueues: string[];
      fanOutQueues: string[];
      tableThrottles: MathExpression[];
    },
  ): Dashboard {
    const { names, api, table } = props;
    const { short, appMetric, jobFunctions, deadLetterQueues, fanOutQueues, tableThrottles } = helpers;
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: names.prefix,
      defaultInterval: ONE_DAY,
    });
    const graph = (title: string, left: IMetric[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6 });
    /** Per day over the last 5 weeks, whatever the dashboard's range: the month at a glance. */
    const daily = (title: string, left: IMetric[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6, start: '-P35D', period: ONE_DAY, stacked: false });
    const httpFunctions = (Object.keys(FUNCTIONS) as FunctionName[]).map((n) =>
      names.functionName('http', n),
    );
    const perFunction = (fns: string[], metricName: string, statistic = 'Sum') =>
      fns.map((fn) => lambdaMetric(fn, metricName, statistic, short(fn)));
    const evaluations = names.serviceName('http', EVALUATIONS_FUNCTION);
    const reminders = names.serviceName('job', REMINDER_JOB);

    dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${names.prefix}\nThe month's progress, then the API (CloudFront → HTTP API → ${httpFunctions.length} functions), ${jobFunctions.length} jobs, the table and the edge. Alarms at the bottom.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      daily(
        'This month: submitted, reviewed, approved per day',
        APP_METRICS.month.map((m) => appMetric(m, evaluations, {}, 'Sum', ONE_DAY, m)),
      ),
      daily(
        'Returns, A-quota refusals, late actions per day',
        APP_METRICS.quality.map((m) => appMetric(m, evaluations, {}, 'Sum', ONE_DAY, m)),
      ),
      daily('Reminders: sent, failed, left unsent per day', [
        appMetric('ReminderSent', reminders, {}, 'Sum', ONE_DAY, 'ReminderSent'),
        appMetric('ReminderFailures', reminders, {}, 'Sum', ONE_DAY, 'ReminderFailures'),
        appMetric('ReminderBacklog', reminders, {}, 'Maximum', ONE_DAY, 'ReminderBacklog'),
      ]),
    );
    dashboard.addWidgets(
      graph('API requests', [api.metricCount({ period: FIVE_MINUTES })]),
      graph('API 4xx / 5xx', [
        api.metricClientError({ period: FIVE_MINUTES }),
        api.metricServerError({ period: FIVE_MINUTES }),
      ]),
      graph('API latency p50 / p99 (ms)', [
        api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }),
        api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
      ]),
    );
    dashboard.addWidgets(
      graph('HTTP functions: errors', perFunction(httpFunctions, 'Errors')),
      graph('HTTP functions: duration p95 (ms)', perFunction(httpFunctions, 'Duration', 'p95')),
      graph('HTTP functions: throttles', perFunction(httpFunctions, 'Throttles')),
    );
    const jobs = allJobs.map((s) => ({ s, service: names.serviceName('job', s.job) }));
    dashboard.addWidgets(
      daily(
        'Jobs: completed runs per day (JobHeartbeat)',
        jobs.map(({ s, service }) =>
          appMetric(APP_METRICS.jobs.heartbeat, service, { job: s.job }, 'Sum', ONE_DAY, s.job),
        ),
      ),
      graph(
        'Jobs: steps and real failures',
        jobs.flatMap(({ s, service }) => [
          appMetric(APP_METRICS.jobs.steps, service, { job: s.job }, 'Sum', FIVE_MINUTES, `${s.job} steps`),
          appMetric(
            APP_METRICS.jobs.failures,
            service,
            { job: s.job },
            'Sum',
            FIVE_MINUTES,
            `${s.job} failures`,
          ),
        ]),
      ),
      graph('Jobs: duration max (ms)', perFunction(jobFunctions, 'Duration', 'Maximum')),
    );
    dashboard.addWidgets(
      graph(
        'Dead-letter queues: messages',
        deadLetterQueues.map((q) => sqsMetric(q, 'ApproximateNumberOfMessagesVisible', short(q))),
      ),
      graph(
        'Fan-out and delivery queues: messages',
        fanOutQueues.map((q) => sqsMetric(q, 'ApproximateNumberOfMessagesVisible', short(q))),
      ),
      graph(
        'Fan-out and delivery queues: oldest message (s)',
        fanOutQueues.map((q) => sqsMetric(q, 'ApproximateAgeOfOldestMessage', short(q))),
      ),
    );
    dashboard.addWidgets(
      graph('Table: consumed capacity', [
        table.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES }),
        table.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES }),
      ]),
      graph('Table and indexes: throttled requests', tableThrottles),
      graph('Table: system errors', [table.metricSystemErrorsForOperations({ period: FIVE_MINUTES })]),
    );
    const edge = (metricName: string, statistic: string, label: string) =>
      new Metric({
        namespace: 'AWS/CloudFront',
        metricName,
        dimensionsMap: { DistributionId: props.distributionId, Region: 'Global' },
        statistic,
        period: FIVE_MINUTES,
        region: EDGE_REGION,
        label,
      });
    dashboard.addWidgets(
      graph('CloudFront: requests', [edge('Requests', 'Sum', 'requests')]),
      graph('CloudFront: 4xx / 5xx (%)', [
        edge('4xxErrorRate', 'Average', '4xx %'),
        edge('5xxErrorRate', 'Average', '5xx %'),
      ]),
      graph(
        'WAF: blocked requests',
        props.webAclName
          ? [
              new Metric({
                namespace: 'AWS/WAFV2',
                metricName: 'BlockedRequests',
                dimensionsMap: { WebACL: props.webAclName, Rule: 'ALL' },
                statistic: 'Sum',
                period: FIVE_MINUTES,
                region: EDGE_REGION,
                label: 'blocked',
              }),
            ]
          : [],
      ),
    );
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...(props.appAlarms ?? []), ...this.alarms],
        width: 24,
        height: 8,
      }),
    );
    return dashboard;
  }
}
