import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../infra/naming.ts';
import {
  APP_METRICS,
  DELIVERY_MAX_AGE,
  EVALUATIONS_FUNCTION,
  HEARTBEAT_MARGIN_HOURS,
  isDaily,
} from '../../infra/stacks/monitoring-stack.ts';
import { FUNCTIONS } from '../../shared/http/routes.ts';
import { jobFunctions as allJobs, schedules } from '../../shared/jobs/schedules.ts';
import { tableDefinition } from '../../shared/store/table-definition.ts';
import { only, props, resources, type SynthesisedApp, synthProdExample } from './support.ts';

type AlarmProps = {
  AlarmName: string;
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Threshold: number;
  Period?: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  ComparisonOperator: string;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } };
  }[];
};

describe('monitoring stack', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synthProdExample();
  });
  afterAll(() => app.cleanup());

  const alarms = () =>
    resources(app.templates.monitoring, 'AWS::CloudWatch::Alarm').map(([, a]) => props(a) as AlarmProps);
  const dims = (a: AlarmProps) => Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  const alarmOn = (namespace: string, metric: string, dimensions: Record<string, unknown>) =>
    alarms().filter(
      (a) =>
        a.Namespace === namespace &&
        a.MetricName === metric &&
        Object.entries(dimensions).every(([k, v]) => JSON.stringify(dims(a)[k]) === JSON.stringify(v)),
    );

  /** Every job function the Jobs stack actually creates, by physical name. */
  const jobFunctions = () =>
    resources(app.templates.jobs, 'AWS::Lambda::Function').map(([, f]) => String(props(f).FunctionName));

  it('watches every job function for errors: they throw on real failures only', () => {
    const fns = jobFunctions();
    // Every job's, the reminders' delivery consumer, and the SES events function.
    expect(fns).toHaveLength(allJobs.length + 2);
    for (const fn of fns) expect(alarmOn('AWS/Lambda', 'Errors', { FunctionName: fn }), fn).toHaveLength(1);
  });

  it('alarms on JobFailures of every job, by its service and job dimensions', () => {
    for (const s of allJobs) {
      const found = alarmOn(METRICS_NAMESPACE, APP_METRICS.jobs.failures, {
        service: app.names.serviceName('job', s.job),
        job: s.job,
      });
      expect(found, s.job).toHaveLength(1);
      expect(found[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it(`alarms when a daily job sent no heartbeat for a day and ${HEARTBEAT_MARGIN_HOURS} hours (missing data counts)`, () => {
    const daily = schedules.filter(isDaily).map((s) => s.job);
    expect(daily.sort()).toEqual(['close-period', 'compute-rankings', 'remind']);
    for (const s of schedules) {
      const found = alarmOn(METRICS_NAMESPACE, APP_METRICS.jobs.heartbeat, {
        service: app.names.serviceName('job', s.job),
        job: s.job,
      });
      if (!isDaily(s)) {
        expect(found, `${s.job} is not daily: an alarm cannot look back a month`).toEqual([]);
        continue;
      }
      expect(found, s.job).toHaveLength(1);
      const hours = 24 + HEARTBEAT_MARGIN_HOURS;
      expect(found[0]).toMatchObject({
        Period: 3600,
        EvaluationPeriods: hours,
        DatapointsToAlarm: hours,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      expect(hours * 3600).toBeLessThanOrEqual(7 * 24 * 3600);
    }
  });

  it("watches the monthly and yearly schedules through EventBridge Scheduler's own metrics", () => {
    for (const metric of ['InvocationDroppedCount', 'InvocationsFailedToBeSentToDeadLetterCount']) {
      const found = alarmOn('AWS/Scheduler', metric, { ScheduleGroup: app.names.prefix });
      expect(found, metric).toHaveLength(1);
      expect(found[0]?.Threshold).toBe(1);
    }
  });

  it('watches the depth of every dead-letter queue and the age of every fan-out queue the jobs stack creates', () => {
    const queues = resources(app.templates.jobs, 'AWS::SQS::Queue').map(([, q]) =>
      String(props(q).QueueName),
    );
    const dlqs = queues.filter((q) => q.endsWith('-dlq'));
    expect(dlqs).toHaveLength(1 + allJobs.filter((s) => s.fanOut || s.delivery).length);
    for (const q of dlqs) {
      const [alarm] = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: q });
      expect(alarm, q).toBeDefined();
      expect(alarm?.Threshold).toBe(1);
    }
    for (const q of queues.filter((name) => name.endsWith('-fanout') || name.endsWith('-delivery'))) {
      expect(alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: q }), q).toHaveLength(1);
    }
  });

  it('alarms on the reminders: any failure, a backlog carried over to another day, a stuck delivery queue', () => {
    const service = app.names.serviceName('job', 'remind');
    const [failures] = alarmOn(METRICS_NAMESPACE, 'ReminderFailures', { service });
    expect(failures).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const [backlog] = alarmOn(METRICS_NAMESPACE, 'ReminderBacklog', { service });
    expect(backlog).toMatchObject({ Threshold: 1, Period: 86_400, Statistic: 'Maximum' });
    const [age] = alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage', {
      QueueName: app.names.deliveryQueueName('remind'),
    });
    expect(age?.Threshold).toBe(DELIVERY_MAX_AGE.toSeconds());
  });

  it('alarms on throttled reads or writes of the table and of every index', () => {
    const indexes = tableDefinition.globalSecondaryIndexes.map((g) => g.indexName);
    for (const [kind, name] of [
      ['read', 'ReadThrottleEvents'],
      ['write', 'WriteThrottleEvents'],
    ] as const) {
      const [alarm] = alarms().filter((a) => a.AlarmName === app.names.alarmName(`table-${kind}-throttles`));
      if (!alarm?.Metrics) throw new Error(`no table ${kind} throttle alarm`);
      expect(alarm.Metrics.find((m) => m.Expression)?.Expression).toBe('SUM(FILL(METRICS(), 0))');
      const stats = alarm.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
      expect(stats).toHaveLength(1 + indexes.length);
      expect(stats.every((s) => s.MetricName === name)).toBe(true);
      const indexDims = stats.map(
        (s) =>
          (s.Dimensions as { Name: string; Value: unknown }[]).find(
            (d) => d.Name === 'GlobalSecondaryIndexName',
          )?.Value,
      );
      expect(indexDims.sort()).toEqual([...indexes, undefined].sort());
      for (const s of stats) expect(JSON.stringify(s.Dimensions)).toContain('Fn::GetStackOutput');
      expect(alarm.Threshold).toBe(1);
    }
  });

  it('notifies the Data stack’s alarm topic on every alarm and on recovery', () => {
    for (const a of alarms()) {
      expect(JSON.stringify(a.AlarmActions), a.AlarmName).toMatch(
        /Fn::GetStackOutput.*DanhGia-prod-Data.*AlarmTopic/,
      );
      expect(a.OKActions).toEqual(a.AlarmActions);
    }
  });

  it('has a dashboard with the month’s progress: submitted, reviewed, approved per day', () => {
    const [, dashboard] = only(app.templates.monitoring, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(props(dashboard).DashboardBody);
    const evaluations = app.names.serviceName('http', EVALUATIONS_FUNCTION);
    for (const metric of APP_METRICS.month) {
      expect(body).toContain(`\\"${METRICS_NAMESPACE}\\",\\"${metric}\\",\\"service\\",\\"${evaluations}\\"`);
    }
    expect(body).toContain('This month: submitted, reviewed, approved per day');
    expect(body).toMatch(/\\"period\\":86400/);
    expect(body).toContain('-P35D');
    for (const metric of [...APP_METRICS.quality, ...APP_METRICS.reminders]) expect(body).toContain(metric);
  });

  it('shows the API, every function, every queue, the table and the edge', () => {
    const [, dashboard] = only(app.templates.monitoring, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(props(dashboard).DashboardBody);
    for (const fn of [
      ...Object.keys(FUNCTIONS).map((n) => app.names.functionName('http', n)),
      ...jobFunctions(),
    ]) {
      expect(body).toContain(fn);
    }
    expect(body).toContain('AWS/ApiGateway');
    expect(body).toContain(app.names.jobsDeadLetterQueueName);
    expect(body).toContain('AWS/CloudFront');
    expect(body).toContain('AWS/WAFV2');
    expect(body).toContain('us-east-1');
    // The App stack's alarms (API 5xx rate, p99, function errors) beside this stack's.
    expect(body).toMatch(/DanhGia-prod-App[^}]*Alarmapi5xxrate/);
  });
});
