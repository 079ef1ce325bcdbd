/**
 * Converted products fed by the work systems (Decree 335, Art. 26): the feed (machine clients, and people importing
 * a CSV of the same shape), the products of one evaluation with the task score they give, the employee's comments,
 * the reviewer's excuses, and the audit log.
 *
 * The feed is an idempotent bulk upsert by (source, source id) within each employee's period:
 * 1. every row is checked first (shape, duplicates in the request, who may feed whom); one bad row refuses the
 *    request and nothing is written (400 naming each row; 403 for employees outside the caller's scope, with the
 *    same answer for an unknown employee, so a client learns nothing of other departments);
 * 2. an employee's period whose evaluation is past review refuses the request (409), nothing written;
 * 3. each employee's period is then written on its own (products, revision counter, audit event), only what
 *    changed: a replay of the same feed writes nothing and reports every product unchanged.
 */
import type { MachineClientConfig } from '../config.ts';
import { AppError, forbidden, notFound, validationFailed } from '../domain/errors.ts';
import { productScoreQuarters } from '../domain/nd335.ts';
import { parsePoints, toPoints } from '../domain/points.ts';
import {
  computedTaskScore,
  MAX_PRODUCTS_PER_EVALUATION,
  productsOpen,
  taskCriterionOf,
  toConvertedProduct,
} from '../domain/products.ts';
import type { Problem } from '../domain/types.ts';
import type { Employee, StoredEvaluation, StoredProduct, WorkLogEvent } from '../store/entities.ts';
import { inParallel } from '../store/parallel.ts';
import type { ProductChange, ProductReport } from '../store/product-store.ts';
import type { Store } from '../store/store.ts';
import { Access } from './access.ts';
import type { Caller } from './caller.ts';
import { parseCsv } from './csv.ts';
import { visibleEvaluation } from './evaluations.ts';
import { PRODUCT_CSV_HEADER, type ProductFeedItem, productFeedItem } from './inputs.ts';
import { parseProductId, productFacts } from './task-score.ts';

const MAX_ATTEMPTS = 6;

// ---- Presenting ------------------------------------------------------------------------------------------------

export function presentProduct(p: StoredProduct) {
  const facts = productFacts(p);
  return {
    id: facts.id,
    source: p.source,
    sourceId: p.sourceId,
    title: p.title,
    weight: toPoints(p.weight),
    dueAt: p.dueAt,
    completedAt: p.completedAt,
    completed: facts.completed,
    majorErrors: p.majorErrors,
    delays: p.delays,
    errorsExcused: Math.min(p.errorsExcused, p.majorErrors),
    delaysExcused: Math.min(p.delaysExcused, p.delays),
    excuseNote: p.excuseNote,
    excusedBy: p.excusedBy,
    excusedAt: p.excusedAt,
    comment: p.comment,
    commentedAt: p.commentedAt,
    /** The product's own score out of 100 under the formula (quarters of a point → points). */
    score: productScoreQuarters(toConvertedProduct(facts.id, facts)) / 4,
    updatedAt: p.updatedAt,
  };
}
export type PresentedProduct = ReturnType<typeof presentProduct>;

// ---- The feed --------------------------------------------------------------------------------------------------

/** Who feeds: a machine client with its configuration, or a person (HR in scope, admins). */
export type Feeder =
  | { kind: 'client'; clientId: string; config: MachineClientConfig | undefined }
  | { kind: 'person' };

export interface FeedSummary {
  source: string;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** CSV rows to feed items; row numbers count the header as row 1, as a spreadsheet shows them. */
export function productsFromCsv(csv: string): { items: unknown[]; rows: number[]; problems: Problem[] } {
  const rows = parseCsv(csv);
  const header = rows[0]?.map((h) => h.trim());
  const required = PRODUCT_CSV_HEADER.filter((h) => h !== 'removed');
  if (
    !header ||
    !required.every((h) => header.includes(h)) ||
    header.some((h) => !PRODUCT_CSV_HEADER.includes(h as never))
  ) {
    return {
      items: [],
      rows: [],
      problems: [
        {
          path: 'row 1',
          message: `Dòng tiêu đề phải là: ${PRODUCT_CSV_HEADER.join(',')} (cột removed có thể bỏ).`,
        },
      ],
    };
  }
  const items: unknown[] = [];
  const rowNumbers: number[] = [];
  const problems: Problem[] = [];
  rows.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const get = (name: string) => (cells[header.indexOf(name)] ?? '').trim();
    const number = (name: string, fallback: number | undefined) => {
      const text = get(name).replace(',', '.');
      if (text === '') return fallback;
      const value = Number(text);
      return Number.isFinite(value) ? value : text;
    };
    const removed = get('removed').toLowerCase();
    items.push({
      employeeId: get('employeeId'),
      period: get('period'),
      sourceId: get('sourceId'),
      title: get('title'),
      weight: number('weight', undefined),
      dueAt: get('dueAt') || null,
      completedAt: get('completedAt') || null,
      majorErrors: number('majorErrors', 0),
      delays: number('delays', 0),
      ...(removed ? { removed: ['true', '1', 'x', 'có', 'yes'].includes(removed) } : {}),
    });
    rowNumbers.push(row);
  });
  if (items.length === 0) problems.push({ path: 'row 2', message: 'Tệp không có dòng sản phẩm nào.' });
  return { items, rows: rowNumbers, problems };
}

/** The feed items of a CSV body, each checked with the JSON schema; problems named by row. */
export function parseCsvFeed(csv: string): ProductFeedItem[] {
  const { items, rows, problems } = productsFromCsv(csv);
  const parsed: ProductFeedItem[] = [];
  items.forEach((item, i) => {
    const result = productFeedItem.safeParse(item);
    if (result.success) parsed.push(result.data);
    else
      for (const issue of result.error.issues)
        problems.push({ path: `row ${rows[i]}`, message: `${issue.path.join('.')}: ${issue.message}` });
  });
  if (parsed.length > 1000) problems.push({ path: 'row 1002', message: 'Tối đa 1000 sản phẩm mỗi lần.' });
  if (problems.length > 0) throw validationFailed(problems);
  return parsed;
}

/** A day (`2026-11-30`) is kept as given; an instant is kept in UTC, as every time of an action. */
const normaliseTime = (value: string | null | undefined): string | null =>
  value == null ? null : value.length === 10 ? value : new Date(value).toISOString();

function reportOf(item: ProductFeedItem, path: string, problems: Problem[]): ProductReport {
  const weight = parsePoints(item.weight);
  if (!weight.ok) problems.push({ path: `${path}.weight`, message: `Hệ số quy đổi ${weight.message}.` });
  return {
    title: item.title,
    weight: weight.ok ? weight.value : 0,
    dueAt: normaliseTime(item.dueAt),
    completedAt: normaliseTime(item.completedAt),
    majorErrors: item.majorErrors,
    delays: item.delays,
  };
}

const sameReport = (p: StoredProduct, r: ProductReport) =>
  p.title === r.title &&
  p.weight === r.weight &&
  p.dueAt === r.dueAt &&
  p.completedAt === r.completedAt &&
  p.majorErrors === r.majorErrors &&
  p.delays === r.delays;

interface Group {
  employeeId: string;
  period: string;
  items: { index: number; item: ProductFeedItem; report: ProductReport }[];
}

/** Whether the feeder may feed this employee: the client's units (subtrees), or HR's scope, or an admin. */
async function mayFeed(access: Access, feeder: Feeder, employee: Employee): Promise<boolean> {
  if (feeder.kind === 'person') return access.canManageUnit(employee.unitId);
  const units = feeder.config?.units ?? [];
  return (await access.chain(employee.unitId)).some((u) => units.includes(u.id));
}

/** The changes a group makes to the products stored now; unchanged products are left out. */
function changesOf(group: Group, source: string, stored: readonly StoredProduct[]) {
  const bySourceId = new Map(stored.filter((p) => p.source === source).map((p) => [p.sourceId, p]));
  const changes: ProductChange[] = [];
  let unchanged = 0;
  for (const { item, report } of group.items) {
    const existing = bySourceId.get(item.sourceId);
    if (item.removed === true) {
      if (existing) changes.push({ kind: 'remove', sourceId: item.sourceId });
      else unchanged++;
    } else if (existing && sameReport(existing, report)) unchanged++;
    else changes.push({ kind: 'upsert', sourceId: item.sourceId, report, created: !existing });
  }
  const count =
    stored.length +
    changes.filter((c) => c.kind === 'upsert' && c.created).length -
    changes.filter((c) => c.kind === 'remove').length;
  return { changes, unchanged, count };
}

export async function feedProducts(
  caller: Caller,
  feeder: Feeder,
  source: string,
  items: readonly ProductFeedItem[],
): Promise<FeedSummary> {
  const { store } = caller;
  const access = Access.of(caller);
  if (feeder.kind === 'client') {
    if (!feeder.config) throw forbidden('Ứng dụng này chưa được cấu hình để cung cấp dữ liệu sản phẩm.');
    if (!feeder.config.sources.includes(source)) {
      throw new AppError('FORBIDDEN', `Ứng dụng này không được cung cấp dữ liệu cho nguồn "${source}".`, [
        { path: 'params.source', message: `Các nguồn được phép: ${feeder.config.sources.join(', ')}.` },
      ]);
    }
  }

  // 1. The rows: shape (weights), duplicates, then who may feed whom.
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  const groups = new Map<string, Group>();
  items.forEach((item, index) => {
    const path = `body.items.${index}`;
    const report = reportOf(item, path, problems);
    const key = `${item.employeeId}|${item.period}|${item.sourceId}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        path: `${path}.sourceId`,
        message: `Trùng sản phẩm ở dòng ${first} (cùng nhân sự, kỳ, mã).`,
      });
      return;
    }
    seen.set(key, index);
    const groupKey = `${item.employeeId}|${item.period}`;
    const group = groups.get(groupKey) ?? { employeeId: item.employeeId, period: item.period, items: [] };
    group.items.push({ index, item, report });
    groups.set(groupKey, group);
  });
  if (problems.length > 0) throw validationFailed(problems);

  const employees = await store.org.getEmployees([...new Set(items.map((i) => i.employeeId))]);
  const outside: Problem[] = [];
  for (const [index, item] of items.entries()) {
    const employee = employees.get(item.employeeId);
    if (!employee || !(await mayFeed(access, feeder, employee))) {
      outside.push({
        path: `body.items.${index}.employeeId`,
        message: `Nhân sự "${item.employeeId}" không tồn tại hoặc nằm ngoài phạm vi được cung cấp dữ liệu.`,
      });
    }
  }
  if (outside.length > 0) {
    throw new AppError(
      'FORBIDDEN',
      'Có sản phẩm của nhân sự ngoài phạm vi được phép; không sản phẩm nào được ghi.',
      outside,
    );
  }

  // 2. Evaluations past review refuse the request before anything is written.
  const list = [...groups.values()];
  const evaluations = await inParallel(list, 16, (g) => store.evaluations.get(g.employeeId, g.period));
  const locked: Problem[] = [];
  list.forEach((g, i) => {
    const evaluation = evaluations[i];
    if (evaluation && !productsOpen(evaluation.status)) {
      for (const { index } of g.items) {
        locked.push({
          path: `body.items.${index}`,
          message: `Phiếu đánh giá của ${g.employeeId} kỳ ${g.period} đã qua bước nhận xét: sản phẩm không còn thay đổi được.`,
        });
      }
    }
  });
  if (locked.length > 0) {
    throw new AppError(
      'INVALID_TRANSITION',
      'Có phiếu đánh giá đã qua bước nhận xét; không sản phẩm nào được ghi.',
      locked,
    );
  }

  // 3. Each employee's period: read, compare, write only what changed.
  const summary: FeedSummary = {
    source,
    received: items.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
  };
  const at = caller.now.toISOString();
  const tooMany: Problem[] = [];
  const planned = await inParallel(list, 16, async (g) => {
    const stored = await store.products.ofEvaluation(g.employeeId, g.period);
    const plan = changesOf(g, source, stored.products);
    if (plan.count > MAX_PRODUCTS_PER_EVALUATION) {
      tooMany.push({
        path: `body.items.${g.items[0]?.index ?? 0}.employeeId`,
        message: `Mỗi nhân sự có tối đa ${MAX_PRODUCTS_PER_EVALUATION} sản phẩm trong một kỳ (${g.employeeId}, ${g.period}).`,
      });
    }
    return { group: g, revision: stored.revision, plan };
  });
  if (tooMany.length > 0) throw validationFailed(tooMany);

  await inParallel(planned, 8, async (entry) => {
    let { revision, plan } = entry;
    const g = entry.group;
    for (let attempt = 0; ; attempt++) {
      if (plan.changes.length === 0) break;
      const outcome = await store.products.writeFeed({
        employeeId: g.employeeId,
        period: g.period,
        source,
        expectedRevision: revision,
        changes: plan.changes,
        fedBy: caller.principal.employeeId,
        at,
      });
      if (outcome === 'written') break;
      if (outcome === 'locked') {
        throw new AppError(
          'INVALID_TRANSITION',
          `Phiếu đánh giá của ${g.employeeId} kỳ ${g.period} vừa qua bước nhận xét: sản phẩm của phiếu này không được ghi. Gửi lại cùng yêu cầu là an toàn (sản phẩm đã ghi không bị ghi lại).`,
          g.items.map(({ index }) => ({
            path: `body.items.${index}`,
            message: 'Phiếu đã qua bước nhận xét.',
          })),
        );
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new AppError('CONFLICT', 'Sản phẩm đang được cập nhật đồng thời; vui lòng gửi lại.');
      }
      // Someone changed these products meanwhile (or part of a large group was written): read and decide again.
      const stored = await store.products.ofEvaluation(g.employeeId, g.period);
      revision = stored.revision;
      plan = changesOf(g, source, stored.products);
    }
    summary.unchanged += plan.unchanged;
    for (const c of plan.changes) {
      if (c.kind === 'remove') summary.removed++;
      else if (c.created) summary.created++;
      else summary.updated++;
    }
  });
  return summary;
}

// ---- One evaluation's products ---------------------------------------------------------------------------------

/** How the task criterion is scored for an evaluation. */
export type TaskScoring = 'computed' | 'manual' | 'none';

export async function listProducts(caller: Caller, employeeId: string, period: string) {
  const { evaluation } = await visibleEvaluation(caller, employeeId, period);
  const { store } = caller;
  const [stored, rubric] = await Promise.all([
    store.products.ofEvaluation(employeeId, period),
    store.rubrics.getVersion(evaluation.rubricId, evaluation.rubricVersion),
  ]);
  const criterion = rubric ? taskCriterionOf(rubric) : null;
  const computed = rubric ? computedTaskScore(rubric, stored.products.map(productFacts)) : {};
  const value = criterion ? computed[criterion.id] : undefined;
  const scoring: TaskScoring = criterion === null ? 'none' : value === undefined ? 'manual' : 'computed';
  return {
    employeeId,
    period,
    /** Products, excuses, comments and evidence may still change. */
    open: productsOpen(evaluation.status),
    scoring,
    taskScore:
      criterion && value !== undefined
        ? { criterionId: criterion.id, max: toPoints(criterion.max), value: toPoints(value) }
        : null,
    items: stored.products
      .sort((a, b) =>
        a.createdAt === b.createdAt
          ? a.sourceId.localeCompare(b.sourceId)
          : a.createdAt < b.createdAt
            ? -1
            : 1,
      )
      .map(presentProduct),
  };
}

async function productOf(
  store: Store,
  evaluation: StoredEvaluation,
  productId: string,
): Promise<StoredProduct> {
  const ref = parseProductId(productId);
  const stored = ref ? await store.products.ofEvaluation(evaluation.employeeId, evaluation.period) : null;
  const product = stored?.products.find((p) => p.source === ref?.source && p.sourceId === ref?.sourceId);
  if (!product) throw notFound('Không tìm thấy sản phẩm này trong phiếu đánh giá.');
  return product;
}

const lockedError = () =>
  new AppError(
    'INVALID_TRANSITION',
    'Phiếu đánh giá đã qua bước nhận xét: sản phẩm, ý kiến và minh chứng không còn thay đổi được.',
  );

/** The employee's comment on one of their products (null or empty clears it). */
export async function commentOnProduct(
  caller: Caller,
  employeeId: string,
  period: string,
  productId: string,
  comment: string | null,
) {
  const { evaluation, relations } = await visibleEvaluation(caller, employeeId, period);
  if (!relations.isEmployee)
    throw forbidden('Chỉ người được đánh giá mới được cho ý kiến về sản phẩm của mình.');
  if (!productsOpen(evaluation.status)) throw lockedError();
  const product = await productOf(caller.store, evaluation, productId);
  const at = caller.now.toISOString();
  const text = comment === null || comment === '' ? null : comment;
  const audit: WorkLogEvent = {
    employeeId,
    period,
    at,
    actorId: caller.principal.employeeId,
    action: 'comment',
    changes: { productId, source: product.source, sourceId: product.sourceId, cleared: text === null },
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const outcome = await caller.store.products.setComment({
      employeeId,
      period,
      source: product.source,
      sourceId: product.sourceId,
      comment: text,
      at,
      audit,
    });
    if (outcome === 'written') return presentProduct({ ...product, comment: text, commentedAt: at });
    if (outcome === 'locked') throw lockedError();
    if (outcome === 'missing') throw notFound('Không tìm thấy sản phẩm này trong phiếu đánh giá.');
  }
  throw new AppError('CONFLICT', 'Sản phẩm đang được cập nhật đồng thời; vui lòng thử lại.');
}

/**
 * The reviewer's confirmation of how many of a product's major errors and delays had an objective cause: those
 * are not deducted. The reviewer, or the approver (and an acting head), who may review in one step; a reason is
 * required when anything is excused.
 */
export async function excuseProduct(
  caller: Caller,
  employeeId: string,
  period: string,
  productId: string,
  input: { errorsExcused: number; delaysExcused: number; note?: string | undefined },
) {
  const { evaluation, relations } = await visibleEvaluation(caller, employeeId, period);
  const reviewing =
    (relations.isReviewer || relations.isApprover || relations.isActingApprover) && !relations.isEmployee;
  if (!reviewing) {
    throw forbidden(
      'Chỉ người nhận xét (hoặc người phê duyệt) mới xác nhận nguyên nhân khách quan của lỗi, chậm.',
    );
  }
  if (!productsOpen(evaluation.status)) throw lockedError();
  const product = await productOf(caller.store, evaluation, productId);
  const problems: Problem[] = [];
  if (input.errorsExcused > product.majorErrors) {
    problems.push({
      path: 'body.errorsExcused',
      message: `Sản phẩm có ${product.majorErrors} lỗi nghiêm trọng; không thể xác nhận nhiều hơn.`,
    });
  }
  if (input.delaysExcused > product.delays) {
    problems.push({
      path: 'body.delaysExcused',
      message: `Sản phẩm có ${product.delays} lần chậm; không thể xác nhận nhiều hơn.`,
    });
  }
  const note = input.note && input.note.length > 0 ? input.note : null;
  if (input.errorsExcused + input.delaysExcused > 0 && note === null) {
    problems.push({ path: 'body.note', message: 'Cần ghi rõ nguyên nhân khách quan.' });
  }
  if (problems.length > 0) throw validationFailed(problems);
  const at = caller.now.toISOString();
  const by = caller.principal.employeeId;
  const audit: WorkLogEvent = {
    employeeId,
    period,
    at,
    actorId: by,
    action: 'excuse',
    changes: {
      productId,
      source: product.source,
      sourceId: product.sourceId,
      errorsExcused: { from: product.errorsExcused, to: input.errorsExcused },
      delaysExcused: { from: product.delaysExcused, to: input.delaysExcused },
    },
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const outcome = await caller.store.products.setExcuse({
      employeeId,
      period,
      source: product.source,
      sourceId: product.sourceId,
      errorsExcused: input.errorsExcused,
      delaysExcused: input.delaysExcused,
      note,
      by,
      at,
      audit,
    });
    if (outcome === 'written') return listProducts(caller, employeeId, period);
    if (outcome === 'locked') throw lockedError();
    if (outcome === 'missing') throw notFound('Không tìm thấy sản phẩm này trong phiếu đánh giá.');
  }
  throw new AppError('CONFLICT', 'Sản phẩm đang được cập nhật đồng thời; vui lòng thử lại.');
}

/** The audit log of the evaluation's products and evidence, for every party of the evaluation. */
export async function productLog(caller: Caller, employeeId: string, period: string) {
  await visibleEvaluation(caller, employeeId, period);
  const events = await caller.store.products.log(employeeId, period);
  return {
    items: events.map((e) => ({ at: e.at, actorId: e.actorId, action: e.action, changes: e.changes })),
  };
}
