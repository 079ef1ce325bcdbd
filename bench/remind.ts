/**
 * `npm run bench -- remind [--staff 170000] [--units 3000] [--sample14 420] [--sample100 3000] [--faults 2000]`
 *
 * The reminders of a deadline day at city scale, against DynamoDB Local (in memory) and the SES v2 emulator
 * (aws-ses-v2-local, throttled like SES), through the same code as in AWS:
 * 1. the generated city, its open month with a draft for everyone (nobody has submitted yet: the most messages a
 *    day can have), on the day before the self-assessment deadline;
 * 2. enqueue: the remind job's start, as the scheduled Lambda runs it, its delivery steps captured as the SQS queue
 *    would hold them: messages, wall time, capacity units;
 * 3. delivery at 14 a second (the emulator refuses anything faster, as SES does) and at 100 a second, on samples
 *    of the queued messages: the rate achieved, throttling answers, capacity units per message, and the projected
 *    time to deliver every message at each rate;
 * 4. faults: 1 % of sends fail (500), and one of four consumers is killed mid-batch (between SES accepting a
 *    message and its mark); the killed consumer's messages come back as SQS would return them after the visibility
 *    timeout: every message of the sample must be in the emulator exactly once (duplicates and drops counted).
 */
import { cityRecordCount, cityRecords, generateCity } from '../functions/local/city/generate.ts';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { bridgeSesEvents, startSesLocal } from '../functions/local/ses-local.ts';
import { handleDelivery, mailReference, pacedRate } from '../shared/app/jobs/delivery.ts';
import { InlineFanOut } from '../shared/app/jobs/inline-fanout.ts';
import { Pacer } from '../shared/app/jobs/rate-limit.ts';
import { startRemind } from '../shared/app/jobs/remind.ts';
import { quietLog } from '../shared/app/jobs/runner.ts';
import {
  type DeliverySettings,
  type FanOut,
  type JobContext,
  type StepMessage,
  UNLIMITED_BUDGET,
} from '../shared/app/jobs/types.ts';
import { deadlinesFor, vietnamDateOf } from '../shared/domain/calendar.ts';
import { SesMailer } from '../shared/jobs/ses-mailer.ts';
import type { BulkRecord } from '../shared/store/bulk-store.ts';
import { createDb } from '../shared/store/client.ts';
import { createTableIfMissing } from '../shared/store/create-table.ts';
import { createDynamoStore } from '../shared/store/store.ts';
import { attachMeter, emptyMeter, type Meter } from './rankings.ts';

const PERIOD = '2026-03';

function args(argv: string[]) {
  const o = { staff: 170_000, units: 3_000, sample14: 420, sample100: 3_000, faults: 2_000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${name}`);
    const key = name?.replace(/^--/, '') as keyof typeof o;
    if (!(key in o)) throw new Error(`unknown option ${name}`);
    o[key] = Number(value);
  }
  return o;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const hours = (seconds: number) => `${fmt(seconds / 3600, 1)} h`;

class KilledConsumer extends Error {
  override name = 'KilledConsumer';
}

/** The month as it is before anyone submits: a draft for everyone, the unit counters to match. */
function* asDrafts(records: Iterable<BulkRecord>): Generator<BulkRecord> {
  for (const r of records) {
    if (r.kind === 'evaluation' && r.evaluation.period === PERIOD) {
      yield {
        kind: 'evaluation',
        evaluation: {
          ...r.evaluation,
          status: 'DRAFT',
          version: 1,
          selfAssessment: null,
          review: null,
          decision: null,
          appeal: null,
          flags: {},
        },
      };
    } else if (r.kind === 'counters' && r.counters.period === PERIOD) {
      const status = Object.fromEntries(
        Object.keys(r.counters.status).map((s) => [s, 0]),
      ) as typeof r.counters.status;
      status.DRAFT = r.counters.evaluated;
      yield { kind: 'counters', counters: { ...r.counters, status, grades: { A: 0, B: 0, C: 0, D: 0 } } };
    } else yield r;
  }
}

export async function run(argv: string[]): Promise<void> {
  const o = args(argv);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const engine = await startDynamoDbLocal({ dataDir: null });
  const ses = await startSesLocal({ ratePerSecond: 14 });
  const db = createDb({ tableName: 'bench-remind', endpoint: engine.endpoint });
  const store = createDynamoStore(db);
  try {
    await createTableIfMissing(db.client, db.tableName);
    const meter = attachMeter(db, engine.endpoint);
    const commands = new Map<string, number>();
    db.client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? '');
        commands.set(name, (commands.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchCommandCount' },
    );
    const city = generateCity({ staff: o.staff, units: o.units, months: 1, lastPeriod: PERIOD });
    const total = cityRecordCount(city);
    let lastPrint = 0;
    const seeded = await store.bulk.load(asDrafts(cityRecords(city)), {
      concurrency: 12,
      onProgress: (n) => {
        if (Date.now() - lastPrint > 10_000) {
          lastPrint = Date.now();
          log(`  seeding ${fmt((100 * n) / total, 1)}%`);
        }
      },
    });
    log(
      `seeded ${fmt(seeded)} items: ${fmt(o.staff)} staff, ${fmt(o.units)} units, ${PERIOD} open, all drafts`,
    );

    // The day before the self-assessment deadline, at 08:00.
    const deadline = deadlinesFor(PERIOD).selfAssessment;
    const day = vietnamDateOf(new Date(Date.parse(deadline) - 86_400_000).toISOString()) ?? '';
    const at = new Date(`${day}T08:00:00.000+07:00`);
    const mailer = new SesMailer({ sender: 'nhac-viec@bench.danhgia.invalid', endpoint: ses.endpoint });
    const steps: StepMessage[] = [];
    const queue: FanOut = {
      kind: 'sqs',
      send: async (m) => {
        for (const step of m) steps.push(step);
      },
    };
    const settings = (rate: number, claimMs = 3_000): DeliverySettings => ({
      pacer: new Pacer(rate),
      dailyQuota: 1_000_000,
      claimMs,
      appUrl: 'https://danhgia.example.gov.vn',
      // A window that includes the day before (the default, 0, sends the same messages on the deadline's day).
      leadDays: 1,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    const context = (fanOut: FanOut, delivery: DeliverySettings): JobContext => ({
      store,
      now: at,
      trigger: { kind: 'scheduled', id: at.toISOString() },
      fanOut,
      mailer,
      budget: UNLIMITED_BUDGET,
      concurrency: 8,
      log: quietLog,
      delivery,
    });

    log(`enqueue: remind for ${day} (self-assessment deadline ${deadline})`);
    meter.current = emptyMeter();
    const started = performance.now();
    const [report] = await startRemind(context(queue, settings(14)), day);
    const enqueueMs = performance.now() - started;
    const enqueueUnits: Meter = { ...meter.current };
    const messages = steps.length;
    log(
      `  ${fmt(messages)} messages queued in ${fmt(enqueueMs / 1000, 1)} s; ${fmt(enqueueUnits.read)} read units, ${fmt(enqueueUnits.write)} write units; ${JSON.stringify(report?.summary)}`,
    );

    /**
     * Delivers `batch` with `consumers` consumers against SES's maximum `rate`, paced as the consumers pace
     * themselves (`pacedRate`); returns the wall time and capacity used.
     */
    const deliver = async (batch: StepMessage[], rate: number, consumers = 4) => {
      const pacer = new Pacer(pacedRate(rate));
      const fanOut = new InlineFanOut(consumers);
      const delivery = { ...settings(rate), pacer };
      fanOut.attach((m) => handleDelivery(context(fanOut, delivery), m));
      meter.current = emptyMeter();
      const t0 = performance.now();
      commands.clear();
      await fanOut.send(batch);
      await fanOut.drain();
      if (process.env.BENCH_DEBUG) log(`    commands: ${JSON.stringify([...commands])}`);
      // A copy: the meter object goes on counting whatever runs next.
      return { ms: performance.now() - t0, units: { ...meter.current } };
    };
    const received = async () => {
      const counts = new Map<string, number>();
      for (const e of await ses.emails()) {
        const ref = e.headers?.find((h) => h.name === 'X-Danh-Gia-Ref')?.value ?? '';
        counts.set(ref, (counts.get(ref) ?? 0) + 1);
      }
      return counts;
    };

    let offset = 0;
    const take = (n: number) => {
      const batch = steps.slice(offset, offset + n);
      offset += n;
      return batch;
    };

    ses.controls.ratePerSecond = 14;
    const throttledBefore14 = ses.stats.throttled;
    const s14 = await deliver(take(o.sample14), 14);
    const rate14 = o.sample14 / (s14.ms / 1000);
    log(
      `  at 14/s: ${fmt(o.sample14)} sent in ${fmt(s14.ms / 1000, 1)} s = ${fmt(rate14, 2)}/s, ${ses.stats.throttled - throttledBefore14} throttled`,
    );

    ses.controls.ratePerSecond = 100;
    const throttledBefore100 = ses.stats.throttled;
    const s100 = await deliver(take(o.sample100), 100, 16);
    const rate100 = o.sample100 / (s100.ms / 1000);
    log(
      `  at 100/s: ${fmt(o.sample100)} sent in ${fmt(s100.ms / 1000, 1)} s = ${fmt(rate100, 2)}/s, ${ses.stats.throttled - throttledBefore100} throttled`,
    );

    // Faults: 1 % of sends fail, one of four consumers is killed mid-batch, its messages come back later.
    ses.controls.failureRate = 0.01;
    const faultSample = take(o.faults);
    const failedBefore = ses.stats.failed;
    const bridge = bridgeSesEvents(ses, store, 0);
    const quarter = Math.ceil(faultSample.length / 4);
    const slices = [0, 1, 2, 3].map((i) => faultSample.slice(i * quarter, (i + 1) * quarter));
    const claimMs = 3_000;
    const pacer = new Pacer(pacedRate(100));
    let killedAt = -1;
    const consumer = async (slice: StepMessage[], kill: boolean) => {
      let sent = 0;
      const fanOut = new InlineFanOut(1);
      const ctx: JobContext = {
        ...context(fanOut, { ...settings(100, claimMs), pacer }),
        fault: (point) => {
          if (point !== 'sent' || !kill) return;
          sent++;
          // Killed between SES's answer and the mark, a third of the way through its messages.
          if (sent === Math.floor(slice.length / 3)) throw new KilledConsumer('consumer killed');
        },
      };
      fanOut.attach((m) => handleDelivery(ctx, m));
      await fanOut.send(slice);
      try {
        await fanOut.drain();
        return [];
      } catch (error) {
        if (!(error instanceof KilledConsumer)) throw error;
        killedAt = sent;
        // What SQS returns after the visibility timeout: the killed invocation's messages, none deleted.
        return slice;
      }
    };
    const t0 = performance.now();
    const returned = (await Promise.all(slices.map((s, i) => consumer(s, i === 1)))).flat();
    await bridge.pump();
    await new Promise((r) => setTimeout(r, claimMs + 200));
    await bridge.pump();
    const redelivery = new InlineFanOut(4);
    redelivery.attach((m) => handleDelivery(context(redelivery, { ...settings(100, claimMs), pacer }), m));
    await redelivery.send(returned);
    await redelivery.drain();
    const faultMs = performance.now() - t0;
    ses.controls.failureRate = 0;
    bridge.stop();

    const counts = await received();
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    // Every message of the samples must be SENT and in the emulator: anything else was dropped.
    let dropped = 0;
    for (const m of steps.slice(0, offset)) {
      const item = await store.outbox.get({ day, recipientId: m.recipient ?? '', reminder: 'worklist' });
      if (item?.status !== 'SENT' || !counts.has(mailReference(m.scope, m.recipient ?? ''))) dropped++;
    }
    const deliveryUnitsPerMessage =
      (s14.units.read + s14.units.write + s100.units.read + s100.units.write) / (o.sample14 + o.sample100);
    const enqueueUnitsPerMessage = (enqueueUnits.read + enqueueUnits.write) / messages;
    log(
      `  faults: ${fmt(faultSample.length)} messages, ${ses.stats.failed - failedBefore} sends failed (500), one consumer killed after ${killedAt} sends, ${fmt(returned.length)} redelivered; ${fmt(faultMs / 1000, 1)} s`,
    );

    const lines: string[] = [];
    const out = (line = '') => lines.push(line);
    out(
      `### remind at ${fmt(o.staff)} staff / ${fmt(o.units)} units, ${day} (the day before the self-assessment deadline)`,
    );
    out();
    out('| figure | value |');
    out('|---|---:|');
    out(`| messages enqueued | ${fmt(messages)} |`);
    out(
      `| wall time to enqueue (read the month, write the outbox, queue the steps) | ${fmt(enqueueMs / 1000, 1)} s |`,
    );
    out(
      `| achieved rate, emulator throttled to 14/s (${fmt(o.sample14)} messages) | ${fmt(rate14, 2)}/s, ${ses.stats.throttled - throttledBefore14 === 0 ? 'no' : ses.stats.throttled - throttledBefore14} throttling answers |`,
    );
    out(
      `| projected time to deliver all at 14/s | ${hours(messages / 14)} (${fmt(Math.ceil(messages / 50_000))} days within a 50,000/day quota) |`,
    );
    out(`| achieved rate at 100/s (${fmt(o.sample100)} messages) | ${fmt(rate100, 2)}/s |`);
    out(
      `| projected time to deliver all at 100/s (paced at ${fmt(pacedRate(100), 1)}/s; at the rate achieved here) | ${hours(messages / pacedRate(100))}; ${hours(messages / rate100)} |`,
    );
    out(
      `| capacity units per message: enqueue (read + write) | ${fmt(enqueueUnitsPerMessage, 2)} (${fmt(enqueueUnits.read)} R + ${fmt(enqueueUnits.write)} W) |`,
    );
    const perMessage = (u: Meter, n: number) =>
      `${fmt(u.read / n, 2)} R + ${fmt(u.write / n, 2)} W, ${fmt(u.requests / n, 1)} requests`;
    out(`| capacity units per message: delivery at 14/s | ${perMessage(s14.units, o.sample14)} |`);
    out(`| capacity units per message: delivery at 100/s | ${perMessage(s100.units, o.sample100)} |`);
    out(
      `| capacity units per message: delivery, both samples (read + write) | ${fmt(deliveryUnitsPerMessage, 2)} |`,
    );
    out(`| duplicates (messages received twice or more) | ${duplicates} |`);
    out(
      `| dropped after 1 % failed sends and a consumer killed mid-batch (${fmt(faultSample.length)} messages) | ${dropped} |`,
    );
    console.log(lines.join('\n'));
  } finally {
    await ses.stop();
    await engine.stop();
  }
}
