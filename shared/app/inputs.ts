/**
 * What the use cases accept, as zod schemas: the HTTP adapter validates requests with them and the OpenAPI
 * document is generated from them, so the document cannot drift from the code. Objects are strict: unknown fields
 * are rejected, so typos never pass silently. Text is refused when it holds what no person types and what breaks
 * other tools reading the table (control characters, lone UTF-16 surrogates).
 */
import * as z from 'zod';
import { vi } from 'zod/locales';
import { rubricSchema } from '../domain/rubrics.ts';
import { EMPLOYEE_CATEGORIES } from '../domain/types.ts';

// Users read validation messages: zod's Vietnamese locale (imported alone: all locales would add ~255 KB), and
// plain words where the locale says something odd ("expected a number, got a number" for 1e400).
z.config({
  ...vi(),
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.expected === 'number' && typeof issue.input === 'number')
      return 'Phải là một số hữu hạn (số này quá lớn hoặc không phải số).';
    return undefined;
  },
});

/** C0 controls but tab, line feed and carriage return; DEL; C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: this pattern exists to find control characters
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Any control character, tabs and line breaks included: a name is one line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: this pattern exists to find control characters
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Trimmed text; when `required` (its message), not empty once trimmed. */
const trimmed = (required?: string) => (required ? z.string().trim().min(1, required) : z.string().trim());

/**
 * Text of one line (names): trimmed, no control characters at all. One chain of checks, not a pipe, so the
 * OpenAPI document still shows `maxLength` (a pipe's input side is only the first schema).
 */
export const lineText = (max: number, required?: string) =>
  trimmed(required)
    .max(max, `Tối đa ${max} ký tự.`)
    .refine((s) => !CONTROL_IN_LINE.test(s), 'Không được chứa ký tự điều khiển (kể cả tab, xuống dòng).')
    .refine((s) => !LONE_SURROGATE.test(s), 'Chứa ký tự Unicode không hợp lệ (nửa cặp surrogate).');

/** Free text (comments, reasons): trimmed; tabs and line breaks allowed, other control characters not. */
export const freeText = (max: number, required?: string) =>
  trimmed(required)
    .max(max, `Tối đa ${max} ký tự.`)
    .refine((s) => !CONTROL_IN_TEXT.test(s), 'Không được chứa ký tự điều khiển.')
    .refine((s) => !LONE_SURROGATE.test(s), 'Chứa ký tự Unicode không hợp lệ (nửa cặp surrogate).');

export const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]{1,64}$/,
    'Mã chỉ gồm chữ cái Latin, chữ số, dấu chấm, gạch dưới, gạch nối (1–64 ký tự).',
  );
export const periodSchema = z
  .string()
  .regex(
    /^(20|21)\d{2}-(0[1-9]|1[0-2]|Q[1-4])$/,
    'Kỳ đánh giá có dạng YYYY-MM (tháng, ví dụ 2026-11) hoặc YYYY-Qn (quý, ví dụ 2026-Q1), năm 2000–2199.',
  );
export const yearSchema = z
  .string()
  .regex(/^(19|20|21)\d{2}$/, 'Năm có dạng YYYY.')
  .transform(Number);
const isoInstant = z.iso.datetime({ offset: true });
const comment = freeText(2000);
const requiredComment = freeText(2000, 'Bắt buộc nhập nhận xét.');

/**
 * Criterion id → points; decimals, ranges and criterion names are checked against the rubric afterwards. A key
 * that JavaScript objects cannot hold (`__proto__`) is an unknown criterion like any other, not silently dropped.
 */
export const scoresSchema = z.preprocess(
  (value, ctx) => {
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        path: ['__proto__'],
        message: 'Tiêu chí "__proto__" không có trong bộ tiêu chí.',
      });
    }
    return value;
  },
  z.record(z.string().max(64), z.number()),
);

const name = lineText(200, 'Bắt buộc nhập tên.');

export const unitBody = z.strictObject({
  name,
  parentId: idSchema.nullable(),
  outstanding: z.boolean().optional(),
});
export const employeeFlagsSchema = z.strictObject({
  disciplined: z.boolean().optional(),
  degradation: z.boolean().optional(),
  unitCorruption: z.boolean().optional(),
});
export const employeeBody = z.strictObject({
  name,
  unitId: idSchema,
  category: z.enum(EMPLOYEE_CATEGORIES),
  supervisorId: idSchema.nullable(),
  isUnitHead: z.boolean().optional(),
  email: z.email().optional(),
  active: z.boolean().optional(),
  flags: employeeFlagsSchema.optional(),
  /** The group of similar duties (Decree 335) the A quota is counted in; null or absent: none. */
  dutyGroup: idSchema.nullable().optional(),
  /** Why a flag changes (a decision's number, a conclusion): required when the flags change. */
  flagReason: freeText(2000).optional(),
});
export const importBody = z.strictObject({
  units: z
    .array(unitBody.extend({ id: idSchema }))
    .max(10_000)
    .default([]),
  employees: z
    .array(employeeBody.extend({ id: idSchema }))
    .max(50_000)
    .default([]),
});
export const importQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
export const actingHeadBody = z
  .strictObject({ from: isoInstant, to: isoInstant, reason: comment.optional() })
  .refine((d) => Date.parse(d.from) < Date.parse(d.to), {
    message: 'Thời điểm bắt đầu phải trước thời điểm kết thúc.',
    path: ['to'],
  });

export const deadlinesSchema = z.strictObject({
  selfAssessment: isoInstant,
  review: isoInstant,
  approval: isoInstant,
});
export const openPeriodBody = z.strictObject({ deadlines: deadlinesSchema.optional() });
export const emptyBody = z.strictObject({});

export const selfAssessmentBody = z.strictObject({ scores: scoresSchema, comment: comment.optional() });
export const reviewBody = z.strictObject({ scores: scoresSchema, comment: comment.optional() });
export const returnBody = z.strictObject({ comment: requiredComment });
export const approveBody = z.strictObject({ scores: scoresSchema.optional(), comment: comment.optional() });
export const appealBody = z.strictObject({ reason: requiredComment });
export const appealDecisionBody = z.strictObject({
  accept: z.boolean(),
  scores: scoresSchema.optional(),
  comment: requiredComment,
});
export const bulkApprovalBody = z.strictObject({
  period: periodSchema,
  items: z
    .array(z.strictObject({ employeeId: idSchema, version: z.int().min(1) }))
    .min(1)
    .max(100, 'Tối đa 100 phiếu mỗi lần.'),
});

/** A new rubric version: the rules engine's own schema, so the API and the rules agree on what a rubric is. */
export const rubricBody = rubricSchema;

export type UnitInput = z.output<typeof unitBody>;
export type EmployeeInput = z.output<typeof employeeBody>;
export type ImportInput = z.output<typeof importBody>;

// ---- Products fed by the work systems and evidence ----------------------------------------------------------

/** A source system's name, as it appears in the feed's path: chosen by the body that runs it. */
export const sourceSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]{1,64}$/,
    'Tên nguồn chỉ gồm chữ cái Latin, chữ số, dấu chấm, gạch dưới, gạch nối (1–64).',
  );
/** The source system's own id of a product: any printable ASCII without spaces (e.g. `VB-2026/0123`). */
export const sourceIdSchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,128}$/, 'Mã sản phẩm của nguồn: 1–128 ký tự in được, không có dấu cách.');
/** A day (`2026-11-30`) or an instant with offset: a due date or a completion time as the source keeps it. */
const dayOrInstant = z.union([z.iso.date(), isoInstant], {
  error: 'Ngày có dạng YYYY-MM-DD hoặc thời điểm ISO 8601 có múi giờ.',
});
const count = z.int('Phải là số nguyên.').min(0, 'Không được âm.').max(1000, 'Tối đa 1000.');

export const productFeedItem = z.strictObject({
  employeeId: idSchema,
  period: periodSchema,
  sourceId: sourceIdSchema,
  title: lineText(300, 'Bắt buộc nhập tên sản phẩm.'),
  /** The conversion coefficient, as points-like decimals (1.5), at most two decimals. */
  weight: z.number().positive('Hệ số quy đổi phải lớn hơn 0.').max(1000, 'Hệ số quy đổi tối đa 1000.'),
  dueAt: dayOrInstant.nullable().optional(),
  /** Delivered when set; null or absent: not (yet) delivered. */
  completedAt: dayOrInstant.nullable().optional(),
  majorErrors: count.default(0),
  delays: count.default(0),
  /** The source withdrew the product (deleted, or reassigned to someone else). */
  removed: z.boolean().optional(),
});
export const productFeedBody = z.strictObject({
  items: z
    .array(productFeedItem)
    .min(1, 'Cần ít nhất một sản phẩm.')
    .max(1000, 'Tối đa 1000 sản phẩm mỗi lần.'),
});
export type ProductFeedItem = z.output<typeof productFeedItem>;

/** The CSV header of a product import: the same fields as the JSON items. */
export const PRODUCT_CSV_HEADER = [
  'employeeId',
  'period',
  'sourceId',
  'title',
  'weight',
  'dueAt',
  'completedAt',
  'majorErrors',
  'delays',
  'removed',
] as const;

export const productIdSchema = z.string().regex(/^[A-Za-z0-9_-]{4,400}$/, 'Mã sản phẩm không hợp lệ.');
export const productCommentBody = z.strictObject({ comment: comment.nullable() });
export const productExcuseBody = z.strictObject({
  errorsExcused: count,
  delaysExcused: count,
  note: comment.optional(),
});

export const attachmentIdSchema = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'Mã tệp không hợp lệ.');
export const attachmentBody = z
  .strictObject({
    name: z.string().trim().min(1, 'Bắt buộc có tên tệp.').max(1000),
    contentType: z.string().trim().min(1).max(200),
    size: z.int('Kích thước tệp phải là số byte.'),
    productId: productIdSchema.optional(),
    criterionId: z.string().max(64).optional(),
  })
  .refine((b) => (b.productId === undefined) !== (b.criterionId === undefined), {
    message: 'Tệp minh chứng gắn với đúng một sản phẩm (productId) hoặc một tiêu chí (criterionId).',
    path: ['productId'],
  });
/** A notification's id (opaque: its time, kind, period, version and employee id). */
export const notificationIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,160}$/, 'Mã thông báo không hợp lệ.');
/** The person's e-mail switch. */
export const emailPreferenceBody = z.strictObject({ enabled: z.boolean() });
/** A page of a list: `limit` items (1–200, default 50) after the opaque `cursor` of the page before. */
export const pageQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^(?:[1-9]\d?|1\d\d|200)$/, 'Từ 1 đến 200.')
    .transform(Number)
    .optional(),
  cursor: z
    .string()
    .max(1024, 'Con trỏ trang không hợp lệ.')
    .regex(/^[A-Za-z0-9_-]+$/, 'Con trỏ trang không hợp lệ.')
    .optional(),
});
export const unitEmployeesQuery = pageQuery.extend({
  includeInactive: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

/** `GET /v1/me?include=current`: also the month's evaluation, rubric and history (`period`: which month). */
export const meQuery = z.strictObject({
  include: z.enum(['current'], 'Chỉ có thể là "current".').optional(),
  period: periodSchema.optional(),
});

/** Reopening a period closed by mistake: why (mandatory, kept in the history and the audit), and new deadlines. */
export const reopenPeriodBody = z.strictObject({
  reason: freeText(2000, 'Bắt buộc nêu lý do mở lại kỳ đánh giá.'),
  deadlines: deadlinesSchema.optional(),
});
