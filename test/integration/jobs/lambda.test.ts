/**
 * The Lambda adapter as AWS drives it: the scheduler's event starts a fanned-out run whose steps go to the queue;
 * SQS batches of 5 come back with partial failures reported per record; the time budget hands an unfinished
 * close to Lambda's retry. The SQS client is replaced by a recorder (the table is DynamoDB Local, SES the SES v2
 * emulator).
 */
import type { SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { startSesLocal } from '../../../functions/local/ses-local.ts';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import {
  type FanOut,
  JobIncomplete,
  type JobReport,
  type StepMessage,
} from '../../../shared/app/jobs/types.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { jobHandler } from '../../../shared/jobs/lambda.ts';
import { classifySesError, SesMailer } from '../../../shared/jobs/ses-mailer.ts';
import { SqsFanOut } from '../../../shared/jobs/sqs-fanout.ts';
import { freshTable } from '../../support/table.ts';
import { dump, ofType, type SmallCity, smallCity, writeCity } from './support.ts';

// Metrics are off outside Lambda (shared/observability.ts); this file checks they leave as EMF lines, as in Lambda.
// Hoisted above the imports, so that the metrics recorder is made with them on.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const PERIOD = '2026-03';
const SCHEDULED = '2026-04-01T18:00:00Z';

function lambdaContext(remainingMs: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test-job',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:test-job',
    memoryLimitInMB: '1024',
    awsRequestId: 'test',
    logGroupName: '/aws/lambda/test-job',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const sqsEvent = (records: { id: string; body: string }[]): SQSEvent =>
  ({
    Records: records.map((r) => ({
      messageId: r.id,
      receiptHandle: r.id,
      body: r.body,
      attributes: {},
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:compute-rankings',
      awsRegion: 'ap-southeast-1',
    })),
  }) as SQSEvent;

let city: SmallCity;
const silent = { info: () => undefined, error: () => undefined };

beforeAll(async () => {
  city = await smallCity('lambda', { staff: 200, units: 12, lastPeriod: PERIOD });
});

describe('the job Lambda', () => {
  it('starts from the schedule, sends a step per unit, and finishes from SQS batches with per-record failures', async () => {
    const queue: StepMessage[] = [];
    const fanOut: FanOut = { kind: 'sqs', send: async (m) => void queue.push(...m) };
    const handler = jobHandler('compute-rankings', {
      store: () => city.store,
      fanOut: () => fanOut,
      logger: silent,
    });
    const started = (await handler(
      {
        source: 'aws.scheduler',
        job: 'compute-rankings',
        scheduledTime: SCHEDULED,
        executionId: 'e1',
        attemptNumber: '1',
      },
      lambdaContext(300_000),
    )) as JobReport;
    expect(started.runs).toHaveLength(1);
    expect(started.runs[0]).toMatchObject({ scope: PERIOD, state: 'new', queued: city.city.units.length });
    // Small units travel a few to a message; every unit is in exactly one.
    const queuedUnits = queue.flatMap((m) => m.units ?? []);
    expect(queuedUnits.sort()).toEqual(city.city.units.map((u) => u.id).sort());

    // The event source mapping's batches of 5, with a poisoned record and a stray one mixed in.
    let batch = 0;
    const failures: string[] = [];
    while (queue.length > 0) {
      const records = queue.splice(0, 5).map((m, i) => ({ id: `m${batch}-${i}`, body: JSON.stringify(m) }));
      if (batch === 0) records.push({ id: 'poison', body: '{not json' });
      if (batch === 0)
        records.push({
          id: 'stray',
          body: JSON.stringify({ ...JSON.parse(records[0]?.body ?? '{}'), job: 'annual-rollup' }),
        });
      batch++;
      const result = (await handler(sqsEvent(records), lambdaContext(300_000))) as SQSBatchResponse;
      failures.push(...result.batchItemFailures.map((f) => f.itemIdentifier));
    }
    expect(failures.sort()).toEqual(['poison', 'stray']);
    expect((await city.store.runs.get('compute-rankings', PERIOD))?.status).toBe('DONE');

    // What the queue-driven run stored is what an inline run at the scheduled time stores.
    const viaQueue = await dump(city.db, ofType('RankingSnapshot', 'SubunitRankingSnapshot'));
    const twin = await freshTable('lambda-inline');
    await writeCity(twin.store, city.city);
    await runJobInline(twin.store, 'compute-rankings', { now: new Date(SCHEDULED) });
    expect(await dump(twin.db, ofType('RankingSnapshot', 'SubunitRankingSnapshot'))).toEqual(viaQueue);

    // The scheduler retrying the same delivery finds the run done and sends nothing.
    const retry = (await handler(
      { source: 'aws.scheduler', job: 'compute-rankings', scheduledTime: SCHEDULED, attemptNumber: '2' },
      lambdaContext(300_000),
    )) as JobReport;
    expect(retry.runs[0]?.state).toBe('done');
    expect(queue).toHaveLength(0);
  });

  it('stops before the timeout and lets the retry finish the close from its checkpoints', async () => {
    const closes = deadlinesFor(PERIOD).closesAt;
    const handler = jobHandler('close-period', { store: () => city.store, logger: silent });
    const event = {
      source: 'aws.scheduler',
      job: 'close-period',
      scheduledTime: new Date(closes).toISOString(),
    } as const;
    await expect(handler(event, lambdaContext(30_000))).rejects.toBeInstanceOf(JobIncomplete);
    expect((await city.store.periods.get(PERIOD))?.status).toBe('CLOSING');
    const done = (await handler(event, lambdaContext(600_000))) as JobReport;
    expect(done.runs[0]).toMatchObject({ state: 'resumed', status: 'DONE' });
    expect((await city.store.periods.get(PERIOD))?.status).toBe('CLOSED');
  });

  it('delivers a batch of reminder steps from SQS and counts ReminderSent as a Powertools metric (EMF)', async () => {
    const ses = await startSesLocal();
    const day = '2026-04-02';
    const recipients = ['rem-1', 'rem-2', 'rem-3'];
    for (const recipientId of recipients) {
      await city.store.outbox.enqueue({
        day,
        recipientId,
        reminder: 'worklist',
        to: `${recipientId}@example.gov.vn`,
        subject: 'Nhắc việc',
        text: 'Kính gửi đồng chí',
        tasks: [],
        status: 'PENDING',
        channel: null,
        createdAt: '2026-04-02T01:00:00.000Z',
        sentAt: null,
      });
    }
    const mailer = new SesMailer({ sender: 'nhac-viec@lambda.test', endpoint: ses.endpoint });
    const handler = jobHandler('remind', { store: () => city.store, mailer: () => mailer, logger: silent });
    const step = (recipient: string): StepMessage => ({
      v: 1,
      job: 'remind',
      scope: day,
      runId: 'r',
      at: '2026-04-02T01:00:00.000Z',
      step: 'deliver',
      recipient,
    });
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    let result: SQSBatchResponse;
    try {
      result = (await handler(
        sqsEvent([
          ...recipients.map((r, i) => ({ id: `m${i}`, body: JSON.stringify(step(r)) })),
          // The same step twice in one batch (SQS is at-least-once): sent once.
          { id: 'dup', body: JSON.stringify(step('rem-1')) },
        ]),
        lambdaContext(60_000),
      )) as SQSBatchResponse;
    } finally {
      process.stdout.write = write;
      await ses.stop().catch(() => undefined);
    }
    expect(result.batchItemFailures).toEqual([]);
    const emf = written
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const sent = emf.find((m) => 'ReminderSent' in m);
    // One message each, buffered and published at the end of the invocation: [1, 1, 1].
    expect([sent?.ReminderSent].flat().reduce((n: number, v) => n + Number(v), 0)).toBe(3);
    expect(JSON.stringify(sent?._aws)).toContain('"Namespace":"DanhGia"');
    for (const r of recipients)
      expect((await city.store.outbox.get({ day, recipientId: r, reminder: 'worklist' }))?.status).toBe(
        'SENT',
      );
  });

  it('refuses an event meant for another job', async () => {
    const handler = jobHandler('remind', { store: () => city.store, logger: silent });
    await expect(handler({ job: 'open-period' }, lambdaContext(600_000))).rejects.toThrow(
      /invoked for open-period/,
    );
  });
});

describe('the AWS transports', () => {
  it('SQS: batches of 10, retrying the entries SQS reports as failed', async () => {
    const calls: SendMessageBatchCommandInput[] = [];
    let failOnce = true;
    const sender = {
      send: async (input: SendMessageBatchCommandInput) => {
        calls.push(input);
        const entries = input.Entries ?? [];
        const failed = failOnce
          ? [{ Id: entries[0]?.Id ?? '0', SenderFault: false, Code: 'InternalError' }]
          : [];
        failOnce = false;
        return { Successful: [], Failed: failed, $metadata: {} };
      },
    };
    const fanOut = new SqsFanOut('https://sqs.example/queue', sender);
    const messages: StepMessage[] = Array.from({ length: 23 }, (_, i) => ({
      v: 1,
      job: 'open-period',
      scope: '2026-05',
      runId: 'r',
      at: '2026-05-01T00:05:00+07:00',
      step: 'units',
      units: [`u${i}`],
    }));
    await fanOut.send(messages);
    const sizes = calls.map((c) => c.Entries?.length);
    expect(sizes.filter((n) => n !== 1).sort()).toEqual([10, 10, 3]);
    expect(sizes.filter((n) => n === 1)).toHaveLength(1);
    const bodies = calls
      .flatMap((c) => c.Entries ?? [])
      .map((e) => JSON.parse(e.MessageBody ?? '{}').units[0]);
    expect(new Set(bodies).size).toBe(23);
    expect(calls.every((c) => c.QueueUrl === 'https://sqs.example/queue')).toBe(true);
  });

  it('SES: the SESv2Client against the SES v2 emulator: sender, UTF-8 text and HTML, the outbox reference; errors by kind', async () => {
    const ses = await startSesLocal({ ratePerSecond: 1 });
    try {
      const mailer = new SesMailer({ sender: 'nhac-viec@example.gov.vn', endpoint: ses.endpoint });
      const sent = await mailer.send({
        to: 'a@example.vn',
        subject: 'Nhắc việc',
        text: 'Kính gửi đồng chí',
        html: '<p>Kính gửi đồng chí</p>',
        reference: '2026-04-02_stc-ns-03',
      });
      // The emulator keeps one mailbox per process: this message is the one with the id SES answered.
      const email = (await ses.emails()).find((e) => e.messageId === sent?.messageId);
      expect(email).toBeDefined();
      expect(email).toMatchObject({
        from: 'nhac-viec@example.gov.vn',
        destination: { to: ['a@example.vn'] },
        subject: 'Nhắc việc',
        body: { text: 'Kính gửi đồng chí', html: '<p>Kính gửi đồng chí</p>' },
        headers: [{ name: 'X-Danh-Gia-Ref', value: '2026-04-02_stc-ns-03' }],
      });
      // Over the rate: SES's 429, a throttling the delivery backs off from.
      const throttled = await mailer.send({ to: 'b@example.vn', subject: 's', text: 't' }).catch((e) => e);
      expect(throttled).toMatchObject({
        name: 'SendFailure',
        kind: 'throttled',
        code: 'TooManyRequestsException',
      });
      ses.controls.ratePerSecond = null;
      ses.controls.failureRate = 1;
      const failed = await mailer.send({ to: 'b@example.vn', subject: 's', text: 't' }).catch((e) => e);
      expect(failed).toMatchObject({ kind: 'transient', code: 'InternalFailure' });
    } finally {
      await ses.stop();
    }
    for (const [name, kind] of [
      ['MessageRejected', 'rejected'],
      ['LimitExceededException', 'quota'],
      ['SendingPausedException', 'paused'],
      ['TooManyRequestsException', 'throttled'],
      ['TimeoutError', 'transient'],
    ] as const) {
      expect(classifySesError(Object.assign(new Error('x'), { name })).kind).toBe(kind);
    }
  });
});
