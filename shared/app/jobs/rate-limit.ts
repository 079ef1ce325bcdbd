/**
 * The send pacer, shared by every sender of the process. In AWS each consumer of the delivery queue (at most
 * REMINDER_CONSUMERS at once) paces itself at rate / consumers, so together they stay within SES's rate; locally one
 * process paces at the whole rate. Two rules, both on the moments sends actually start:
 * - evenly spaced: at least 1/rate seconds between two sends (no bursts);
 * - never more than `rate` sends in any one second, as SES counts them: a send that started late (a busy event
 *   loop) must not let the next ones bunch up behind it.
 * A throttling answer pauses every sender of the process for the back-off.
 */
import type { SendPacer } from './types.ts';

const WINDOW_MS = 1000;

export class Pacer implements SendPacer {
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly interval: number;
  private readonly perWindow: number;
  /** When the sends of the last second started, oldest first. */
  private readonly recent: number[] = [];

  constructor(
    perSecond: number,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(perSecond > 0)) throw new Error(`a send rate must be above zero: ${perSecond}`);
    this.interval = 1000 / perSecond;
    this.perWindow = Math.max(1, Math.floor(perSecond));
  }

  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.recent.length > 0 && (this.recent[0] ?? 0) <= now - WINDOW_MS) this.recent.shift();
      const full = this.recent.length >= this.perWindow;
      if (!full && now >= this.nextSlot && now >= this.pausedUntil) {
        this.recent.push(now);
        this.nextSlot = now + this.interval;
        return;
      }
      const windowFrees = full ? (this.recent[0] ?? now) + WINDOW_MS + 1 : now;
      await this.sleep(Math.max(1, this.nextSlot - now, this.pausedUntil - now, windowFrees - now));
    }
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
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
