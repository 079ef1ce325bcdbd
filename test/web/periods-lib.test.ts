/**
 * The web app's periods: quarters beside months in titles, pickers and their order, as the deployment's cycles say.
 * No DOM.
 */
import { describe, expect, it } from 'vitest';
import { comparePeriods, previousPeriod, recentPeriodsFor } from '../../web/src/lib/dates.ts';
import { formatMoney, formatPeriod } from '../../web/src/lib/format.ts';

describe('periods in the web app', () => {
  it('names quarters as people write them', () => {
    expect(formatPeriod('2026-Q1')).toBe('Quý I/2026');
    expect(formatPeriod('2026-Q4')).toBe('Quý IV/2026');
    expect(formatPeriod('2026-11')).toBe('Tháng 11/2026');
  });

  it('orders months and quarters by time', () => {
    expect(['2026-Q2', '2026-12', '2026-Q1', '2026-03', '2025-Q4'].sort(comparePeriods)).toEqual([
      '2025-Q4',
      '2026-Q1',
      '2026-03',
      '2026-Q2',
      '2026-12',
    ]);
    expect(previousPeriod('2026-Q1')).toBe('2025-Q4');
    expect(previousPeriod('2026-Q3')).toBe('2026-Q2');
    expect(previousPeriod('2026-01')).toBe('2025-12');
  });

  it('offers months, quarters or both, newest first', () => {
    expect(recentPeriodsFor(['monthly'], '2026-05', 2, 0)).toEqual(['2026-05', '2026-04', '2026-03']);
    expect(recentPeriodsFor(['quarterly'], '2026-05', 5, 0)).toEqual(['2026-Q2', '2026-Q1', '2025-Q4']);
    expect(recentPeriodsFor(['monthly', 'quarterly'], '2026-04', 1, 0)).toEqual([
      '2026-Q2',
      '2026-04',
      '2026-03',
      '2026-Q1',
    ]);
  });

  it('writes money the Vietnamese way', () => {
    expect(formatMoney(7_020_000)).toBe('7.020.000');
  });
});
