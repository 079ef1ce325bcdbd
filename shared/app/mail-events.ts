/**
 * What SES tells us about a message after the send (its configuration set publishes the events: EventBridge in
 * AWS, the local bridge over the emulator here), recorded in the table:
 * - Send: SES accepted the message: the outbox item gets `acceptedAt` (the proof a claim left by a crashed sender
 *   was sent, shared/app/jobs/delivery.ts);
 * - Bounce (permanent) and Complaint: the address is suppressed for the person: nothing more is mailed to it until
 *   HR records another address (the suppression holds for that address only). HR sees it (`GET
 *   /v1/mail/suppressions`, a mark in the employees screen). A transient bounce changes nothing.
 * Events name the message by the outbox reference it was sent with (an SES message tag); one without it (another
 * sender of the same configuration set) is ignored.
 */
import type { Store } from '../store/store.ts';
import { DAILY_REMINDER, parseMailReference } from './jobs/delivery.ts';

export type MailEvent =
  | { type: 'send'; reference: string | null; messageId: string; at: string }
  | {
      type: 'bounce';
      reference: string | null;
      messageId: string;
      at: string;
      permanent: boolean;
      addresses: string[];
      detail: string | null;
    }
  | {
      type: 'complaint';
      reference: string | null;
      messageId: string;
      at: string;
      addresses: string[];
      detail: string | null;
    }
  | { type: 'other'; reference: string | null; messageId: string; at: string; name: string };

export type MailEventOutcome = 'accepted' | 'suppressed' | 'ignored';

export async function recordMailEvent(store: Store, event: MailEvent): Promise<MailEventOutcome> {
  const ref = event.reference ? parseMailReference(event.reference) : null;
  if (!ref) return 'ignored';
  switch (event.type) {
    case 'send': {
      const outbox = { ...ref, reminder: DAILY_REMINDER };
      return (await store.outbox.recordAccepted(outbox, event.messageId, event.at)) ? 'accepted' : 'ignored';
    }
    case 'bounce':
    case 'complaint': {
      if (event.type === 'bounce' && !event.permanent) return 'ignored';
      const address = event.addresses[0];
      if (!address) return 'ignored';
      await store.mail.suppress(ref.recipientId, {
        reason: event.type,
        address: address.trim().toLowerCase(),
        at: event.at,
        detail: event.detail,
      });
      return 'suppressed';
    }
    case 'other':
      return 'ignored';
  }
}
