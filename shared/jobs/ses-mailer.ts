/**
 * The reminder mailer: SES v2 `SendEmail` from the configured sender, through the SESv2Client, in AWS and locally
 * alike (locally the client's endpoint is the aws-ses-v2-local emulator, SES_ENDPOINT). Each message carries its
 * outbox reference as an SES message tag (and header), so SES's events (Send, Bounce, Complaint) name the message
 * back, and goes through the configuration set that publishes those events. A plain-text part and an HTML part.
 * SES's errors become a `SendFailure` of a kind the delivery understands; only the error's name is kept (SES's
 * messages may quote the address).
 */
import type { SESv2Client, SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { type Mail, type Mailer, SendFailure, type SendFailureKind } from '../app/jobs/types.ts';
import type { Config } from '../config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../store/client.ts';

/** The SES call we use. */
export interface SesSender {
  send(input: SendEmailCommandInput): Promise<{ MessageId?: string | undefined }>;
}

/** The header that carries the outbox reference too (the local emulator keeps headers, not tags). */
export const REFERENCE_HEADER = 'X-Danh-Gia-Ref';
export const REFERENCE_TAG = 'ref';

export interface SesMailerOptions {
  sender: string;
  /** The emulator's endpoint locally; absent in AWS. */
  endpoint?: string | undefined;
  configurationSet?: string | undefined;
  /** Give up on a send that has not answered in this time: well within the claim's lease. */
  requestTimeoutMs?: number;
}

/** The real sender; the SDK module is loaded on first use, not at cold start. */
function sesSender(options: SesMailerOptions): SesSender {
  let client: SESv2Client | undefined;
  return {
    async send(input) {
      const ses = await import('@aws-sdk/client-sesv2');
      client ??= new ses.SESv2Client({
        ...(options.endpoint
          ? { endpoint: options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }
          : {}),
        // The delivery retries, paced and with back-off, through its queue: one attempt per call here.
        maxAttempts: 1,
        requestHandler: { requestTimeout: options.requestTimeoutMs ?? 20_000 },
      });
      return client.send(new ses.SendEmailCommand(input));
    },
  };
}

const REJECTED = new Set(['MessageRejected', 'BadRequestException', 'InvalidParameterValue']);
const THROTTLED = new Set(['TooManyRequestsException', 'Throttling', 'ThrottlingException']);
const PAUSED = new Set([
  'AccountSuspendedException',
  'SendingPausedException',
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
]);

/** What kind of failure an SES error is. */
export function classifySesError(error: unknown): SendFailure {
  const name = error instanceof Error ? error.name : 'Error';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  let kind: SendFailureKind = 'transient';
  if (THROTTLED.has(name) || status === 429) kind = 'throttled';
  // SES v2 answers LimitExceededException when the 24-hour sending quota is spent.
  else if (name === 'LimitExceededException') kind = 'quota';
  else if (PAUSED.has(name)) kind = 'paused';
  else if (REJECTED.has(name)) kind = 'rejected';
  return new SendFailure(kind, name);
}

export class SesMailer implements Mailer {
  readonly channel = 'ses';
  private readonly client: SesSender;

  constructor(
    private readonly options: SesMailerOptions,
    client?: SesSender,
  ) {
    this.client = client ?? sesSender(options);
  }

  get sender(): string {
    return this.options.sender;
  }

  async send(mail: Mail): Promise<{ messageId: string } | undefined> {
    const charset = 'UTF-8';
    let answer: { MessageId?: string | undefined };
    try {
      answer = await this.client.send({
        FromEmailAddress: this.options.sender,
        Destination: { ToAddresses: [mail.to] },
        ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
        ...(mail.reference ? { EmailTags: [{ Name: REFERENCE_TAG, Value: mail.reference }] } : {}),
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: charset },
            Body: {
              Text: { Data: mail.text, Charset: charset },
              ...(mail.html ? { Html: { Data: mail.html, Charset: charset } } : {}),
            },
            ...(mail.reference ? { Headers: [{ Name: REFERENCE_HEADER, Value: mail.reference }] } : {}),
          },
        },
      });
    } catch (error) {
      throw classifySesError(error);
    }
    return answer.MessageId ? { messageId: answer.MessageId } : undefined;
  }
}

/** The mailer the configuration names: null without a sender (REMINDER_SENDER). */
export function mailerFromConfig(c: Config): SesMailer | null {
  const sender = c.jobs.reminderSender;
  if (!sender) return null;
  return new SesMailer({
    sender,
    endpoint: c.reminders.sesEndpoint,
    configurationSet: c.reminders.configurationSet,
  });
}
