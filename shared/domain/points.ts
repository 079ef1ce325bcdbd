/**
 * Exact points. A point value is held as an integer number of hundredths (`Hundredths`): 12.5 points is 1250.
 * Totals, averages and thresholds are integer arithmetic only, so 0.1 + 0.2 never becomes 0.30000000000000004
 * and a total of 89.99 can never be rounded into grade A.
 */
import type { Hundredths } from './types.ts';

export type PointsResult = { ok: true; value: Hundredths } | { ok: false; message: string };

/**
 * The largest accepted value in points. Far above any rubric (100 points) but small enough that its hundredths,
 * and sums of many of them, stay exact JavaScript integers.
 */
export const MAX_POINTS = 1_000_000;

// Shortest round-trip decimal form of a finite non-negative number, as `String(x)` prints it.
const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses points sent by a client: a finite JS number, not negative, with at most two decimals.
 *
 * Why via the string form: `String(x)` is the shortest decimal that reads back as the same double, so it is
 * exactly what the user typed in JSON (19.99 → "19.99", 1.005 → "1.005"), whereas `x * 100 % 1` is wrong for
 * values such as 19.99 (1998.9999999999998) or 70.01. Numbers that print in exponent form are either tiny
 * (below 1e-6, so more than two decimals) or at least 1e21 (above MAX_POINTS), and are rejected.
 */
export function parsePoints(value: unknown): PointsResult {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { ok: false, message: 'phải là một số' };
  }
  if (value < 0) {
    return { ok: false, message: 'không được âm' };
  }
  if (value > MAX_POINTS) {
    return { ok: false, message: `không được vượt quá ${formatPoints(MAX_POINTS * 100)} điểm` };
  }
  const match = PLAIN_DECIMAL.exec(String(value));
  if (match === null) {
    // Exponent form of a non-negative number at most MAX_POINTS: smaller than 1e-6, so not a multiple of 0.01.
    return { ok: false, message: 'chỉ được có tối đa hai chữ số thập phân' };
  }
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > 2) {
    return { ok: false, message: 'chỉ được có tối đa hai chữ số thập phân' };
  }
  return { ok: true, value: Number(whole) * 100 + Number(fraction.padEnd(2, '0')) };
}

/** Points as a JSON number: 1250 → 12.5. Exact, since a division of integers is correctly rounded. */
export function toPoints(h: Hundredths): number {
  return h / 100;
}

const VI_POINTS = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2, minimumFractionDigits: 0 });

/** Points for a Vietnamese reader: 1250 → "12,5", 123450 → "1.234,5". */
export function formatPoints(h: Hundredths): string {
  return VI_POINTS.format(toPoints(h));
}

/** Exact sum of hundredths. */
export function sum(values: readonly Hundredths[]): Hundredths {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/**
 * Integer division rounded half up (towards +∞ on a tie): 1/2 → 1, 5/4 → 1, 7/4 → 2, −1/2 → 0.
 * `denominator` must be a positive integer; both stay within safe integers.
 */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  // floor((2n + d) / 2d), computed with an integer remainder so no float rounding can creep in.
  const num = 2 * numerator + denominator;
  const den = 2 * denominator;
  const remainder = ((num % den) + den) % den;
  return (num - remainder) / den;
}

/** Integer division rounded down: floor(n / d) for a positive integer d. */
export function divideFloor(numerator: number, denominator: number): number {
  const remainder = ((numerator % denominator) + denominator) % denominator;
  return (numerator - remainder) / denominator;
}

/**
 * Mean of hundredths, rounded half up to the hundredth (89.995 → 90.00), which is how a person rounds a
 * score by hand. Null for an empty list: there is no mean of nothing.
 */
export function average(values: readonly Hundredths[]): Hundredths | null {
  if (values.length === 0) return null;
  return divideRoundHalfUp(sum(values), values.length);
}
