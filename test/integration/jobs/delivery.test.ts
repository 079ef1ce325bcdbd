/**
 * Reminder delivery against the SES v2 emulator (aws-ses-v2-local, through the SESv2Client) and DynamoDB Local:
 * the send rate holds, throttling and injected failures are retried, a crash mid-delivery followed by a rerun
 * sends every message exactly once, a duplicated step sends nothing twice, the day's quota leaves the rest queued
 * for the next day (folded into that day's message, or sent as it is), and bounces, complaints and the person's own
 * switch stop the mail. What counts is what the emulator received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bridgeSesEvents,
  type RunningSes,
  type SesEventBridge,
  SIMULATOR,
  startSesLocal,
} from '../../../functions/local/ses-local.ts';
import { transitionAndPresent } from '../../../shared/app/evaluations.ts';
import { handleDelivery, pacedRate } from '../../../shared/app/jobs/delivery.ts';
import { InlineFanOut } from '../../../shared/app/jobs/inline-fanout.ts';
import { Pacer } from '../../../shared/app/jobs/rate-limit.ts';
import { startRemind } from '../../../shared/app/jobs/remind.ts';
import { quietLog, runJobInline } from '../../../shared/app/jobs/runner.ts';
import {
  type DeliverySettings,
  type FanOut,
  type JobContext,
  type ReminderMetric,
  type StepMessage,
  UNLIMITED_BUDGET,
} from '../../../shared/app/jobs/types.ts';
import { listSuppressedAddresses, setEmailPreference } from '../../../shared/app/notifications.ts';
import { upsertEmployee } from '../../../shared/app/org.ts';
import { createPeriodRecord } from '../../../shared/app/periods/open.ts';
import { SesMailer } from '../../../shared/jobs/ses-mailer.ts';
import { crashAfter, InjectedCrash, type SmallCity, smallCity } from './support.ts';

const PERIOD = '2026-03';
const at8 = (day: string) => new Date(`${day}T08:00:00.000+07:00`);

let ses: RunningSes;
let bridge: SesEventBridge;
let mailer: SesMailer;

const settings = (overrides: Partial<DeliverySettings> & { rate?: number } = {}): DeliverySettings => ({
  pacer: new Pacer(overrides.rate ?? 400),
  dailyQuota: 50_000,
  leadDays: 2,
  claimMs: 1500,
  appUrl: 'https://danhgia.example.gov.vn',
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  ...overrides,
});

/** Each city sends from its own address: what the emulator received is told apart by the sender. */
const senders = new Map<SmallCity, SesMailer>();
const mailerOf = (city: SmallCity) => senders.get(city) ?? mailer;
let current: SmallCity | undefined;

/** What the emulator received for a day (from the current city's sender): references → how many times. */
async function received(day: string, city = current): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const from = city ? mailerOf(city).sender : undefined;
  for (const e of await ses.emails()) {
    if (from && e.from !== from) continue;
    const ref = e.headers?.find((h) => h.name === 'X-Danh-Gia-Ref')?.value ?? '';
    if (ref.startsWith(`${day}_`)) counts.set(ref, (counts.get(ref) ?? 0) + 1);
  }
  return counts;
}

const metrics = () => {
  const counted: Record<ReminderMetric, number> = {
    ReminderSent: 0,
    ReminderFailures: 0,
    ReminderBacklog: 0,
  };
  return {
    counted,
    metric: (name: ReminderMetric, value: number) => {
      counted[name] += value;
    },
  };
};

/** A small city whose month is open with a draft for everyone: everyone is reminded on each self-assessment day. */
async function openCity(label: string): Promise<SmallCity> {
  const city = await smallCity(label, { staff: 40, units: 3, lastPeriod: PERIOD, orgOnly: true });
  senders.set(city, new SesMailer({ sender: `nhac-viec@${label}.test`, endpoint: ses.endpoint }));
  const opens = new Date('2026-03-01T00:05:00+07:00');
  await createPeriodRecord(city.store, PERIOD, undefined, opens.toISOString(), 'seed');
  await runJobInline(city.store, 'open-period', { target: PERIOD, now: opens, fresh: true });
  return city;
}

async function remind(city: SmallCity, day: string, delivery: DeliverySettings, extra = {}) {
  current = city;
  return runJobInline(city.store, 'remind', {
    now: at8(day),
    mailer: mailerOf(city),
    delivery,
    concurrency: 6,
    ...extra,
  });
}

beforeAll(async () => {
  ses = await startSesLocal();
  mailer = new SesMailer({ sender: 'nhac-viec@delivery.test', endpoint: ses.endpoint });
});
afterAll(async () => {
  bridge?.stop();
  await ses?.stop();
});

describe('delivery at the rate SES allows', () => {
  let city: SmallCity;
  beforeAll(async () => {
    city = await openCity('delivery-rate');
  });
  afterAll(() => {
    ses.controls.ratePerSecond = null;
    ses.controls.failureRate = 0;
  });

  it('keeps to the configured rate: not throttled (a stray one at most under load), each message once', async () => {
    ses.controls.ratePerSecond = 20;
    const before = ses.stats.throttled;
    const started = Date.now();
    const { counted, metric } = metrics();
    // Paced as the consumers pace themselves: a tenth under SES's maximum.
    await remind(city, '2026-04-01', settings({ rate: pacedRate(20) }), { metric });
    const seconds = (Date.now() - started) / 1000;
    const got = await received('2026-04-01');
    const outbox = await city.store.outbox.listDay('2026-04-01');
    expect(got.size).toBeGreaterThanOrEqual(35);
    expect(got.size).toBe(outbox.filter((m) => m.status === 'SENT').length);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    // The pacer spaces the sends it starts; a machine stalled by other work can still bunch two arrivals at the
    // emulator. A throttle or two is retried (each message still once); more means the pacing is wrong.
    expect(ses.stats.throttled - before).toBeLessThanOrEqual(2);
    expect(seconds).toBeGreaterThanOrEqual((got.size - 1) / pacedRate(20) - 0.1);
    expect(counted.ReminderSent).toBe(got.size);
  });

  it('backs off and retries when SES throttles (the emulator at 10 a second, the pacer at 60)', async () => {
    ses.controls.ratePerSecond = 10;
    const before = ses.stats.throttled;
    await remind(city, '2026-04-02', settings({ rate: 60 }));
    const got = await received('2026-04-02');
    const outbox = await city.store.outbox.listDay('2026-04-02');
    expect(ses.stats.throttled).toBeGreaterThan(before);
    expect(outbox.every((m) => m.status === 'SENT' || m.status === 'NO_ADDRESS')).toBe(true);
    expect(got.size).toBe(outbox.filter((m) => m.status === 'SENT').length);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });

  it('retries injected failures (20 % of sends answer 500) until every message is sent, once', async () => {
    ses.controls.ratePerSecond = null;
    ses.controls.failureRate = 0.2;
    const before = ses.stats.failed;
    await remind(city, '2026-04-03', settings());
    const got = await received('2026-04-03');
    const outbox = await city.store.outbox.listDay('2026-04-03');
    expect(ses.stats.failed).toBeGreaterThan(before);
    expect(outbox.filter((m) => m.status === 'SENT').length).toBe(got.size);
    expect(outbox.filter((m) => m.status === 'PENDING' || m.status === 'SENDING')).toEqual([]);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('crashes, duplicates, the quota, bounces', () => {
  let city: SmallCity;
  let quota: SmallCity;
  let mail: SmallCity;
  beforeAll(async () => {
    city = await openCity('delivery-faults');
    quota = await openCity('delivery-quota');
    mail = await openCity('delivery-bounce');
    bridge = bridgeSesEvents(ses, city.store, 0);
  });

  it('a crash after SES accepted a message and before its mark, then a rerun: sent once, none missing', async () => {
    const day = '2026-04-01';
    await expect(remind(city, day, settings(), { fault: crashAfter(3, 'sent') })).rejects.toBeInstanceOf(
      InjectedCrash,
    );
    const stuck = (await city.store.outbox.listDay(day)).filter((m) => m.status === 'SENDING');
    expect(stuck.length).toBeGreaterThanOrEqual(1);
    // SES's Send event for it arrives (the configuration set's destination; the local bridge here).
    await bridge.pump();
    const rerun = await remind(city, day, settings());
    expect(rerun.runs[0]?.state).toBe('done');
    const outbox = await city.store.outbox.listDay(day);
    const got = await received(day);
    expect(outbox.filter((m) => m.status === 'PENDING' || m.status === 'SENDING')).toEqual([]);
    expect(got.size).toBe(outbox.filter((m) => m.status === 'SENT').length);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    const settled = await city.store.outbox.get({ ...stuck[0], reminder: 'worklist' } as never);
    expect(settled?.acceptedAt).toBeTruthy();
  });

  it('a crash after the claim and before the send, then a rerun: the message is sent, once', async () => {
    const day = '2026-04-02';
    await expect(remind(city, day, settings(), { fault: crashAfter(2, 'claimed') })).rejects.toBeInstanceOf(
      InjectedCrash,
    );
    await bridge.pump();
    await remind(city, day, settings());
    const outbox = await city.store.outbox.listDay(day);
    const got = await received(day);
    expect(outbox.filter((m) => m.status === 'PENDING' || m.status === 'SENDING')).toEqual([]);
    expect(got.size).toBe(outbox.filter((m) => m.status === 'SENT').length);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });

  it('every step delivered twice at once (SQS is at-least-once): nothing is sent twice', async () => {
    const day = '2026-04-03';
    const steps: StepMessage[] = [];
    const capture: FanOut = { kind: 'sqs', send: async (m) => void steps.push(...m) };
    const ctx: JobContext = {
      store: city.store,
      now: at8(day),
      trigger: { kind: 'manual', fresh: false },
      fanOut: capture,
      mailer: mailerOf(city),
      budget: UNLIMITED_BUDGET,
      concurrency: 4,
      log: quietLog,
      delivery: settings(),
    };
    current = city;
    await startRemind(ctx, day);
    expect(steps.length).toBeGreaterThan(10);
    const retries = new InlineFanOut(4);
    retries.attach((m) => handleDelivery({ ...ctx, fanOut: retries }, m));
    await Promise.all(
      steps.flatMap((m) => [
        handleDelivery({ ...ctx, fanOut: retries }, m),
        handleDelivery({ ...ctx, fanOut: retries }, m),
      ]),
    );
    await retries.drain();
    const got = await received(day);
    expect(got.size).toBe(steps.length);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });

  it('past the daily quota the rest stays queued; the next day folds it into that day’s message or sends it', async () => {
    const day = '2026-04-01';
    const { counted, metric } = metrics();
    const used = await quota.store.outbox.quotaUsed(day);
    await remind(quota, day, settings({ dailyQuota: used + 4 }), { metric });
    const first = await quota.store.outbox.listDay(day);
    const unsent = first.filter((m) => m.status === 'PENDING');
    expect((await received(day)).size).toBe(4);
    expect(unsent.length).toBe(first.length - 4);
    expect(counted.ReminderSent).toBe(4);
    // One of them submits meanwhile: no message for them tomorrow, so yesterday's goes out as it is.
    const submitter = unsent[0]?.recipientId ?? '';
    const caller = { store: quota.store, principal: { employeeId: submitter, groups: [] }, now: at8(day) };
    await transitionAndPresent(
      caller,
      submitter,
      PERIOD,
      {
        type: 'saveSelfAssessment',
        scores: { discipline: 18, duties: 60, bonus: 5 },
        comment: null,
      },
      { ifMatch: null },
    );
    await transitionAndPresent(caller, submitter, PERIOD, { type: 'submit' }, { ifMatch: null });

    const next = '2026-04-02';
    const carried = metrics();
    await remind(quota, next, settings(), { metric: carried.metric });
    expect(carried.counted.ReminderBacklog).toBe(unsent.length);
    const after = await quota.store.outbox.listDay(day);
    for (const m of unsent) {
      const now = after.find((a) => a.recipientId === m.recipientId);
      if (m.recipientId === submitter) expect(now?.status).toBe('SENT');
      else expect(now).toMatchObject({ status: 'FOLDED', foldedInto: next });
    }
    expect(after.filter((m) => m.status === 'PENDING' || m.status === 'SENDING')).toEqual([]);
    const nextDay = await quota.store.outbox.listDay(next);
    expect(nextDay.every((m) => m.status === 'SENT')).toBe(true);
    expect(nextDay.map((m) => m.recipientId)).not.toContain(submitter);
    const all = [...(await received(day)).values(), ...(await received(next)).values()];
    expect(all.every((n) => n === 1)).toBe(true);
  });

  it('a hard bounce or a complaint stops the mail to that address until HR records another; so does the person’s switch', async () => {
    const city = mail;
    const events = bridgeSesEvents(ses, city.store, 0);
    const admin = {
      store: city.store,
      principal: { employeeId: 'admin', groups: ['admin' as const] },
      now: new Date(),
    };
    const day = '2026-04-01';
    const people = city.city.employees
      .filter((e) => e.active && e.supervisorId !== null)
      .slice(0, 3)
      .map((e) => e.id);
    expect(people).toHaveLength(3);
    const [bouncing, complaining, quiet] = people as [string, string, string];
    const setEmail = async (id: string, email: string) => {
      const e = await city.store.org.getEmployee(id);
      if (!e) throw new Error(id);
      const { id: _id, updatedAt: _u, ...input } = e;
      await upsertEmployee(admin, id, { ...input, email });
    };
    await setEmail(bouncing, SIMULATOR.bounce);
    await setEmail(complaining, SIMULATOR.complaint);
    await setEmailPreference({ ...admin, principal: { employeeId: quiet, groups: [] } }, false);
    await remind(city, day, settings());
    await events.pump();
    const suppressed = await listSuppressedAddresses(admin);
    expect(suppressed.items.map((i) => [i.employeeId, i.reason]).sort()).toEqual(
      [
        [bouncing, 'bounce'],
        [complaining, 'complaint'],
      ].sort(),
    );
    const quietOne = (await city.store.outbox.listDay(day)).find((m) => m.recipientId === quiet);
    expect(quietOne?.status).toBe('OPTED_OUT');
    expect((await received(day)).has(`${day}_${quiet}`)).toBe(false);

    const next = '2026-04-02';
    await remind(city, next, settings());
    const statuses = new Map((await city.store.outbox.listDay(next)).map((m) => [m.recipientId, m.status]));
    expect(statuses.get(bouncing)).toBe('SUPPRESSED');
    expect(statuses.get(complaining)).toBe('SUPPRESSED');
    const got = await received(next);
    expect(got.has(`${next}_${bouncing}`)).toBe(false);

    // HR corrects the address: mail goes out again (a fresh day's message).
    await setEmail(bouncing, 'dia-chi-moi@thanh-pho.invalid');
    expect((await listSuppressedAddresses(admin)).items.map((i) => i.employeeId)).toEqual([complaining]);
    const later = '2026-04-03';
    const ref = { day: later, recipientId: bouncing, reminder: 'worklist' };
    await city.store.outbox.enqueue({
      ...ref,
      to: 'dia-chi-moi@thanh-pho.invalid',
      subject: 'Nhắc việc',
      text: 'Kính gửi đồng chí',
      tasks: [],
      status: 'PENDING',
      channel: null,
      createdAt: new Date().toISOString(),
      sentAt: null,
    });
    const ctx: JobContext = {
      store: city.store,
      now: at8(later),
      trigger: { kind: 'manual', fresh: false },
      fanOut: new InlineFanOut(1),
      mailer: mailerOf(city),
      budget: UNLIMITED_BUDGET,
      concurrency: 1,
      log: quietLog,
      delivery: settings(),
    };
    await handleDelivery(ctx, {
      v: 1,
      job: 'remind',
      scope: later,
      runId: 'r',
      at: at8(later).toISOString(),
      step: 'deliver',
      recipient: bouncing,
    });
    expect((await city.store.outbox.get(ref))?.status).toBe('SENT');
    expect((await received(later)).get(`${later}_${bouncing}`)).toBe(1);
    events.stop();
  });
});
