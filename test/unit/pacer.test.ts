/**
 * The send pacer on a virtual clock whose sleeps wake late by a random jitter (a busy event loop): sends are
 * spaced evenly, never more than the rate in any one second as SES counts them, several senders at once share
 * it, and a pause holds everyone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../shared/app/jobs/rate-limit.ts';

function virtualClock(jitterMs: () => number) {
  let t = 0;
  const timers: { at: number; wake: () => void }[] = [];
  const sleep = (ms: number) =>
    new Promise<void>((wake) => {
      timers.push({ at: t + ms + jitterMs(), wake });
    });
  /** Runs the timers in order until every sender is done. */
  const run = async (done: Promise<unknown>) => {
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) continue;
      t = Math.max(t, next.at);
      next.wake();
    }
  };
  return { now: () => t, sleep, run };
}

const maxInAnySecond = (starts: number[]) =>
  Math.max(...starts.map((s) => starts.filter((x) => x >= s && x < s + 1000).length));

describe('the send pacer', () => {
  it('never lets more than the rate start in any second, with jitter and several senders', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 120 }),
        async (rate, senders, jitter) => {
          const clock = virtualClock(() => Math.random() * jitter);
          const pacer = new Pacer(rate, clock.now, clock.sleep);
          const starts: number[] = [];
          const sender = async (n: number) => {
            for (let i = 0; i < n; i++) {
              await pacer.take();
              starts.push(clock.now());
            }
          };
          const all = Promise.all(
            Array.from({ length: senders }, () => sender(Math.ceil((rate * 3) / senders))),
          );
          await clock.run(all);
          expect(maxInAnySecond(starts)).toBeLessThanOrEqual(rate);
          const sorted = [...starts].sort((a, b) => a - b);
          for (let i = 1; i < sorted.length; i++)
            expect((sorted[i] ?? 0) - (sorted[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000 / rate - 1e-6);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a pause holds every sender for its length', async () => {
    const clock = virtualClock(() => 0);
    const pacer = new Pacer(10, clock.now, clock.sleep);
    await clock.run(pacer.take());
    pacer.pause(2_000);
    const starts: number[] = [];
    await clock.run(
      Promise.all(
        [0, 1].map(async () => {
          await pacer.take();
          starts.push(clock.now());
        }),
      ),
    );
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(2_000);
  });
});
