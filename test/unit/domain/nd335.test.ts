import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConvertedProduct,
  computeTaskScore,
  convertedProductsFormula,
  productScoreQuarters,
  TASK_SCORE_MAX,
} from '../../../shared/domain/nd335.ts';

const product = (overrides: Partial<Record<keyof ConvertedProduct, unknown>> = {}) => ({
  id: 'p1',
  weight: 1,
  completed: true,
  majorErrors: 0,
  errorsExcused: 0,
  delays: 0,
  delaysExcused: 0,
  ...overrides,
});

const score = (...products: ReturnType<typeof product>[]) => {
  const r = computeTaskScore({ products });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
};

describe('nd-335 task results from converted products', () => {
  it('a product delivered without error or delay earns the full 70 points', () => {
    expect(score(product())).toBe(7000);
  });

  it('each unexcused major error costs 25% of the quality part (30% of the product)', () => {
    // 40 + 30 × 0.75 + 30 = 92.5% of 70 = 64.75
    expect(score(product({ majorErrors: 1 }))).toBe(6475);
    // 40 + 30 × 0.5 + 30 = 85% → 59.5
    expect(score(product({ majorErrors: 2 }))).toBe(5950);
  });

  it('each unexcused delay costs 25% of the timeliness part', () => {
    expect(score(product({ delays: 1 }))).toBe(6475);
    // quality 0.75 and timeliness 0.5: 40 + 22.5 + 15 = 77.5% → 54.25
    expect(score(product({ majorErrors: 1, delays: 2 }))).toBe(5425);
  });

  it('errors and delays with a confirmed objective cause cost nothing', () => {
    expect(score(product({ majorErrors: 2, errorsExcused: 2, delays: 1, delaysExcused: 1 }))).toBe(7000);
    expect(score(product({ majorErrors: 2, errorsExcused: 1 }))).toBe(6475);
  });

  it('deductions stop at zero for the component: four or more errors leave quantity and timeliness', () => {
    // 40 + 0 + 30 = 70% → 49
    expect(score(product({ majorErrors: 4 }))).toBe(4900);
    expect(score(product({ majorErrors: 9 }))).toBe(4900);
    // 40 + 0 + 0 = 40% → 28
    expect(score(product({ majorErrors: 5, delays: 7 }))).toBe(2800);
  });

  it('a product not delivered earns nothing', () => {
    expect(score(product({ completed: false }))).toBe(0);
  });

  it('averages products by weight', () => {
    // weights 3 and 1: (3 × 100% + 1 × 0%) / 4 = 75% → 52.5
    expect(score(product({ id: 'a', weight: 3 }), product({ id: 'b', weight: 1, completed: false }))).toBe(
      5250,
    );
    // weights 1.5 and 0.5, one error on the heavy one: (1.5 × 92.5 + 0.5 × 100) / 2 = 94.375% → 66.0625 → 66.06
    expect(score(product({ id: 'a', weight: 1.5, majorErrors: 1 }), product({ id: 'b', weight: 0.5 }))).toBe(
      6606,
    );
  });

  it('rounds half up to the hundredth', () => {
    // weights 1 and 1, one error on one: (92.5 + 100) / 2 = 96.25% of 70 = 67.375 → 67.38
    expect(score(product({ id: 'a', majorErrors: 1 }), product({ id: 'b' }))).toBe(6738);
  });

  it('reports the per-product score in quarters', () => {
    const r = computeTaskScore({ products: [product({ majorErrors: 1 })] });
    expect(r.ok && r.products).toEqual([{ id: 'p1', scoreQuarters: 370 }]);
  });

  it('refuses malformed products with one problem per field', () => {
    const r = computeTaskScore({
      products: [
        product({ weight: 0, completed: 'yes', majorErrors: 1, errorsExcused: 2, delays: -1 }),
        product({ id: 'p1', weight: 1.005 }),
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toEqual([
      'products.0.weight',
      'products.0.completed',
      'products.0.delays',
      'products.0.errorsExcused',
      'products.1.id',
      'products.1.weight',
    ]);
  });

  it('needs at least one product', () => {
    expect(computeTaskScore({ products: [] }).ok).toBe(false);
    expect(computeTaskScore(null).ok).toBe(false);
    expect(computeTaskScore({}).ok).toBe(false);
  });

  it('the formula is replaceable', () => {
    const allOrNothing = (ps: readonly ConvertedProduct[]) =>
      ps.every((p) => p.completed) ? TASK_SCORE_MAX : 0;
    const r = computeTaskScore({ products: [product({ majorErrors: 3 })] }, allOrNothing);
    expect(r.ok && r.value).toBe(7000);
  });

  it('stays within 0–70 and never rises with an extra error or delay (property)', () => {
    const arb = fc.record({
      id: fc.constant('p'),
      weight: fc.integer({ min: 1, max: 100_000 }),
      completed: fc.boolean(),
      majorErrors: fc.integer({ min: 0, max: 10 }),
      errorsExcused: fc.constant(0),
      delays: fc.integer({ min: 0, max: 10 }),
      delaysExcused: fc.constant(0),
    });
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 20 }), fc.nat(19), (products, i) => {
        const base = convertedProductsFormula(products);
        expect(base).toBeGreaterThanOrEqual(0);
        expect(base).toBeLessThanOrEqual(TASK_SCORE_MAX);
        expect(Number.isInteger(base)).toBe(true);
        const k = i % products.length;
        const worse = products.map((p, j) => (j === k ? { ...p, majorErrors: p.majorErrors + 1 } : p));
        expect(convertedProductsFormula(worse)).toBeLessThanOrEqual(base);
        for (const p of products) expect(productScoreQuarters(p)).toBeLessThanOrEqual(400);
      }),
    );
  });
});
