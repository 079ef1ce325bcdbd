import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../shared/http/routes.ts';
import { schedules } from '../../shared/jobs/schedules.ts';
import { PROD_STAGES, props, resources, type SynthesisedApp, synth } from './support.ts';

type AlarmProps = {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Threshold: number;
  AlarmActions: unknown[];
};

describe('monitoring stack', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth({ stage: 'prod', stages: PROD_STAGES });
  });
  afterAll(() => app.cleanup());

  const alarms = () =>
    resources(app.templates.monitoring, 'AWS::CloudWatch::Alarm').map(([, a]) => props(a) as AlarmProps);
  const alarmOn = (namespace: string, metric: string, dimension: string, value: unknown) =>
    alarms().filter(
      (a) =>
        a.Namespace === namespace &&
        a.MetricName === metric &&
        a.Dimensions?.some((d) => d.Name === dimension && JSON.stringify(d.Value) === JSON.stringify(value)),
    );

  /** Every function the API and jobs stacks actually create, by physical name. */
  const deployedFunctions = () =>
    [app.templates.api, app.templates.jobs].flatMap((t) =>
      resources(t, 'AWS::Lambda::Function').map(([, f]) => String(props(f).FunctionName)),
    );

  it('watches every deployed function for errors and throttles', () => {
    const fns = deployedFunctions();
    expect(fns).toHaveLength(Object.keys(FUNCTIONS).length + schedules.length);
    for (const fn of fns) {
      expect(alarmOn('AWS/Lambda', 'Errors', 'FunctionName', fn), fn).toHaveLength(1);
      expect(alarmOn('AWS/Lambda', 'Throttles', 'FunctionName', fn), fn).toHaveLength(1);
    }
  });

  it('watches the depth of every dead-letter queue the jobs stack creates', () => {
    const deployedQueues = resources(app.templates.jobs, 'AWS::SQS::Queue').map(([, q]) =>
      String(props(q).QueueName),
    );
    const dlqs = deployedQueues.filter((q) => q.endsWith('-dlq'));
    expect(dlqs).toHaveLength(1 + schedules.filter((s) => s.fanOut).length);
    for (const q of dlqs) {
      const [alarm] = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', q);
      expect(alarm, q).toBeDefined();
      expect(alarm?.Threshold).toBe(1);
    }
    for (const q of deployedQueues.filter((name) => name.endsWith('-fanout'))) {
      expect(alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', q), q).toHaveLength(1);
    }
  });

  it('alarms on any API 5xx', () => {
    const [apiId] = resources(app.templates.api, 'AWS::ApiGatewayV2::Api').map(([id]) => id);
    const api5xx = alarms().filter((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === '5xx');
    expect(api5xx).toHaveLength(1);
    expect(JSON.stringify(api5xx[0]?.Dimensions)).toContain(String(apiId));
    expect(api5xx[0]?.Threshold).toBe(1);
  });

  it('notifies the alarm topic (TLS-only) and its e-mail subscriber on every alarm', () => {
    const [[topicId] = ['']] = resources(app.templates.monitoring, 'AWS::SNS::Topic');
    for (const a of alarms()) expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
    app.templates.monitoring.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: PROD_STAGES.prod.alarmEmail,
    });
    app.templates.monitoring.resourceCountIs('AWS::SNS::TopicPolicy', 1);
    // The TLS-only policy replaces the default one: CloudWatch needs its own Allow, or no alarm is ever delivered.
    const [[, policy] = ['', { Type: '' }]] = resources(app.templates.monitoring, 'AWS::SNS::TopicPolicy');
    const statements = (props(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('has a dashboard that shows the API, every function and every queue', () => {
    const dashboards = resources(app.templates.monitoring, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(props(dashboards[0]?.[1] ?? { Type: '' }).DashboardBody);
    for (const fn of deployedFunctions()) expect(body).toContain(fn);
    expect(body).toContain('AWS/ApiGateway');
    expect(body).toContain(app.names.jobsDeadLetterQueueName);
  });
});
