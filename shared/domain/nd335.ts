/**
 * nd-335 task results (70 points) from the "converted products" (sản phẩm quy đổi) assigned to a civil servant.
 *
 * Decree 335/2025 judges task results on the quantity, quality and timeliness of the products and says each
 * major error costs 25% of that product's quality score and each delay 25% of its timeliness score, unless an
 * objective cause is confirmed. Its exact formula was not found in public texts, so this project uses the
 * following one, kept in the single replaceable function `convertedProductsFormula`:
 *
 *   For each product p with weight wₚ (its conversion coefficient, > 0, at most two decimals):
 *     quantity   Qₚ = 40 if completed, else 0
 *     quality    Lₚ = 30 × max(0, 1 − 0.25 × (majorErrors − errorsExcused))   if completed, else 0
 *     timeliness Tₚ = 30 × max(0, 1 − 0.25 × (delays − delaysExcused))        if completed, else 0
 *     scoreₚ = Qₚ + Lₚ + Tₚ   (out of 100: a product not delivered earns nothing; four unexcused errors
 *                              or delays use up the whole quality or timeliness part, never going below 0)
 *   task score = 70 × Σ wₚ·scoreₚ / (100 × Σ wₚ), rounded half up to the hundredth.
 *
 * Exactness: scoreₚ is counted in quarters (0–400) and weights in hundredths, and the final division is done
 * on BigInt integers, so no float ever enters.
 *
 * The 40/30/30 split is this project's [default] choice: delivering the product matters most, and quality and
 * timeliness weigh the same, as the decree treats them symmetrically.
 */
import { parsePoints } from './points.ts';
import type { Hundredths, Problem } from './types.ts';

export interface ConvertedProduct {
  id: string;
  /** Conversion coefficient of the product, in hundredths (1.5 → 150). */
  weight: number;
  completed: boolean;
  majorErrors: number;
  /** Major errors with a confirmed objective cause (not deducted); at most `majorErrors`. */
  errorsExcused: number;
  delays: number;
  /** Delays with a confirmed objective cause (not deducted); at most `delays`. */
  delaysExcused: number;
}

/** A formula turning validated products into the 70-point task score. Swap it to follow an official text. */
export type TaskScoreFormula = (products: readonly ConvertedProduct[]) => Hundredths;

export const TASK_SCORE_MAX: Hundredths = 7000;
const QUANTITY_SHARE = 40;
const QUALITY_SHARE = 30;
const TIMELINESS_SHARE = 30;
/** Each unexcused error or delay removes a quarter of the component. */
const QUARTERS = 4;

/** One product's score out of 100, in quarters of a point (0–400). */
export function productScoreQuarters(p: ConvertedProduct): number {
  if (!p.completed) return 0;
  const errors = Math.max(0, p.majorErrors - p.errorsExcused);
  const delays = Math.max(0, p.delays - p.delaysExcused);
  return (
    QUANTITY_SHARE * QUARTERS +
    QUALITY_SHARE * Math.max(0, QUARTERS - errors) +
    TIMELINESS_SHARE * Math.max(0, QUARTERS - delays)
  );
}

/**
 * The formula's weighted share of any maximum, half up: `max × Σ wₚ·scoreₚ / (100 × Σ wₚ)`. A rubric version an
 * admin makes may give task results another maximum than 70 points; the products then earn the same share of it.
 */
export function taskScoreOutOf(products: readonly ConvertedProduct[], max: Hundredths): Hundredths {
  let weighted = 0n;
  let weights = 0n;
  for (const p of products) {
    weighted += BigInt(p.weight) * BigInt(productScoreQuarters(p));
    weights += BigInt(p.weight);
  }
  if (weights === 0n) return 0;
  // max × weighted / (400 × weights), half up: floor((2·num + den) / (2·den)).
  const num = BigInt(max) * weighted;
  const den = BigInt(100 * QUARTERS) * weights;
  return Number((2n * num + den) / (2n * den));
}

/** The formula documented at the top of this file. */
export const convertedProductsFormula: TaskScoreFormula = (products) =>
  taskScoreOutOf(products, TASK_SCORE_MAX);

export type TaskScoreResult =
  | { ok: true; value: Hundredths; products: { id: string; scoreQuarters: number }[] }
  | { ok: false; problems: Problem[] };

/** Limits that keep the input sane; far above a month's real workload. */
export const MAX_PRODUCTS = 500;
const MAX_COUNT = 1000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function countField(raw: Record<string, unknown>, key: string, path: string, problems: Problem[]): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_COUNT) {
    problems.push({ path: `${path}.${key}`, message: `Phải là số nguyên từ 0 đến ${MAX_COUNT}.` });
    return 0;
  }
  return v;
}

/**
 * Validates the products a client sent — `{ products: [{ id, weight, completed, majorErrors, errorsExcused,
 * delays, delaysExcused }] }`, weight in points-like decimals (1.5) — and computes the task score with
 * `formula` (the documented default unless replaced). At least one product is needed: with none assigned there
 * is nothing to judge, and the approver scores the criterion by hand instead.
 */
export function computeTaskScore(
  input: unknown,
  formula: TaskScoreFormula = convertedProductsFormula,
): TaskScoreResult {
  if (!isRecord(input) || !Array.isArray(input.products)) {
    return { ok: false, problems: [{ path: 'products', message: 'Cần danh sách sản phẩm quy đổi.' }] };
  }
  const raw: unknown[] = input.products;
  if (raw.length === 0 || raw.length > MAX_PRODUCTS) {
    return {
      ok: false,
      problems: [{ path: 'products', message: `Cần từ 1 đến ${MAX_PRODUCTS} sản phẩm quy đổi.` }],
    };
  }
  const problems: Problem[] = [];
  const products: ConvertedProduct[] = [];
  const ids = new Set<string>();
  raw.forEach((item, i) => {
    const path = `products.${i}`;
    if (!isRecord(item)) {
      problems.push({ path, message: 'Mỗi sản phẩm phải là một đối tượng.' });
      return;
    }
    const id = typeof item.id === 'string' && item.id.trim() !== '' ? item.id : null;
    if (id === null) problems.push({ path: `${path}.id`, message: 'Thiếu mã sản phẩm.' });
    else if (ids.has(id)) problems.push({ path: `${path}.id`, message: `Mã sản phẩm "${id}" bị lặp.` });
    else ids.add(id);
    const weight = parsePoints(item.weight);
    if (!weight.ok || weight.value === 0 || weight.value > 100_000) {
      problems.push({
        path: `${path}.weight`,
        message: 'Hệ số quy đổi phải là số dương, tối đa hai chữ số thập phân, không quá 1.000.',
      });
    }
    if (typeof item.completed !== 'boolean') {
      problems.push({ path: `${path}.completed`, message: 'Phải là true hoặc false.' });
    }
    const majorErrors = countField(item, 'majorErrors', path, problems);
    const errorsExcused = countField(item, 'errorsExcused', path, problems);
    const delays = countField(item, 'delays', path, problems);
    const delaysExcused = countField(item, 'delaysExcused', path, problems);
    if (errorsExcused > majorErrors) {
      problems.push({
        path: `${path}.errorsExcused`,
        message: 'Số lỗi có nguyên nhân khách quan không được lớn hơn số lỗi nghiêm trọng.',
      });
    }
    if (delaysExcused > delays) {
      problems.push({
        path: `${path}.delaysExcused`,
        message: 'Số lần chậm có nguyên nhân khách quan không được lớn hơn số lần chậm.',
      });
    }
    if (id !== null && weight.ok && typeof item.completed === 'boolean') {
      products.push({
        id,
        weight: weight.value,
        completed: item.completed,
        majorErrors,
        errorsExcused,
        delays,
        delaysExcused,
      });
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: Math.min(TASK_SCORE_MAX, Math.max(0, formula(products))),
    products: products.map((p) => ({ id: p.id, scoreQuarters: productScoreQuarters(p) })),
  };
}
