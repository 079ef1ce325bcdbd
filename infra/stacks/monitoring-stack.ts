/**
 * Alarms and the dashboard, in a stack of their own, built from the same route/schedule table and the same
 * naming as the stacks they watch. Functions and queues are referred to by their deterministic names, not by
 * CloudFormation exports, so removing a function group from the table never blocks on an export in use.
 */
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionName } from '../../shared/http/routes.ts';
import { schedules } from '../../shared/jobs/schedules.ts';
import type { StageConfig } from '../config.ts';
import type { Naming } from '../naming.ts';

export interface MonitoringStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
  readonly api: IHttpApi;
  readonly table: ITable;
}

const FIVE_MINUTES = Duration.minutes(5);
/** A fan-out message older than this means the consumers are stuck or failing. */
export const FANOUT_MAX_AGE = Duration.minutes(30);

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
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config, names, api, table } = props;

    this.topic = new Topic(this, 'AlarmTopic', {
      topicName: `${names.prefix}-alarms`,
      displayName: `${names.prefix} alarms`,
      enforceSSL: true,
    });
    // The TLS-only topic policy replaces SNS's default policy, so CloudWatch must be allowed explicitly, and only
    // for alarms of this account.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (config.alarmEmail) this.topic.addSubscription(new EmailSubscription(config.alarmEmail));
    const action = new SnsAction(this.topic);

    /** `id` without the prefix: `http-org-errors` is the alarm `danh-gia-dev http-org-errors`. */
    const short = (name: string) => name.slice(names.prefix.length + 1);
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, id, {
        alarmName: `${names.prefix} ${id}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    // API: any 5xx is a defect (the contract has no 5xx for anything a client can send).
    const api5xx = api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    alarm('api-5xx', api5xx, 1, 'The HTTP API answered 5xx: a handler failed, timed out or was throttled.');

    const httpFunctions = (Object.keys(FUNCTIONS) as FunctionName[]).map((n) =>
      names.functionName('http', n),
    );
    const jobFunctions = schedules.map((s) => names.functionName('job', s.job));
    for (const fn of [...httpFunctions, ...jobFunctions]) {
      alarm(
        `${short(fn)}-errors`,
        lambdaMetric(fn, 'Errors'),
        1,
        `${fn} failed (uncaught error or timeout).`,
      );
      alarm(
        `${short(fn)}-throttles`,
        lambdaMetric(fn, 'Throttles'),
        1,
        `${fn} was throttled (concurrency limit).`,
      );
    }

    const deadLetterQueues = [
      names.jobsDeadLetterQueueName,
      ...schedules.filter((s) => s.fanOut).map((s) => names.fanOutDeadLetterQueueName(s.job)),
    ];
    for (const q of deadLetterQueues) {
      alarm(
        `${short(q)}-depth`,
        sqsMetric(q, 'ApproximateNumberOfMessagesVisible'),
        1,
        `${q} holds messages: a job run or a unit of a fan-out job failed for good. Inspect, fix, redrive.`,
      );
    }
    const fanOutQueues = schedules.filter((s) => s.fanOut).map((s) => names.fanOutQueueName(s.job));
    for (const q of fanOutQueues) {
      alarm(
        `${short(q)}-age`,
        sqsMetric(q, 'ApproximateAgeOfOldestMessage'),
        FANOUT_MAX_AGE.toSeconds(),
        `${q} has a message older than ${FANOUT_MAX_AGE.toMinutes()} minutes: its consumer is stuck or failing.`,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: names.prefix,
      defaultInterval: Duration.days(1),
    });
    const graph = (title: string, left: IMetric[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6 });
    const perFunction = (fns: string[], metricName: string, statistic = 'Sum') =>
      fns.map((fn) => lambdaMetric(fn, metricName, statistic, short(fn)));

    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${names.prefix}\nHTTP API, ${httpFunctions.length} HTTP functions, ${jobFunctions.length} jobs, one table.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
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
    this.dashboard.addWidgets(
      graph('HTTP functions: errors', perFunction(httpFunctions, 'Errors')),
      graph('HTTP functions: duration p95 (ms)', perFunction(httpFunctions, 'Duration', 'p95')),
      graph('HTTP functions: throttles', perFunction(httpFunctions, 'Throttles')),
    );
    this.dashboard.addWidgets(
      graph('Jobs: invocations', perFunction(jobFunctions, 'Invocations')),
      graph('Jobs: errors', perFunction(jobFunctions, 'Errors')),
      graph('Jobs: duration max (ms)', perFunction(jobFunctions, 'Duration', 'Maximum')),
    );
    this.dashboard.addWidgets(
      graph(
        'Dead-letter queues: messages',
        deadLetterQueues.map((q) => sqsMetric(q, 'ApproximateNumberOfMessagesVisible', short(q))),
      ),
      graph(
        'Fan-out queues: messages',
        fanOutQueues.map((q) => sqsMetric(q, 'ApproximateNumberOfMessagesVisible', short(q))),
      ),
      graph(
        'Fan-out queues: oldest message (s)',
        fanOutQueues.map((q) => sqsMetric(q, 'ApproximateAgeOfOldestMessage', short(q))),
      ),
    );
    this.dashboard.addWidgets(
      graph('Table: consumed capacity', [
        table.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES }),
        table.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES }),
      ]),
      // Each of these is a math expression over all operations; two in one graph would clash on metric ids.
      graph('Table: throttled requests', [
        table.metricThrottledRequestsForOperations({ period: FIVE_MINUTES }),
      ]),
      graph('Table: system errors', [table.metricSystemErrorsForOperations({ period: FIVE_MINUTES })]),
    );
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }),
    );

    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.topic.topicArn });
  }
}
