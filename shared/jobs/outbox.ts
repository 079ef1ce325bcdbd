/**
 * The outbox: one item per (day, recipient, reminder), written only if absent, so nobody is notified twice for
 * the same reminder whatever reruns or retries happen. Delivery claims an item (PENDING → SENDING) before
 * sending and marks it SENT after: a crash between the two leaves it SENDING and it is not sent again
 * (at most once, as "never twice" asks; HR can see the stuck item). Locally the outbox itself is the mailbox
 * (`GET /local/outbox`); in AWS the mailer is SES.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { SESv2Client, SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client.ts';
import { keys } from '../store/keys.ts';
import { queryPages, stripKeys } from '../store/query.ts';
import type { Mail, Mailer } from './types.ts';

export type OutboxStatus = 'PENDING' | 'SENDING' | 'SENT' | 'FAILED' | 'NO_ADDRESS';

export interface ReminderTask {
  kind: 'self' | 'review' | 'approve';
  period: string;
  /** Evaluations waiting for this person (1 for their own self-assessment). */
  count: number;
  deadline: string;
}

export interface OutboxMessage {
  day: string;
  recipientId: string;
  reminder: string;
  to: string | null;
  subject: string;
  text: string;
  tasks: ReminderTask[];
  status: OutboxStatus;
  channel: Mailer['channel'] | null;
  createdAt: string;
  sentAt: string | null;
  /** The error's name only: a provider's message may quote the address. */
  error?: string;
}

/** Outbox items are kept 90 days, then DynamoDB's TTL removes them. */
const OUTBOX_TTL_SECONDS = 90 * 24 * 3600;

/** Queues a message unless one exists for the same day, recipient and reminder. */
export async function enqueue(db: Db, message: OutboxMessage): Promise<'queued' | 'exists'> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...keys.outbox(message.day, message.recipientId, message.reminder),
          ...message,
          expiresAt: Math.floor(Date.parse(message.createdAt) / 1000) + OUTBOX_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'queued';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'exists';
    throw error;
  }
}

export async function listOutbox(db: Db, day: string): Promise<OutboxMessage[]> {
  const out: OutboxMessage[] = [];
  for await (const page of queryPages(db, { ...keys.outboxOfDay(day), consistent: true })) {
    for (const item of page) out.push(stripKeys(item) as unknown as OutboxMessage);
  }
  return out;
}

async function setStatus(
  db: Db,
  m: Pick<OutboxMessage, 'day' | 'recipientId' | 'reminder'>,
  from: OutboxStatus,
  to: OutboxStatus,
  extra: Record<string, unknown> = {},
): Promise<boolean> {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':from': from, ':to': to };
  const sets = ['#status = :to'];
  Object.entries(extra).forEach(([name, value], i) => {
    names[`#x${i}`] = name;
    values[`:x${i}`] = value;
    sets.push(`#x${i} = :x${i}`);
  });
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.outboxKey(m.day, m.recipientId, m.reminder),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Sends one PENDING message; false when someone else claimed it first. */
export async function deliver(
  db: Db,
  mailer: Mailer,
  message: OutboxMessage,
  now: () => Date,
): Promise<OutboxStatus | null> {
  if (message.status !== 'PENDING' || message.to === null) return null;
  if (!(await setStatus(db, message, 'PENDING', 'SENDING'))) return null;
  try {
    await mailer.send({ to: message.to, subject: message.subject, text: message.text });
  } catch (error) {
    await setStatus(db, message, 'SENDING', 'FAILED', {
      error: error instanceof Error ? error.name : 'Error',
    });
    return 'FAILED';
  }
  await setStatus(db, message, 'SENDING', 'SENT', { sentAt: now().toISOString(), channel: mailer.channel });
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

/** The SES call we use: lets tests observe the calls without sending. */
export interface SesSender {
  send(input: SendEmailCommandInput): Promise<unknown>;
}

/** The real sender; the SDK module is loaded on first use, not at cold start. */
function sesSender(): SesSender {
  let client: SESv2Client | undefined;
  return {
    async send(input) {
      const ses = await import('@aws-sdk/client-sesv2');
      client ??= new ses.SESv2Client({});
      return client.send(new ses.SendEmailCommand(input));
    },
  };
}

/** SES v2 from the configured sender (the stack allows that sender only). One client per cold start. */
export class SesMailer implements Mailer {
  readonly channel = 'ses';

  constructor(
    private readonly sender: string,
    private readonly client: SesSender = sesSender(),
  ) {}

  async send(mail: Mail): Promise<void> {
    await this.client.send({
      FromEmailAddress: this.sender,
      Destination: { ToAddresses: [mail.to] },
      Content: {
        Simple: {
          Subject: { Data: mail.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
        },
      },
    });
  }
}
