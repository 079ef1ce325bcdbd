import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  average,
  divideFloor,
  divideRoundHalfUp,
  formatPoints,
  parsePoints,
  sum,
  toPoints,
} from '../../../shared/domain/points.ts';

describe('parsePoints', () => {
  it.each([
    [2.5, 250],
    [0.1, 10],
    [19.99, 1999],
    [70.01, 7001],
    [0.29, 29],
    [1.15, 115],
    [4.35, 435],
    [89.99, 8999],
    [0, 0],
    [100, 10000],
    [12, 1200],
  ])('accepts %s exactly as %i hundredths', (value, hundredths) => {
    expect(parsePoints(value)).toEqual({ ok: true, value: hundredths });
  });

  it('reads -0 as 0 (JSON "-0" is zero, not a negative score)', () => {
    expect(parsePoints(-0)).toEqual({ ok: true, value: 0 });
  });

  it.each([1.005, 0.001, 19.999, 1e-7, 0.1 + 0.2])('rejects %s: more than two decimals', (value) => {
    const r = parsePoints(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('hai chữ số thập phân');
  });

  it.each([-1, -0.01])('rejects the negative %s', (value) => {
    const r = parsePoints(value);
    expect(r).toEqual({ ok: false, message: 'không được âm' });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, '5', null, undefined, {}, [], true])(
    'rejects the non-number %s',
    (value) => {
      expect(parsePoints(value)).toEqual({ ok: false, message: 'phải là một số' });
    },
  );

  it('rejects absurdly large values instead of losing precision', () => {
    expect(parsePoints(1e21).ok).toBe(false);
    expect(parsePoints(2_000_000).ok).toBe(false);
  });

  it('round-trips every value of hundredths through its JSON number (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (h) => {
        const json = JSON.parse(JSON.stringify(toPoints(h))) as number;
        expect(parsePoints(json)).toEqual({ ok: true, value: h });
      }),
    );
  });

  it('rejects any value with a third decimal digit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 9 }),
        (h, thousandth) => {
          const value = Number(`${Math.floor(h / 100)}.${String(h % 100).padStart(2, '0')}${thousandth}`);
          expect(parsePoints(value).ok).toBe(false);
        },
      ),
    );
  });
});

describe('toPoints and formatPoints', () => {
  it('gives JSON numbers', () => {
    expect(toPoints(1250)).toBe(12.5);
    expect(toPoints(1999)).toBe(19.99);
    expect(toPoints(7001)).toBe(70.01);
  });

  it('formats in Vietnamese', () => {
    expect(formatPoints(1250)).toBe('12,5');
    expect(formatPoints(9000)).toBe('90');
    expect(formatPoints(8999)).toBe('89,99');
    expect(formatPoints(123450)).toBe('1.234,5');
  });
});

describe('sum and average', () => {
  it('sums exactly where floats do not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sum([10, 20])).toBe(30);
    expect(sum([])).toBe(0);
  });

  it('rounds the average half up', () => {
    expect(average([8999, 9000])).toBe(9000); // 8999.5 → 9000
    expect(average([1, 2, 2])).toBe(2); // 1.67 → 2
    expect(average([1, 1, 2])).toBe(1); // 1.33 → 1
    expect(average([7000])).toBe(7000);
    expect(average([])).toBeNull();
  });

  it('divides with integer rounding', () => {
    expect(divideRoundHalfUp(1, 2)).toBe(1);
    expect(divideRoundHalfUp(5, 4)).toBe(1);
    expect(divideRoundHalfUp(7, 4)).toBe(2);
    expect(divideRoundHalfUp(-1, 2)).toBe(0);
    expect(divideFloor(7, 2)).toBe(3);
    expect(divideFloor(-7, 2)).toBe(-4);
  });

  it('average stays between min and max and matches exact rational rounding (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 50 }),
        (values) => {
          const avg = average(values) ?? Number.NaN;
          expect(avg).toBeGreaterThanOrEqual(Math.min(...values));
          expect(avg).toBeLessThanOrEqual(Math.max(...values));
          // |avg·n − total| ≤ n/2, with the tie going up.
          const total = BigInt(sum(values));
          const n = BigInt(values.length);
          const diff = 2n * (BigInt(avg) * n - total);
          expect(diff <= n && diff > -n).toBe(true);
        },
      ),
    );
  });
});
