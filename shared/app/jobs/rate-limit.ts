/**
 * The send pacer: evenly spaced slots at a given rate, shared by every sender of the process. In AWS each consumer
 * of the delivery queue (at most REMINDER_CONSUMERS at once) paces itself at rate / consumers, so together they stay
 * within SES's rate; locally one process paces at the whole rate. No bursts: SES counts per second, and evenly
 * spaced sends never cross it. A throttling answer pauses every sender of the process for the back-off.
 */
import type { SendPacer } from './types.ts';

export class Pacer implements SendPacer {
  private nextSlot = 0;
  private readonly interval: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(perSecond > 0)) throw new Error(`a send rate must be above zero: ${perSecond}`);
    this.interval = 1000 / perSecond;
  }

  async take(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.interval;
    if (slot > now) await this.sleep(slot - now);
  }

  pause(ms: number): void {
    this.nextSlot = Math.max(this.nextSlot, this.now() + ms);
  }
}

const pacers = new Map<number, Pacer>();

/** One pacer per rate in the process: every consumer invocation of a warm Lambda shares it. */
export function processPacer(perSecond: number): Pacer {
  let pacer = pacers.get(perSecond);
  if (!pacer) {
    pacer = new Pacer(perSecond);
    pacers.set(perSecond, pacer);
  }
  return pacer;
}
