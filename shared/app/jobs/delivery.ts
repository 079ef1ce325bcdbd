/**
 * Delivering reminders: the remind job queues one message per person and day (shared/app/jobs/remind.ts) and puts a
 * `deliver` step for each on its queue; a consumer sends each through SES (AWS: SQS → the remind function, at most
 * REMINDER_CONSUMERS at once; locally: the in-process queue, against the SES emulator, through the same client).
 *
 * For each message: read it (the outbox item is the truth); skip what is settled; honour the person's settings
 * (e-mail off, a suppressed address); wait for a send slot (the pacer); claim it (PENDING → SENDING); count it
 * against the day's quota; send, with the outbox reference as an SES message tag; mark it SENT.
 *
 * What can go wrong, and what happens:
 * - throttled, or a transient failure: the claim is released (PENDING), every sender of the process pauses, and the
 *   message is tried again after a back-off (in process for short waits, else the queue's delay);
 * - the day's quota is spent (our counter, or SES's own answer): released, and left PENDING; the next day's remind
 *   run folds it into that day's message for the person, or queues it again: nothing is dropped;
 * - SES refuses this very message (`MessageRejected`, a malformed address): FAILED, counted in ReminderFailures;
 * - a duplicate delivery of the step (SQS is at-least-once): the claim is conditional, so only one sender sends;
 * - the sender dies after its claim: the claim is left SENDING. After the lease (REMINDER_CLAIM_SECONDS) it is
 *   looked at again: if SES's Send event for the message arrived meanwhile (the configuration set's event
 *   destination records `acceptedAt`, shared/app/mail-events.ts), it was sent and becomes SENT without a second
 *   send; if not, it was never handed to SES, and it is claimed again and sent. The lease outlasts the SDK's
 *   request timeout and the usual delay of SES's events by far; the one case left open is an event that arrives
 *   later than the lease after a crash in the instant between SES accepting and our mark. We chose to send then
 *   (at least once) rather than risk a reminder nobody gets; docs/ARCHITECTURE.md says so.
 */

import { config } from '../../config.ts';
import { vietnamDateOf } from '../../domain/calendar.ts';
import { FINAL_OUTBOX_STATUSES, type OutboxMessage } from '../../store/entities.ts';
import type { OutboxRef } from '../../store/outbox-store.ts';
import { processPacer } from './rate-limit.ts';
import { reminderHtml } from './reminder-content.ts';
import { type DeliverySettings, type JobContext, SendFailure, type StepMessage } from './types.ts';

/** The one daily reminder per person: its key in the outbox. */
export const DAILY_REMINDER = 'worklist';

/** Tries of one message (throttled, transient, held) before it is left for the next day's run. */
export const MAX_DELIVERY_ATTEMPTS = 12;
/** A wait up to this long happens in the consumer; a longer one goes back to the queue with a delay. */
const IN_PROCESS_WAIT_MS = 5_000;
/** SQS delays a message at most 15 minutes. */
const MAX_QUEUE_DELAY_SECONDS = 900;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The share of SES's maximum send rate the pacer uses. At exactly the maximum, the jitter of a busy event loop and of
 * the network bunches a send now and then into the previous second, and SES answers 429 (measured against the
 * emulator at 14 a second: 11 of 420 sends throttled, 11.4 a second achieved); a tenth of headroom avoids that.
 */
export const SES_RATE_SHARE = 0.9;

/** The pace of one of `processes` processes sharing SES's maximum rate. */
export const pacedRate = (ratePerSecond: number, processes = 1) =>
  (ratePerSecond * SES_RATE_SHARE) / processes;

/**
 * The settings from the configuration. `processes`: how many processes share the send rate at once (the
 * delivery queue's consumers in AWS; one locally).
 */
export function deliverySettingsFromConfig(processes = 1): DeliverySettings {
  const r = config().reminders;
  return {
    pacer: processPacer(pacedRate(r.ratePerSecond, processes)),
    dailyQuota: r.dailyQuota,
    claimMs: r.claimSeconds * 1000,
    appUrl: r.appUrl ?? null,
    leadDays: r.leadDays,
    sleep,
  };
}

/**
 * The outbox reference as an SES tag value (letters, digits, `_` and `-` only): `2026-04-02_stc-ns-03`, with `_`
 * and `.` of the employee id escaped.
 */
export function mailReference(day: string, recipientId: string): string {
  return `${day}_${recipientId.replace(/_/g, '_5F').replace(/\./g, '_2E')}`;
}

export function parseMailReference(reference: string): { day: string; recipientId: string } | null {
  const match = /^(\d{4}-\d{2}-\d{2})_([A-Za-z0-9_-]{1,200})$/.exec(reference);
  if (!match?.[1] || !match[2]) return null;
  const recipientId = match[2].replace(/_2E/g, '.').replace(/_5F/g, '_');
  return /^[A-Za-z0-9._-]{1,64}$/.test(recipientId) ? { day: match[1], recipientId } : null;
}

/** Back-off before the next try: 0.5 s doubling up to a minute, with jitter so that senders spread out. */
export const backoffMs = (attempt: number) =>
  Math.min(60_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

type Outcome = 'sent' | 'settled' | 'failed' | 'tomorrow' | 'paused' | { laterMs: number };

async function deliverOne(
  ctx: JobContext,
  settings: DeliverySettings,
  ref: OutboxRef,
  attempt: number,
): Promise<Outcome> {
  const { store } = ctx;
  const now = Date.now();
  const message: OutboxMessage | null = await store.outbox.get(ref);
  if (!message || FINAL_OUTBOX_STATUSES.includes(message.status)) return 'settled';
  if (message.status === 'SENDING') {
    // Sent by a sender that died before its mark: SES's Send event says so.
    if (message.acceptedAt) {
      await store.outbox.markSent(
        ref,
        message.acceptedAt,
        message.providerMessageId ?? null,
        ctx.mailer.channel,
      );
      return 'settled';
    }
    const held = Date.parse(message.claimedAt ?? '') + settings.claimMs - now;
    if (held > 0) return { laterMs: held + 100 };
  }
  if (message.to === null) {
    await store.outbox.settle(ref, 'NO_ADDRESS');
    return 'settled';
  }
  const preference = await store.mail.getPreference(ref.recipientId);
  if (preference?.emailOff) {
    await store.outbox.settle(ref, 'OPTED_OUT');
    return 'settled';
  }
  if (preference?.suppression && sameAddress(preference.suppression.address, message.to)) {
    await store.outbox.settle(ref, 'SUPPRESSED');
    return 'settled';
  }
  // The send slot first, the claim right before the send: a claim is never held while waiting for the pacer, so
  // its lease only has to outlast one SES call.
  await settings.pacer.take();
  const claimedMs = Date.now();
  const claimedAt = new Date(claimedMs).toISOString();
  if (!(await store.outbox.claim(ref, claimedAt, new Date(claimedMs - settings.claimMs).toISOString()))) {
    // Someone else claimed it a moment ago, or settled it: look again once their claim could have lapsed.
    const again = await store.outbox.get(ref);
    return !again || FINAL_OUTBOX_STATUSES.includes(again.status) ? 'settled' : { laterMs: settings.claimMs };
  }
  const step = `${ref.day}/${ref.recipientId}`;
  ctx.fault?.('claimed', step);
  const quotaDay = vietnamDateOf(claimedAt) ?? ref.day;
  if (!(await store.outbox.reserveQuota(quotaDay, settings.dailyQuota, new Date(claimedMs)))) {
    await store.outbox.release(ref, null);
    return 'tomorrow';
  }
  let sent: { messageId: string } | undefined;
  try {
    sent = await ctx.mailer.send({
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: reminderHtml(message.subject, message.text),
      reference: mailReference(ref.day, ref.recipientId),
    });
  } catch (error) {
    const failure =
      error instanceof SendFailure
        ? error
        : new SendFailure('transient', error instanceof Error ? error.name : 'Error');
    switch (failure.kind) {
      case 'rejected':
        await store.outbox.settle(ref, 'FAILED', { error: failure.code });
        return 'failed';
      case 'quota':
        await store.outbox.release(ref, failure.code);
        return 'tomorrow';
      case 'paused':
        await store.outbox.release(ref, failure.code);
        return 'paused';
      case 'throttled':
      case 'transient': {
        await Promise.all([store.outbox.release(ref, failure.code), store.outbox.returnQuota(quotaDay)]);
        const wait = backoffMs(attempt);
        // Everyone in this process slows down, not just this message.
        if (failure.kind === 'throttled') settings.pacer.pause(wait);
        return { laterMs: wait };
      }
    }
  }
  ctx.fault?.('sent', step);
  await store.outbox.markSent(ref, new Date().toISOString(), sent?.messageId ?? null, ctx.mailer.channel);
  return 'sent';
}

/** One `deliver` step: the message of `msg.recipient` for the day `msg.scope`. */
export async function handleDelivery(ctx: JobContext, msg: StepMessage): Promise<void> {
  if (!msg.recipient) throw new Error('a deliver step names its recipient');
  const settings = ctx.delivery ?? deliverySettingsFromConfig();
  const ref: OutboxRef = { day: msg.scope, recipientId: msg.recipient, reminder: DAILY_REMINDER };
  for (let attempt = msg.attempt ?? 0; ; attempt++) {
    ctx.budget.check();
    const outcome = await deliverOne(ctx, settings, ref, attempt);
    if (outcome === 'sent') return ctx.metric?.('ReminderSent', 1);
    if (outcome === 'failed' || outcome === 'paused') return ctx.metric?.('ReminderFailures', 1);
    if (outcome === 'settled' || outcome === 'tomorrow') return;
    if (attempt + 1 >= MAX_DELIVERY_ATTEMPTS) {
      // Still PENDING: the next remind run queues it again or folds it into that day's message.
      ctx.log('reminder left for the next run', { day: ref.day, attempts: attempt + 1 });
      return ctx.metric?.('ReminderFailures', 1);
    }
    if (outcome.laterMs <= IN_PROCESS_WAIT_MS) {
      await settings.sleep(outcome.laterMs);
      continue;
    }
    const delaySeconds = Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil(outcome.laterMs / 1000));
    await ctx.fanOut.send([{ ...msg, attempt: attempt + 1 }], { delaySeconds });
    return;
  }
}
