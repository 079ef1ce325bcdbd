/**
 * The reminder window (DOMAIN.md, "Reminders"): by default only the deadline's day; a deployment may start it
 * earlier. Days are Vietnam days: a deadline at 23:59 on 03/04 is 16:59 UTC the same day.
 */
import { describe, expect, it } from 'vitest';
import { inWindow } from '../../../shared/app/jobs/remind.ts';

const deadline = '2026-04-03T16:59:59.999Z'; // 03/04/2026 23:59:59 in Vietnam

describe('reminder window', () => {
  it('by default (0 days ahead) holds the deadline day only', () => {
    expect(
      ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04'].map((d) => inWindow(deadline, d, 0)),
    ).toEqual([false, false, true, false]);
  });

  it('with days ahead, starts that many days before the deadline day and ends on it', () => {
    expect(
      ['2026-03-31', '2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04'].map((d) =>
        inWindow(deadline, d, 2),
      ),
    ).toEqual([false, true, true, true, false]);
  });

  it('counts the deadline in Vietnam time, not UTC', () => {
    // 00:30 on 04/04 in Vietnam is still 03/04 in UTC: its day is the 4th.
    expect(inWindow('2026-04-03T17:30:00.000Z', '2026-04-04', 0)).toBe(true);
    expect(inWindow('2026-04-03T17:30:00.000Z', '2026-04-03', 0)).toBe(false);
  });
});
