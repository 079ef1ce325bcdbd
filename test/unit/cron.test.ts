/**
 * The local scheduler reads the schedule table's EventBridge cron strings in Asia/Ho_Chi_Minh: the next firing
 * of every job, and expressions it must refuse rather than misread.
 */
import { describe, expect, it } from 'vitest';
import { nextFireTime, parseCron } from '../../shared/jobs/cron.ts';
import { schedules } from '../../shared/jobs/schedules.ts';

const vn = (s: string) => new Date(`${s}+07:00`);
const next = (cron: string, after: string) => nextFireTime(parseCron(cron), vn(after))?.toISOString();

describe('cron of the schedule table, in Vietnam time', () => {
  it('fires each job when EventBridge would', () => {
    const byJob = Object.fromEntries(schedules.map((s) => [s.job, s.cron]));
    const at = '2026-03-31T23:00:00';
    expect(next(byJob['open-period'] ?? '', at)).toBe(vn('2026-04-01T00:05:00').toISOString());
    expect(next(byJob.remind ?? '', at)).toBe(vn('2026-04-01T08:00:00').toISOString());
    expect(next(byJob['close-period'] ?? '', at)).toBe(vn('2026-04-01T00:30:00').toISOString());
    expect(next(byJob['compute-rankings'] ?? '', at)).toBe(vn('2026-04-01T01:00:00').toISOString());
    expect(next(byJob['annual-rollup'] ?? '', at)).toBe(vn('2026-12-10T02:00:00').toISOString());
    // Strictly after: a job firing now is next due on the following day.
    expect(next(byJob.remind ?? '', '2026-04-01T08:00:00')).toBe(vn('2026-04-02T08:00:00').toISOString());
    // 00:05 in Hanoi is 17:05 UTC the day before.
    expect(next(byJob['open-period'] ?? '', at)).toBe('2026-03-31T17:05:00.000Z');
  });

  it('reads ranges, lists, steps, names and AWS day-of-week numbers', () => {
    expect(next('cron(0/15 9-10 ? * MON-FRI *)', '2026-04-04T12:00:00')).toBe(
      vn('2026-04-06T09:00:00').toISOString(),
    );
    expect(next('cron(0 7 ? * 2 *)', '2026-04-01T12:00:00')).toBe(vn('2026-04-06T07:00:00').toISOString());
    expect(next('cron(30 6 1,15 JAN,JUL ? 2027)', '2026-04-01T00:00:00')).toBe(
      vn('2027-01-01T06:30:00').toISOString(),
    );
    expect(next('cron(*/20 * * * ? *)', '2026-04-01T10:41:00')).toBe(vn('2026-04-01T11:00:00').toISOString());
  });

  it('refuses what it cannot read', () => {
    expect(() => parseCron('rate(1 day)')).toThrow();
    expect(() => parseCron('cron(0 8 * * * *)')).toThrow(/exactly one/);
    expect(() => parseCron('cron(0 8 L * ? *)')).toThrow(/not supported/);
    expect(() => parseCron('cron(0 8 ? * 2#1 *)')).toThrow(/not supported/);
    expect(() => parseCron('cron(61 8 * * ? *)')).toThrow();
  });
});
