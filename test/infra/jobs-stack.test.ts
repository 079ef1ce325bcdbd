import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_WRITE_ACTIONS } from '../../infra/constructs/table-access.ts';
import {
  DELIVERY_BATCH_SIZE,
  DELIVERY_CLAIM_SECONDS,
  DELIVERY_MAX_RECEIVE_COUNT,
  DELIVERY_TIMEOUT,
  FANOUT_JOB_TIMEOUT,
  FANOUT_MAX_RECEIVE_COUNT,
  FANOUT_QUEUE_URL_ENV,
  JOB_TIMEOUT,
  REMINDER_SENDER_ENV,
  SCHEDULE_MAX_EVENT_AGE,
  SCHEDULE_RETRY_ATTEMPTS,
} from '../../infra/stacks/jobs-stack.ts';
import { isScheduled, jobFunctions, onDemandJobs, schedules } from '../../shared/jobs/schedules.ts';
import {
  actionsOf,
  type CfnResource,
  functionLogicalId,
  PROD_STAGES,
  props,
  resources,
  resourcesOf,
  roleStatements,
  type SynthesisedApp,
  synth,
} from './support.ts';

describe('jobs stack', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth();
  });
  afterAll(() => app.cleanup());

  const template = () => app.templates.jobs;
  const queueByName = (name: string): [string, CfnResource] => {
    const found = resources(template(), 'AWS::SQS::Queue').find(([, q]) => props(q).QueueName === name);
    if (!found) throw new Error(`no queue ${name}`);
    return found;
  };
  const schedule = (job: string) => {
    const found = resources(template(), 'AWS::Scheduler::Schedule').find(
      ([, s]) => props(s).Name === `${app.names.prefix}-${job}`,
    );
    if (!found) throw new Error(`no schedule for ${job}`);
    return props(found[1]);
  };
  const fnEnv = (job: string) => {
    const id = functionLogicalId(template(), app.names.functionName('job', job));
    const fn = template().toJSON().Resources[id] as CfnResource;
    return (props(fn).Environment as { Variables: Record<string, unknown> }).Variables;
  };

  it('has one schedule per row of the schedule table, one function per job (on-demand ones included), a consumer per delivery job, and the SES events function', () => {
    expect(resources(template(), 'AWS::Scheduler::Schedule')).toHaveLength(schedules.length);
    const deliveries = schedules.filter((s) => s.delivery).length;
    expect(resources(template(), 'AWS::Lambda::Function')).toHaveLength(jobFunctions.length + deliveries + 1);
    expect(onDemandJobs.map((d) => d.job)).toEqual(['reopen-period']);
  });

  it('names each job its own Powertools service, the dimension its JobHeartbeat and JobFailures carry', () => {
    for (const def of jobFunctions) {
      expect(fnEnv(def.job)).toMatchObject({
        POWERTOOLS_SERVICE_NAME: app.names.serviceName('job', def.job),
        POWERTOOLS_METRICS_NAMESPACE: 'DanhGia',
        POWERTOOLS_TRACE_ENABLED: String(app.config.tracing),
        JOB_NAME: def.job,
      });
    }
  });

  it('runs every function on Node.js 22, ARM64, up to 15 minutes', () => {
    for (const [, fn] of resources(template(), 'AWS::Lambda::Function')) {
      expect(props(fn).Runtime).toBe('nodejs22.x');
      expect(props(fn).Architectures).toEqual(['arm64']);
      expect(Number(props(fn).Timeout)).toBeLessThanOrEqual(900);
    }
  });

  it('records bounces and complaints: a configuration set whose events reach the ses-events function', () => {
    const [, set] = resources(template(), 'AWS::SES::ConfigurationSet')[0] ?? [];
    expect(props(set as CfnResource)).toMatchObject({
      Name: app.names.configurationSetName,
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    const [, destination] = resources(template(), 'AWS::SES::ConfigurationSetEventDestination')[0] ?? [];
    const d = props(destination as CfnResource).EventDestination as Record<string, unknown>;
    expect(d.MatchingEventTypes).toEqual(['send', 'bounce', 'complaint']);
    expect(JSON.stringify(d.EventBridgeDestination)).toContain('event-bus/default');
    const rules = resources(template(), 'AWS::Events::Rule').map(([, r]) => props(r));
    const rule = rules.find((r) => JSON.stringify(r.EventPattern).includes('aws.ses'));
    expect(rule?.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Sent', 'Email Bounced', 'Email Complaint Received'],
      detail: { mail: { tags: { 'ses:configuration-set': [app.names.configurationSetName] } } },
    });
    const fnId = functionLogicalId(template(), app.names.functionName('job', 'ses-events'));
    const [target] = (rule?.Targets ?? []) as Record<string, unknown>[];
    expect(target?.Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(target?.DeadLetterConfig).toBeDefined();
  });

  describe.each(jobFunctions.map((s) => [s.job, s] as const))('the %s job', (job, def) => {
    if (!isScheduled(def)) {
      it('has no schedule: only the API starts it (the periods function invokes it)', () => {
        expect(
          resources(template(), 'AWS::Scheduler::Schedule').some(
            ([, s]) => props(s).Name === `${app.names.prefix}-${job}`,
          ),
        ).toBe(false);
      });
    } else {
      it('is scheduled with the table cron in Asia/Ho_Chi_Minh, in the stage schedule group', () => {
        const s = schedule(job);
        expect(s.ScheduleExpression).toBe(def.cron);
        expect(s.ScheduleExpressionTimezone).toBe('Asia/Ho_Chi_Minh');
        expect(s.GroupName).toBe(app.names.prefix);
        expect(s.State).toBe('ENABLED');
        expect(s.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      });

      it('invokes its own function with a retry policy and the dead-letter queue', () => {
        const target = schedule(job).Target as Record<string, unknown>;
        expect(target.Arn).toEqual({
          'Fn::GetAtt': [functionLogicalId(template(), app.names.functionName('job', job)), 'Arn'],
        });
        expect(target.RetryPolicy).toEqual({
          MaximumRetryAttempts: SCHEDULE_RETRY_ATTEMPTS,
          MaximumEventAgeInSeconds: SCHEDULE_MAX_EVENT_AGE.toSeconds(),
        });
        const [dlqId] = queueByName(app.names.jobsDeadLetterQueueName);
        expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } });
        expect(JSON.parse(String(target.Input))).toMatchObject({
          job,
          scheduledTime: '<aws.scheduler.scheduled-time>',
        });
      });
    }

    it('sends a run that failed after Lambda retries to the dead-letter queue', () => {
      const id = functionLogicalId(template(), app.names.functionName('job', job));
      const [dlqId] = queueByName(app.names.jobsDeadLetterQueueName);
      template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: id },
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
      });
    });

    it(`has ${def.access} access to the table and no wildcard outside X-Ray`, () => {
      const statements = roleStatements(template(), app.names.functionName('job', job));
      const actions = statements.flatMap(actionsOf);
      for (const a of TABLE_WRITE_ACTIONS) {
        if (def.access === 'write') expect(actions).toContain(a);
        else expect(actions).not.toContain(a);
      }
      for (const s of statements) {
        for (const a of actionsOf(s)) expect(a).not.toMatch(/\*/);
        if (resourcesOf(s).includes('*')) {
          expect(actionsOf(s).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
      }
    });

    if (def.fanOut) {
      it('fans out through its own encrypted, TLS-only queue with a dead-letter queue, consumed by itself', () => {
        const [queueId, queue] = queueByName(app.names.fanOutQueueName(job));
        const [dlqId, dlq] = queueByName(app.names.fanOutDeadLetterQueueName(job));
        expect(props(queue)).toMatchObject({
          SqsManagedSseEnabled: true,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
            maxReceiveCount: FANOUT_MAX_RECEIVE_COUNT,
          },
        });
        expect(Number(props(queue).VisibilityTimeout)).toBeGreaterThanOrEqual(
          6 * FANOUT_JOB_TIMEOUT.toSeconds(),
        );
        expect(props(dlq)).toMatchObject({ SqsManagedSseEnabled: true });
        for (const id of [queueId, dlqId]) {
          template().hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [{ Ref: id }],
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Deny',
                  Action: 'sqs:*',
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                  Principal: { AWS: '*' },
                  Resource: { 'Fn::GetAtt': [id, 'Arn'] },
                },
              ],
            },
          });
        }
        const fnId = functionLogicalId(template(), app.names.functionName('job', job));
        template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          FunctionName: { Ref: fnId },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
        expect(fnEnv(job).FANOUT_QUEUE_URL).toEqual({ Ref: queueId });
        const send = roleStatements(template(), app.names.functionName('job', job)).find(
          (s) => actionsOf(s).includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(queueId),
        );
        expect(send).toBeDefined();
      });
    } else if (def.delivery) {
      it('queues its messages on a delivery queue that a consumer of its own drains at SES’s rate', () => {
        const [queueId, queue] = queueByName(app.names.deliveryQueueName(job));
        expect(fnEnv(job).FANOUT_QUEUE_URL).toEqual({ Ref: queueId });
        expect(props(queue).VisibilityTimeout).toBe(DELIVERY_TIMEOUT.toSeconds() * 6);
        const [dlqId] = queueByName(app.names.deliveryDeadLetterQueueName(job));
        expect(props(queue).RedrivePolicy).toEqual({
          deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT,
        });
        const consumer = app.names.functionName('job', `${job}-delivery`);
        const consumerId = functionLogicalId(template(), consumer);
        const [mapping] = resources(template(), 'AWS::Lambda::EventSourceMapping').filter(
          ([, m]) => JSON.stringify(props(m).FunctionName) === JSON.stringify({ Ref: consumerId }),
        );
        expect(props(mapping?.[1] as CfnResource)).toMatchObject({
          BatchSize: DELIVERY_BATCH_SIZE,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: app.config.reminders.consumers },
        });
        const fn = template().toJSON().Resources[consumerId] as CfnResource;
        expect(Number(props(fn).Timeout)).toBe(DELIVERY_TIMEOUT.toSeconds());
        const env = (props(fn).Environment as { Variables: Record<string, unknown> }).Variables;
        expect(env).toMatchObject({
          FANOUT_QUEUE_URL: { Ref: queueId },
          POWERTOOLS_SERVICE_NAME: app.names.serviceName('job', job),
          SES_CONFIGURATION_SET: app.names.configurationSetName,
          REMINDER_RATE_PER_SECOND: String(app.config.reminders.ratePerSecond),
          REMINDER_DAILY_QUOTA: String(app.config.reminders.dailyQuota),
          REMINDER_CONSUMERS: String(app.config.reminders.consumers),
          REMINDER_CLAIM_SECONDS: String(DELIVERY_CLAIM_SECONDS),
        });
      });
    } else {
      it('has no fan-out queue', () => {
        expect(fnEnv(job).FANOUT_QUEUE_URL).toBeUndefined();
        expect(
          resources(template(), 'AWS::SQS::Queue').some(
            ([, q]) => props(q).QueueName === app.names.fanOutQueueName(job),
          ),
        ).toBe(false);
        const fnId = functionLogicalId(template(), app.names.functionName('job', job));
        const mappings = resources(template(), 'AWS::Lambda::EventSourceMapping').filter(
          ([, m]) => JSON.stringify(props(m).FunctionName) === JSON.stringify({ Ref: fnId }),
        );
        expect(mappings).toEqual([]);
      });
    }

    if (def.sendsEmail) {
      it('may send e-mail from the configured sender only, through its configuration set (the consumer does)', () => {
        expect(fnEnv(job).REMINDER_SENDER).toBe(app.config.reminders.sender);
        const sender = app.names.functionName('job', def.delivery ? `${job}-delivery` : job);
        const ses = roleStatements(template(), sender).filter((s) =>
          actionsOf(s).some((a) => a.startsWith('ses:')),
        );
        expect(ses).toHaveLength(1);
        const [statement] = ses;
        expect(actionsOf(statement ?? { Effect: '', Action: [], Resource: [] }).sort()).toEqual([
          'ses:SendEmail',
          'ses:SendRawEmail',
        ]);
        expect(statement?.Condition).toEqual({
          StringEquals: { 'ses:FromAddress': app.config.reminders.sender },
        });
        for (const r of resourcesOf(statement ?? { Effect: '', Action: [], Resource: [] })) {
          expect(JSON.stringify(r)).toMatch(
            new RegExp(
              `:identity\\/(no-reply@)?example\\.com"|:configuration-set\\/${app.names.configurationSetName}"`,
            ),
          );
        }
        if (def.delivery) {
          const scheduled = roleStatements(template(), app.names.functionName('job', job)).flatMap(actionsOf);
          expect(scheduled.filter((a) => a.startsWith('ses:'))).toEqual([]);
        }
      });
    } else {
      it('may not send e-mail', () => {
        expect(fnEnv(job).REMINDER_SENDER).toBeUndefined();
        const actions = roleStatements(template(), app.names.functionName('job', job)).flatMap(actionsOf);
        expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
      });
    }

    it(`times out after ${def.fanOut ? FANOUT_JOB_TIMEOUT.toMinutes() : JOB_TIMEOUT.toMinutes()} minutes`, () => {
      const id = functionLogicalId(template(), app.names.functionName('job', job));
      const fn = template().toJSON().Resources[id] as CfnResource;
      expect(props(fn).Timeout).toBe((def.fanOut ? FANOUT_JOB_TIMEOUT : JOB_TIMEOUT).toSeconds());
    });
  });

  it('lets each schedule role invoke only its own job, trusted by the scheduler of this group only', () => {
    for (const def of schedules) {
      const target = schedule(def.job).Target as { RoleArn: { 'Fn::GetAtt': [string, string] } };
      const roleId = target.RoleArn['Fn::GetAtt'][0];
      const role = template().toJSON().Resources[roleId] as CfnResource;
      expect(JSON.stringify(props(role).AssumeRolePolicyDocument)).toMatch(/aws:SourceArn.*ScheduleGroup/);
      const statements = resources(template(), 'AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(props(p).Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap(
          ([, p]) =>
            (props(p).PolicyDocument as { Statement: { Action: string; Resource: unknown }[] }).Statement,
        );
      const fnId = functionLogicalId(template(), app.names.functionName('job', def.job));
      const invoke = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
      expect(invoke).toHaveLength(1);
      expect(
        JSON.stringify(invoke[0]?.Resource)
          .match(/"Job[A-Za-z0-9]+"/g)
          ?.every((m) => m === `"${fnId}"`),
      ).toBe(true);
    }
  });

  it('passes the queue and sender under the names the configuration reads', async () => {
    const { readConfig } = await import('../../shared/config.ts');
    const read = readConfig({
      [FANOUT_QUEUE_URL_ENV]: 'https://sqs.example/q',
      [REMINDER_SENDER_ENV]: 'a@b.vn',
    });
    expect(read.jobs).toEqual({ fanOutQueueUrl: 'https://sqs.example/q', reminderSender: 'a@b.vn' });
  });

  it('creates the SES identity only when asked to', () => {
    template().resourceCountIs('AWS::SES::EmailIdentity', 0);
    const prod = synth({
      stage: 'prod',
      stages: {
        prod: {
          ...PROD_STAGES.prod,
          reminders: {
            sender: 'danhgia@example.gov.vn',
            identity: 'danhgia@example.gov.vn',
            createIdentity: true,
          },
        },
      },
    });
    try {
      prod.templates.jobs.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: 'danhgia@example.gov.vn',
      });
    } finally {
      prod.cleanup();
    }
  });
});
