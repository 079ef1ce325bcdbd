/**
 * The year's result over whatever periods it had: months, quarters, or a mix after a change of cycle. Property
 * tests against an independent computation (each quarter spread over its three months), the "fewer than half of
 * the year's periods" rule with its reason, and bands of the rubric at their edges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPeriod, formatQuarter, monthsOf } from '../../../shared/domain/calendar.ts';
import { type CycleChange, type CycleSchedule, periodsOfYear } from '../../../shared/domain/cycles.ts';
import { type Band, STANDARD_BANDS } from '../../../shared/domain/grades.ts';
import { annualResult, yearResult } from '../../../shared/domain/rankings.ts';

const HCMC_BANDS: Band[] = [
  { grade: 'A', min: 9000, label: 'Hoàn thành xuất sắc nhiệm vụ' },
  { grade: 'B', min: 7500, label: 'Hoàn thành tốt nhiệm vụ' },
  { grade: 'C', min: 5000, label: 'Hoàn thành nhiệm vụ' },
  { grade: 'D', min: 0, label: 'Không hoàn thành nhiệm vụ' },
];

const MONTHLY_YEAR = Array.from({ length: 12 }, (_, i) => formatPeriod(2026, i + 1));
const QUARTERLY_YEAR = [1, 2, 3, 4].map((q) => formatQuarter(2026, q));
/** Monthly until June, quarterly from July. */
const MIXED: CycleSchedule = {
  default: [
    { from: null, cycle: 'monthly' },
    { from: '2026-07', cycle: 'quarterly' },
  ],
  byCategory: {},
};
const MIXED_YEAR = periodsOfYear(MIXED, 'civil_servant', 2026);

describe('yearResult, by hand', () => {
  it('a quarterly year: the mean of its quarters; fewer than two quarters is not classified, with the reason', () => {
    const r = yearResult(
      [
        { period: '2026-Q1', total: 9200 },
        { period: '2026-Q2', total: 8800 },
        { period: '2026-Q3', total: 7999 },
      ],
      STANDARD_BANDS,
      {},
      QUARTERLY_YEAR,
    );
    // (92 + 88 + 79.99) / 3 = 86.6633… → 86.66
    expect(r).toEqual({
      average: 8666,
      periodsCounted: 3,
      periodsInYear: 4,
      monthsCounted: 9,
      grade: 'B',
      classified: true,
      reason: null,
    });
    const one = yearResult([{ period: '2026-Q4', total: 9500 }], STANDARD_BANDS, {}, QUARTERLY_YEAR);
    expect(one).toMatchObject({ classified: false, grade: null, average: 9500 });
    expect(one.reason).toBe(
      'Không xếp loại: được đánh giá 1/4 kỳ trong năm, dưới một nửa (cần ít nhất 2 kỳ).',
    );
    expect(
      yearResult(
        [
          { period: '2026-Q1', total: 9500 },
          { period: '2026-Q3', total: 9500 },
        ],
        STANDARD_BANDS,
        {},
        QUARTERLY_YEAR,
      ).classified,
    ).toBe(true);
  });

  it('a mixed year: six months and two quarters, a quarter weighing three months', () => {
    expect(MIXED_YEAR).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-Q3',
      '2026-Q4',
    ]);
    const finals = [
      ...['01', '02', '03', '04', '05', '06'].map((m) => ({ period: `2026-${m}`, total: 8000 })),
      { period: '2026-Q3', total: 9500 },
      { period: '2026-Q4', total: 9500 },
    ];
    // (6 × 80 + 3 × 95 + 3 × 95) / 12 = 87.5 — each half of the year weighs the same.
    const r = yearResult(finals, STANDARD_BANDS, {}, MIXED_YEAR);
    expect(r).toMatchObject({
      average: 8750,
      periodsCounted: 8,
      periodsInYear: 8,
      monthsCounted: 12,
      grade: 'B',
    });
    // Three of eight periods is under half.
    const few = yearResult(finals.slice(5), STANDARD_BANDS, {}, MIXED_YEAR);
    expect(few).toMatchObject({ periodsCounted: 3, classified: false });
    expect(few.reason).toContain('3/8');
    // Four of eight is half: classified. (95 × 3 + 95 × 3 + 80 × 2) / 8 = 91.25
    expect(yearResult(finals.slice(4), STANDARD_BANDS, {}, MIXED_YEAR)).toMatchObject({
      periodsCounted: 4,
      average: 9125,
      grade: 'A',
      classified: true,
    });
  });

  it('a monthly year is Decree 90’s rule: six months classified, five not (as annualResult)', () => {
    const months = (n: number) => MONTHLY_YEAR.slice(0, n).map((period) => ({ period, total: 9000 }));
    expect(yearResult(months(6), STANDARD_BANDS, {}, MONTHLY_YEAR).classified).toBe(true);
    expect(yearResult(months(5), STANDARD_BANDS, {}, MONTHLY_YEAR)).toMatchObject({
      classified: false,
      reason: 'Không xếp loại: được đánh giá 5/12 kỳ trong năm, dưới một nửa (cần ít nhất 6 kỳ).',
    });
    expect(yearResult([], STANDARD_BANDS, {}, MONTHLY_YEAR).reason).toBe(
      'Không xếp loại: không có kỳ nào được đánh giá trong năm.',
    );
  });

  it('grades the year with the bands it is given, at their edges (Ho Chi Minh City 90 / 75 / 50)', () => {
    const grade = (total: number) =>
      yearResult(
        [
          { period: '2026-Q1', total },
          { period: '2026-Q2', total },
        ],
        HCMC_BANDS,
        {},
        QUARTERLY_YEAR,
      ).grade;
    expect(grade(7499)).toBe('C');
    expect(grade(7500)).toBe('B');
    expect(grade(8999)).toBe('B');
    expect(grade(9000)).toBe('A');
    expect(grade(4999)).toBe('D');
    // The same totals under Hanoi's bands.
    expect(
      yearResult(
        [
          { period: '2026-Q1', total: 7499 },
          { period: '2026-Q2', total: 7499 },
        ],
        STANDARD_BANDS,
        {},
        QUARTERLY_YEAR,
      ).grade,
    ).toBe('B');
    // Forced D wins over any average.
    expect(
      yearResult(
        [
          { period: '2026-Q1', total: 9900 },
          { period: '2026-Q2', total: 9900 },
        ],
        HCMC_BANDS,
        { disciplined: true },
        QUARTERLY_YEAR,
      ).grade,
    ).toBe('D');
  });
});

describe('yearResult, properties over mixed years', () => {
  // A schedule switching between monthly and quarterly at random quarter starts of 2026.
  const schedule = fc
    .record({
      first: fc.constantFrom('monthly' as const, 'quarterly' as const),
      switches: fc.subarray([4, 7, 10]),
    })
    .map(({ first, switches }): CycleSchedule => {
      let cycle = first;
      const changes: CycleChange[] = [{ from: null, cycle }];
      for (const month of switches) {
        cycle = cycle === 'monthly' ? 'quarterly' : 'monthly';
        changes.push({ from: formatPeriod(2026, month), cycle });
      }
      return { default: changes, byCategory: {} };
    });
  const year = schedule.chain((s) => {
    const periods = periodsOfYear(s, 'worker', 2026);
    return fc.tuple(
      fc.constant(periods),
      fc.subarray(periods).chain((chosen) =>
        fc.tuple(
          fc.constant(chosen),
          fc.array(fc.integer({ min: 0, max: 10_000 }), {
            minLength: chosen.length,
            maxLength: chosen.length,
          }),
        ),
      ),
    );
  });

  it('averages each month of the year the same: a quarter’s score spread over its three months', () => {
    fc.assert(
      fc.property(year, ([periods, [chosen, totals]]) => {
        const finals = chosen.map((period, i) => ({ period, total: totals[i] ?? 0 }));
        const r = yearResult(finals, STANDARD_BANDS, {}, periods);
        // Independently: one value per month covered, then the mean half up (exact: 2 × sum vs count).
        const perMonth = finals.flatMap((f) => monthsOf(f.period).map(() => f.total));
        expect(r.monthsCounted).toBe(perMonth.length);
        expect(r.periodsCounted).toBe(finals.length);
        expect(r.periodsInYear).toBe(periods.length);
        if (perMonth.length === 0) {
          expect(r.average).toBeNull();
        } else {
          const sum = perMonth.reduce((a, b) => a + b, 0);
          const avg = r.average ?? -1;
          // avg is the integer nearest sum / n, ties up: |2·n·avg − 2·sum| ≤ n, with a tie going up.
          const n = perMonth.length;
          expect(2 * n * avg - 2 * sum).toBeLessThanOrEqual(n);
          expect(2 * n * avg - 2 * sum).toBeGreaterThan(-n);
          expect(avg).toBeGreaterThanOrEqual(Math.min(...perMonth));
          expect(avg).toBeLessThanOrEqual(Math.max(...perMonth));
        }
        // Classified exactly when at least half of the year's periods were evaluated.
        expect(r.classified).toBe(finals.length > 0 && finals.length * 2 >= periods.length);
        expect(r.reason === null).toBe(r.classified);
        expect(r.grade === null).toBe(!r.classified);
      }),
      { numRuns: 400 },
    );
  });

  it('in a year of one cycle, the weighted average is the plain mean of its periods', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(MONTHLY_YEAR, QUARTERLY_YEAR),
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 12 }),
        (periods, totals) => {
          const finals = totals
            .slice(0, periods.length)
            .map((total, i) => ({ period: periods[i] ?? '', total }));
          const r = yearResult(finals, STANDARD_BANDS, {}, periods);
          const n = finals.length;
          const sum = finals.reduce((a, f) => a + f.total, 0);
          expect(r.average).toBe(Math.floor((2 * sum + n) / (2 * n)));
          if (periods === MONTHLY_YEAR) {
            const legacy = annualResult(finals, STANDARD_BANDS);
            expect(legacy).toEqual({
              average: r.average,
              monthsCounted: r.periodsCounted,
              grade: r.grade,
              classified: r.classified,
            });
          }
        },
      ),
    );
  });
});
