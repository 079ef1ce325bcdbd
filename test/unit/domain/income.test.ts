/**
 * What the results pay: the configured table per grade (amounts or coefficients of a base), the caps ("B at most 80%
 * of A"), months and quarters, a year's sum and its bonus on the year's grade — against figures worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  type IncomeTable,
  incomeTableSchema,
  itemAmount,
  periodIncome,
  yearIncome,
} from '../../../shared/domain/income.ts';

/** Ho Chi Minh City's shape: only B or better, B at most 80% of A; here B's own coefficient (0.9) is above the cap. */
const HCMC: IncomeTable = incomeTableSchema.parse({
  items: [
    {
      id: 'extraIncome',
      label: 'Thu nhập tăng thêm',
      per: 'month',
      base: 2_340_000,
      byGrade: { A: 1.5, B: 0.9 },
      maxPercentOfA: { B: 80 },
    },
    { id: 'bonus', label: 'Thưởng năm', per: 'year', byGrade: { A: 5_000_000, B: 2_000_000, C: 500_000 } },
    {
      id: 'perPeriod',
      label: 'Hỗ trợ theo kỳ',
      per: 'period',
      byGrade: { A: 300_000, B: 200_000, C: 100_000 },
    },
  ],
});

describe('the income table', () => {
  it('reads coefficients with a base, amounts without, and the caps', () => {
    expect(HCMC.currency).toBe('VND');
    expect(HCMC.items[0]).toEqual({
      id: 'extraIncome',
      label: 'Thu nhập tăng thêm',
      per: 'month',
      base: 2_340_000,
      byGrade: { A: 150, B: 90 },
      maxPercentOfA: { B: 80 },
    });
    expect(HCMC.items[1]?.byGrade).toEqual({ A: 5_000_000, B: 2_000_000, C: 500_000 });
  });

  it('refuses what it cannot pay exactly, naming the place', () => {
    const problems = (table: unknown) => {
      const r = incomeTableSchema.safeParse(table);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(problems({ items: [] })).toEqual(['items']);
    expect(problems({ items: [{ id: 'x', label: 'X', per: 'month', byGrade: { A: 1.5 } }] })).toEqual([
      'items.0.byGrade.A',
    ]);
    expect(
      problems({ items: [{ id: 'x', label: 'X', per: 'month', base: 100, byGrade: { A: 1.555 } }] }),
    ).toEqual(['items.0.byGrade.A']);
    expect(problems({ items: [{ id: 'x', label: 'X', per: 'week', byGrade: {} }] })).toEqual(['items.0.per']);
    expect(problems({ items: [{ id: 'x', label: 'X', per: 'year', byGrade: { E: 1 } }] })).toEqual([
      'items.0.byGrade',
    ]);
    expect(
      problems({
        items: [
          { id: 'x', label: 'X', per: 'year', byGrade: {} },
          { id: 'x', label: 'Y', per: 'year', byGrade: {} },
        ],
      }),
    ).toEqual(['items.1.id']);
    expect(
      problems({ items: [{ id: 'x', label: 'X', per: 'year', byGrade: {}, maxPercentOfA: { A: 50 } }] }),
    ).toEqual(['items.0.maxPercentOfA']);
  });

  it('pays per grade with the caps, by hand', () => {
    const [extra, bonus] = HCMC.items;
    if (!extra || !bonus) throw new Error('table');
    // A: 1.5 × 2,340,000 = 3,510,000. B: 0.9 × 2,340,000 = 2,106,000, under its cap (80% of A = 2,808,000).
    expect(itemAmount(extra, 'A')).toBe(3_510_000);
    expect(itemAmount(extra, 'B')).toBe(2_106_000);
    expect(itemAmount(extra, 'C')).toBe(0);
    expect(itemAmount(extra, 'D')).toBe(0);
    expect(itemAmount(extra, null)).toBe(0);
    // With B at 1.3 the cap bites: 1.3 × 2,340,000 = 3,042,000 > 80% × 3,510,000 = 2,808,000.
    const capped = incomeTableSchema.parse({
      items: [{ ...rawExtra(), byGrade: { A: 1.5, B: 1.3 } }],
    }).items[0];
    if (!capped) throw new Error('table');
    expect(itemAmount(capped, 'B')).toBe(2_808_000);
    expect(itemAmount(bonus, 'C')).toBe(500_000);
  });

  it('pays a quarter three months of a monthly item, a period item once', () => {
    expect(periodIncome(HCMC, '2026-03', 'A')).toEqual({ extraIncome: 3_510_000, perPeriod: 300_000 });
    expect(periodIncome(HCMC, '2026-Q1', 'A')).toEqual({ extraIncome: 10_530_000, perPeriod: 300_000 });
    expect(periodIncome(HCMC, '2026-Q1', 'C')).toEqual({ extraIncome: 0, perPeriod: 100_000 });
    expect(periodIncome(HCMC, '2026-Q1', null)).toEqual({ extraIncome: 0, perPeriod: 0 });
  });

  it('a year sums its periods and pays the year item on the year’s grade', () => {
    // A mixed year: two months A, one month B, then a quarter B; the year graded B.
    const year = yearIncome(
      HCMC,
      [
        { period: '2026-01', grade: 'A' },
        { period: '2026-02', grade: 'A' },
        { period: '2026-03', grade: 'B' },
        { period: '2026-Q2', grade: 'B' },
      ],
      'B',
    );
    // extra: 2 × 3,510,000 + 2,106,000 + 3 × 2,106,000 = 15,444,000; per period: 300 + 300 + 200 + 200 thousand.
    expect(year).toEqual({ extraIncome: 15_444_000, bonus: 2_000_000, perPeriod: 1_000_000 });
    expect(yearIncome(HCMC, [], null)).toEqual({ extraIncome: 0, bonus: 0, perPeriod: 0 });
  });
});

function rawExtra() {
  return {
    id: 'extraIncome',
    label: 'Thu nhập tăng thêm',
    per: 'month',
    base: 2_340_000,
    byGrade: { A: 1.5, B: 0.9 },
    maxPercentOfA: { B: 80 },
  };
}
