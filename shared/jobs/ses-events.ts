/**
 * The Lambda adapter of SES's events: the configuration set publishes Send, Bounce and Complaint events to
 * EventBridge (infra/stacks/jobs-stack.ts), whose rule invokes this function with one event each; the local bridge
 * over the SES emulator (functions/local/ses-local.ts) calls the same `handleSesEvent`. Only ids and outcomes are
 * logged, never an address.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { type MailEvent, type MailEventOutcome, recordMailEvent } from '../app/mail-events.ts';
import { config, requireTableName } from '../config.ts';
import { logger } from '../observability.ts';
import { type Store, store } from '../store/store.ts';
import { REFERENCE_TAG } from './ses-mailer.ts';

const recipients = z.array(z.object({ emailAddress: z.string() }).loose());

/** SES's event (the `detail` of the EventBridge event), as much of it as we read. */
export const sesEventSchema = z
  .object({
    eventType: z.string(),
    mail: z
      .object({
        messageId: z.string(),
        timestamp: z.string(),
        tags: z.record(z.string(), z.array(z.string())).optional(),
      })
      .loose(),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: recipients,
        timestamp: z.string(),
      })
      .loose()
      .optional(),
    complaint: z
      .object({
        complainedRecipients: recipients,
        complaintFeedbackType: z.string().optional(),
        timestamp: z.string(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type SesEvent = z.output<typeof sesEventSchema>;

export const eventBridgeSesSchema = z
  .object({ source: z.literal('aws.ses'), 'detail-type': z.string(), detail: sesEventSchema })
  .loose();

/** SES's event in the application's terms. */
export function toMailEvent(e: SesEvent): MailEvent {
  const reference = e.mail.tags?.[REFERENCE_TAG]?.[0] ?? null;
  const base = { reference, messageId: e.mail.messageId };
  if (e.eventType === 'Send') return { type: 'send', ...base, at: e.mail.timestamp };
  if (e.eventType === 'Bounce' && e.bounce)
    return {
      type: 'bounce',
      ...base,
      at: e.bounce.timestamp,
      permanent: e.bounce.bounceType === 'Permanent',
      addresses: e.bounce.bouncedRecipients.map((r) => r.emailAddress),
      detail: [e.bounce.bounceType, e.bounce.bounceSubType].filter(Boolean).join('/'),
    };
  if (e.eventType === 'Complaint' && e.complaint)
    return {
      type: 'complaint',
      ...base,
      at: e.complaint.timestamp,
      addresses: e.complaint.complainedRecipients.map((r) => r.emailAddress),
      detail: e.complaint.complaintFeedbackType ?? null,
    };
  return { type: 'other', ...base, at: e.mail.timestamp, name: e.eventType };
}

export function handleSesEvent(target: Store, event: SesEvent): Promise<MailEventOutcome> {
  return recordMailEvent(target, toMailEvent(event));
}

export function sesEventsHandler(options: { store?: () => Store } = {}) {
  const c = config();
  const storeOf =
    options.store ??
    (() => store({ tableName: requireTableName(c), endpoint: c.table.endpoint, region: c.table.region }));
  const base = async (event: unknown, _context: Context) => {
    // A malformed event is a bug upstream: thrown, so that EventBridge retries it and then dead-letters it.
    const parsed = eventBridgeSesSchema.parse(event);
    const outcome = await handleSesEvent(storeOf(), parsed.detail);
    logger.info('ses event', {
      eventType: parsed.detail.eventType,
      messageId: parsed.detail.mail.messageId,
      outcome,
    });
    return { outcome };
  };
  return middy<unknown, { outcome: MailEventOutcome }, Error, Context>(base).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
}
