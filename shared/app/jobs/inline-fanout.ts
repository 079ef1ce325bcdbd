/**
 * The local stand-in for a job's queue: messages are processed by `concurrency` workers in this process, including
 * the messages the steps send themselves (the finalisation checks), through the very step handler SQS calls in
 * AWS. A delayed message waits a moment (not its full delay: nothing else would happen meanwhile) so a check does
 * not spin while the last steps finish. The first failure stops the run like a crash: nothing new starts, the
 * steps in flight finish, and `drain` throws; the checkpoints let the next run resume.
 */
import type { FanOut, StepMessage } from './types.ts';

const LOCAL_DELAY_MS = 10;

export class InlineFanOut implements FanOut {
  readonly kind = 'inline';
  private queue: StepMessage[] = [];
  private delayed = 0;
  private wake: (() => void) | undefined;
  private processor: ((message: StepMessage) => Promise<void>) | undefined;

  constructor(private readonly concurrency = 8) {}

  attach(processor: (message: StepMessage) => Promise<void>): void {
    this.processor = processor;
  }

  async send(messages: readonly StepMessage[], options: { delaySeconds?: number } = {}): Promise<void> {
    if (!options.delaySeconds) {
      this.queue.push(...messages);
      this.wake?.();
      return;
    }
    this.delayed++;
    setTimeout(() => {
      this.delayed--;
      this.queue.push(...messages);
      this.wake?.();
    }, LOCAL_DELAY_MS);
  }

  get pending(): number {
    return this.queue.length + this.delayed;
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
        if (active === 0 && (failure || (this.queue.length === 0 && this.delayed === 0))) {
          this.wake = undefined;
          resolve();
        }
      };
      this.wake = pump;
      pump();
    });
    if (failure) {
      this.queue = [];
      throw failure.error;
    }
  }
}
