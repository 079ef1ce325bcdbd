/**
 * Fan-out transports. In AWS a fanned-out job's scheduled run sends one SQS message per unit to its own queue,
 * which the same function consumes (batches of 5, partial batch failures, a dead-letter queue after 3 receives:
 * see infra/stacks/jobs-stack.ts). Locally the same messages go through an in-process queue drained by a few
 * workers, calling the very same step handler, so both paths run the same code.
 */
import type {
  SendMessageBatchCommandInput,
  SendMessageBatchCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { FanOut, StepMessage } from './types.ts';

/** The SQS call we use: lets tests observe the calls without a queue. */
export interface SqsSender {
  send(input: SendMessageBatchCommandInput): Promise<Pick<SendMessageBatchCommandOutput, 'Failed'>>;
}

/**
 * The real sender. The SDK module is loaded on first use, not at cold start: the steps that consume the queue
 * never send, and loading the SQS client would only slow their start.
 */
function sqsSender(): SqsSender {
  let client: SQSClient | undefined;
  return {
    async send(input) {
      const sqs = await import('@aws-sdk/client-sqs');
      client ??= new sqs.SQSClient({});
      return client.send(new sqs.SendMessageBatchCommand(input));
    },
  };
}

const SQS_BATCH = 10;

export class SqsFanOut implements FanOut {
  readonly kind = 'sqs';

  constructor(
    private readonly queueUrl: string,
    private readonly client: SqsSender = sqsSender(),
  ) {}

  async send(messages: readonly StepMessage[]): Promise<void> {
    const chunks: StepMessage[][] = [];
    for (let i = 0; i < messages.length; i += SQS_BATCH) chunks.push(messages.slice(i, i + SQS_BATCH));
    // A few batches in flight: 3,000 units are 300 calls.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(4, chunks.length) }, async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++];
          if (chunk) await this.sendBatch(chunk);
        }
      }),
    );
  }

  private async sendBatch(chunk: StepMessage[]): Promise<void> {
    let entries = chunk.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) }));
    for (let attempt = 0; entries.length > 0; attempt++) {
      const result = await this.client.send({ QueueUrl: this.queueUrl, Entries: entries });
      const failed = new Set((result.Failed ?? []).map((f) => f.Id));
      entries = entries.filter((e) => failed.has(e.Id));
      if (entries.length > 0 && attempt >= 4) {
        throw new Error(`SQS refused ${entries.length} step messages after ${attempt + 1} attempts`);
      }
      if (entries.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

/**
 * The local stand-in for the queue: messages are processed by `concurrency` workers in this process, including
 * the messages the steps send themselves (the run's finalisation). The first failure stops the run like a crash:
 * nothing new starts, the steps in flight finish, and `drain` throws; the checkpoints let the next run resume.
 */
export class InlineFanOut implements FanOut {
  readonly kind = 'inline';
  private queue: StepMessage[] = [];
  private processor: ((message: StepMessage) => Promise<void>) | undefined;

  constructor(private readonly concurrency = 8) {}

  attach(processor: (message: StepMessage) => Promise<void>): void {
    this.processor = processor;
  }

  async send(messages: readonly StepMessage[]): Promise<void> {
    this.queue.push(...messages);
  }

  get pending(): number {
    return this.queue.length;
  }

  async drain(): Promise<void> {
    const processor = this.processor;
    if (!processor) throw new Error('InlineFanOut: no processor attached');
    let failure: { error: unknown } | undefined;
    let active = 0;
    await new Promise<void>((resolve) => {
      const pump = () => {
        while (!failure && active < this.concurrency && this.queue.length > 0) {
          const message = this.queue.shift() as StepMessage;
          active++;
          processor(message)
            .catch((error: unknown) => {
              failure ??= { error };
            })
            .finally(() => {
              active--;
              pump();
            });
        }
        if (active === 0 && (failure || this.queue.length === 0)) resolve();
      };
      pump();
    });
    if (failure) {
      this.queue = [];
      throw failure.error;
    }
  }
}
