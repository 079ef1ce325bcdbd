/**
 * Delivering the outbox (shared/store/outbox-store.ts holds it): a message is claimed (PENDING → SENDING) before
 * sending and marked SENT after: a crash between the two leaves it SENDING and it is not sent again (at most once,
 * as "never twice" asks; HR can see the stuck item). Locally the outbox itself is the mailbox (`GET
 * /local/outbox`); in AWS the mailer is SES (shared/jobs/ses-mailer.ts).
 */
import type { OutboxMessage, OutboxStatus } from '../../store/entities.ts';
import type { Store } from '../../store/store.ts';
import type { Mailer } from './types.ts';

/** Sends one PENDING message; null when someone else claimed it first. */
export async function deliver(
  store: Store,
  mailer: Mailer,
  message: OutboxMessage,
  now: () => Date,
): Promise<OutboxStatus | null> {
  if (message.status !== 'PENDING' || message.to === null) return null;
  if (!(await store.outbox.setStatus(message, 'PENDING', 'SENDING'))) return null;
  try {
    await mailer.send({ to: message.to, subject: message.subject, text: message.text });
  } catch (error) {
    await store.outbox.setStatus(message, 'SENDING', 'FAILED', {
      error: error instanceof Error ? error.name : 'Error',
    });
    return 'FAILED';
  }
  await store.outbox.setStatus(message, 'SENDING', 'SENT', {
    sentAt: now().toISOString(),
    channel: mailer.channel,
  });
  return 'SENT';
}

/** Locally nothing leaves the machine: the outbox item is the message, readable at `GET /local/outbox`. */
export const localMailer: Mailer = {
  channel: 'local',
  send: async () => undefined,
};

/** For jobs that never send: using it is a programming error, said loudly. */
export const noMailer: Mailer = {
  channel: 'local',
  send: async () => {
    throw new Error('this job does not send e-mail');
  },
};
