/** The SES v2 mailer of the remind job in AWS: one client per cold start, from the configured sender only. */
import type { SESv2Client, SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { Mail, Mailer } from '../app/jobs/types.ts';

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
