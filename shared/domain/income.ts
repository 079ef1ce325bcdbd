/**
 * What the results pay (DOMAIN.md "What the results pay"): extra income (thu nhập tăng thêm) and bonuses per
 * grade, from a table the deployment configures, e.g. Ho Chi Minh City's rule that only B or better receives extra
 * income and B at most 80% of A's amount. A calculation HR checks, not a payment: integer đồng, no floats.
 */
import * as z from 'zod';
import { periodSpan } from './calendar.ts';
import { divideFloor, divideRoundHalfUp, parsePoints } from './points.ts';
import { GRADES, type Grade } from './types.ts';

/**
 * How an item is paid:
 * - `month`: an amount per month the evaluated period covers (a quarter pays three months);
 * - `period`: an amount per evaluated period, whatever its length;
 * - `year`: an amount for the year, on the year's grade (the annual result).
 */
export const INCOME_BASES = ['month', 'period', 'year'] as const;
export type IncomeBasis = (typeof INCOME_BASES)[number];

export interface IncomeItem {
  id: string;
  label: string;
  per: IncomeBasis;
  /** With a base, `byGrade` holds coefficients of it (hundredths: 0.8 is 80); without, amounts in đồng. */
  base: number | null;
  /** Per grade: an amount (đồng) or a coefficient in hundredths; a grade absent receives nothing. */
  byGrade: Partial<Record<Grade, number>>;
  /** Per grade: at most this percent of A's amount (e.g. B ≤ 80% of A). */
  maxPercentOfA: Partial<Record<Exclude<Grade, 'A'>, number>>;
}

export interface IncomeTable {
  currency: string;
  items: IncomeItem[];
}

const itemId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'Mã khoản chi bắt đầu bằng chữ cái, chỉ gồm chữ, số, "_" và "-".');
const dong = z.number().int('Số tiền là số nguyên đồng.').min(0).max(1_000_000_000_000);
const coefficient = z.number().transform((value, ctx) => {
  const parsed = parsePoints(value);
  if (!parsed.ok || parsed.value > 100_00) {
    ctx.addIssue({ code: 'custom', message: 'Hệ số từ 0 đến 100, tối đa hai chữ số thập phân.' });
    return z.NEVER;
  }
  return parsed.value;
});
const percent = z.number().int('Tỷ lệ là số nguyên phần trăm.').min(0).max(100);
const byGradeOf = <T extends z.ZodType>(value: T) =>
  z.strictObject({ A: value.optional(), B: value.optional(), C: value.optional(), D: value.optional() });

const itemSchema = z
  .strictObject({
    id: itemId,
    label: z.string().trim().min(1).max(200),
    per: z.enum(INCOME_BASES),
    base: dong.positive().optional(),
    byGrade: z.record(z.string(), z.unknown()),
    maxPercentOfA: z
      .strictObject({ B: percent.optional(), C: percent.optional(), D: percent.optional() })
      .optional(),
  })
  .transform((item, ctx): IncomeItem => {
    // Coefficients with a base, whole đồng without one: the same field read two ways.
    const parsed = (item.base === undefined ? byGradeOf(dong) : byGradeOf(coefficient)).safeParse(
      item.byGrade,
    );
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', path: ['byGrade', ...issue.path], message: issue.message });
      return z.NEVER;
    }
    const byGrade: Partial<Record<Grade, number>> = {};
    for (const g of GRADES) {
      const v = parsed.data[g];
      if (v !== undefined) byGrade[g] = v;
    }
    const caps: IncomeItem['maxPercentOfA'] = {};
    for (const g of ['B', 'C', 'D'] as const) {
      const v = item.maxPercentOfA?.[g];
      if (v !== undefined) caps[g] = v;
    }
    return {
      id: item.id,
      label: item.label,
      per: item.per,
      base: item.base ?? null,
      byGrade,
      maxPercentOfA: caps,
    };
  });

/**
 * The table as a deployment writes it (JSON in `INCOME_TABLE`), e.g. Ho Chi Minh City's extra income:
 * `{"items": [{"id": "extraIncome", "label": "Thu nhập tăng thêm", "per": "month", "base": 2340000,
 *   "byGrade": {"A": 1, "B": 0.8}, "maxPercentOfA": {"B": 80}}]}` — C and D absent, so they receive nothing.
 */
export const incomeTableSchema = z
  .strictObject({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('VND'),
    items: z.array(itemSchema).min(1).max(20),
  })
  .superRefine((table, ctx) => {
    const seen = new Set<string>();
    table.items.forEach((item, i) => {
      if (seen.has(item.id))
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'id'],
          message: `Mã khoản chi "${item.id}" bị lặp.`,
        });
      seen.add(item.id);
    });
  });

/** What one grade receives of one item, per its basis (a month, a period or the year), caps applied. */
export function itemAmount(item: IncomeItem, grade: Grade | null): number {
  if (grade === null) return 0;
  const raw = (g: Grade) => {
    const v = item.byGrade[g];
    if (v === undefined) return 0;
    return item.base === null ? v : divideRoundHalfUp(item.base * v, 100);
  };
  const amount = raw(grade);
  if (grade === 'A') return amount;
  const cap = item.maxPercentOfA[grade];
  // "B at most 80% of A": rounded down, so a cap never pays a đồng more than the rule allows.
  return cap === undefined ? amount : Math.min(amount, divideFloor(raw('A') * cap, 100));
}

/** One period's amounts per item (`month` and `period` items; `year` items are paid on the year's grade). */
export function periodIncome(
  table: IncomeTable,
  period: string,
  grade: Grade | null,
): Record<string, number> {
  const months = periodSpan(period)?.months ?? 1;
  const out: Record<string, number> = {};
  for (const item of table.items) {
    if (item.per === 'year') continue;
    const amount = itemAmount(item, grade);
    out[item.id] = item.per === 'month' ? amount * months : amount;
  }
  return out;
}

/**
 * A year's amounts per item: each `month` and `period` item summed over the year's periods with the grade each
 * was approved with, and each `year` item on the year's grade (null when the year is not classified).
 */
export function yearIncome(
  table: IncomeTable,
  periods: readonly { period: string; grade: Grade | null }[],
  yearGrade: Grade | null,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of table.items) out[item.id] = item.per === 'year' ? itemAmount(item, yearGrade) : 0;
  for (const p of periods) {
    for (const [id, amount] of Object.entries(periodIncome(table, p.period, p.grade))) {
      out[id] = (out[id] ?? 0) + amount;
    }
  }
  return out;
}

/** The items that count in an export of a period (no `year` items) or of a year (all). */
export const itemsFor = (table: IncomeTable, span: 'period' | 'year') =>
  table.items.filter((i) => span === 'year' || i.per !== 'year');
