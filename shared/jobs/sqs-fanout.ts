/**
 * The SQS fan-out: a fanned-out job's run sends one message per unit (or few small units) to its own queue, which
 * the same function consumes (batches of 5, partial batch failures, a dead-letter queue after 3 receives: see
 * infra/stacks/jobs-stack.ts). Locally the same messages go through an in-process queue
 * (shared/app/jobs/inline-fanout.ts) calling the very same step handler.
 */
import type {
  SendMessageBatchCommandInput,
  SendMessageBatchCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { FanOut, StepMessage } from '../app/jobs/types.ts';
import { inParallel } from '../store/parallel.ts';

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

  async send(messages: readonly StepMessage[], options: { delaySeconds?: number } = {}): Promise<void> {
    const delay = Math.min(900, Math.max(0, Math.round(options.delaySeconds ?? 0)));
    const chunks: StepMessage[][] = [];
    for (let i = 0; i < messages.length; i += SQS_BATCH) chunks.push(messages.slice(i, i + SQS_BATCH));
    // A few batches in flight: 3,000 units are 300 calls.
    await inParallel(chunks, 4, (chunk) => this.sendBatch(chunk, delay));
  }

  private async sendBatch(chunk: StepMessage[], delay: number): Promise<void> {
    let entries = chunk.map((m, i) => ({
      Id: String(i),
      MessageBody: JSON.stringify(m),
      ...(delay > 0 ? { DelaySeconds: delay } : {}),
    }));
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
