/**
 * Request schemas of every route, keyed by route key. Handlers validate with them and the OpenAPI document is
 * generated from them (zod 4 → JSON Schema), so the document cannot drift from the code.
 * Objects are strict: unknown fields are rejected, so typos never pass silently.
 */
import * as z from 'zod';
import { vi } from 'zod/locales';
import { rubricSchema } from '../domain/rubrics.ts';
import { EMPLOYEE_CATEGORIES } from '../domain/types.ts';

// Users read validation messages: zod's Vietnamese locale (imported alone: all locales would add ~255 KB).
z.config(vi());

export const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]{1,64}$/,
    'Mã chỉ gồm chữ cái Latin, chữ số, dấu chấm, gạch dưới, gạch nối (1–64 ký tự).',
  );
export const periodSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Kỳ đánh giá có dạng YYYY-MM, ví dụ 2026-11.');
export const yearSchema = z
  .string()
  .regex(/^(19|20|21)\d{2}$/, 'Năm có dạng YYYY.')
  .transform(Number);
const isoInstant = z.iso.datetime({ offset: true });
const comment = z.string().trim().max(2000, 'Nhận xét tối đa 2000 ký tự.');
const requiredComment = z
  .string()
  .trim()
  .min(1, 'Bắt buộc nhập nhận xét.')
  .max(2000, 'Nhận xét tối đa 2000 ký tự.');
/** Criterion id → points; decimals, ranges and criterion names are checked against the rubric afterwards. */
export const scoresSchema = z.record(z.string().max(64), z.number());
const name = z.string().trim().min(1, 'Bắt buộc nhập tên.').max(200);

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

const employeePeriod = z.strictObject({ employeeId: idSchema, period: periodSchema });
const unitPeriod = z.strictObject({ unitId: idSchema, period: periodSchema });

export interface RouteSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Body media types accepted besides JSON. */
  csvBody?: boolean;
  /** Response may be CSV when asked with `Accept: text/csv`. */
  csvResponse?: boolean;
}

export const contract = {
  'PUT /v1/units/{unitId}': { params: z.strictObject({ unitId: idSchema }), body: unitBody },
  'GET /v1/units': {},
  'PUT /v1/employees/{employeeId}': { params: z.strictObject({ employeeId: idSchema }), body: employeeBody },
  'GET /v1/employees/{employeeId}': { params: z.strictObject({ employeeId: idSchema }) },
  'POST /v1/org/import': { body: importBody, csvBody: true },
  'PUT /v1/units/{unitId}/acting-heads/{employeeId}': {
    params: z.strictObject({ unitId: idSchema, employeeId: idSchema }),
    body: actingHeadBody,
  },
  'GET /v1/units/{unitId}/acting-heads': { params: z.strictObject({ unitId: idSchema }) },

  'POST /v1/periods/{period}/open': {
    params: z.strictObject({ period: periodSchema }),
    body: openPeriodBody,
  },
  'GET /v1/periods/{period}': { params: z.strictObject({ period: periodSchema }) },
  'POST /v1/periods/{period}/close': { params: z.strictObject({ period: periodSchema }), body: emptyBody },
  'POST /v1/periods/{period}/rankings': { params: z.strictObject({ period: periodSchema }), body: emptyBody },

  'GET /v1/evaluations/{employeeId}/{period}': { params: employeePeriod },
  'PUT /v1/evaluations/{employeeId}/{period}/self-assessment': {
    params: employeePeriod,
    body: selfAssessmentBody,
  },
  'POST /v1/evaluations/{employeeId}/{period}/submit': { params: employeePeriod, body: emptyBody },
  'POST /v1/evaluations/{employeeId}/{period}/review': { params: employeePeriod, body: reviewBody },
  'POST /v1/evaluations/{employeeId}/{period}/return': { params: employeePeriod, body: returnBody },
  'POST /v1/evaluations/{employeeId}/{period}/approve': { params: employeePeriod, body: approveBody },
  'POST /v1/evaluations/{employeeId}/{period}/appeal': { params: employeePeriod, body: appealBody },
  'POST /v1/evaluations/{employeeId}/{period}/appeal/decision': {
    params: employeePeriod,
    body: appealDecisionBody,
  },
  'GET /v1/evaluations/{employeeId}/{period}/history': { params: employeePeriod },
  'GET /v1/employees/{employeeId}/evaluations': {
    params: z.strictObject({ employeeId: idSchema }),
    query: z.strictObject({ year: yearSchema }),
  },
  'POST /v1/approvals/bulk': { body: bulkApprovalBody },

  'GET /v1/me': {},
  'GET /v1/reviews': { query: z.strictObject({ period: periodSchema }) },
  'GET /v1/approvals': { query: z.strictObject({ period: periodSchema }) },

  'GET /v1/rubrics': {},
  'GET /v1/rubrics/{rubricId}': { params: z.strictObject({ rubricId: idSchema }) },
  'PUT /v1/rubrics/{rubricId}': { params: z.strictObject({ rubricId: idSchema }), body: rubricBody },

  'GET /v1/units/{unitId}/rankings/{period}': { params: unitPeriod, csvResponse: true },
  'GET /v1/units/{unitId}/subunit-rankings/{period}': { params: unitPeriod },
  'GET /v1/reports/annual/{year}': {
    params: z.strictObject({ year: yearSchema }),
    query: z.strictObject({ unitId: idSchema.optional() }),
    csvResponse: true,
  },

  'GET /v1/exports/units/{unitId}/rankings/{period}': { params: unitPeriod },
  'GET /v1/exports/annual/{year}': {
    params: z.strictObject({ year: yearSchema }),
    query: z.strictObject({ unitId: idSchema.optional() }),
  },

  'GET /v1/openapi.json': {},
} as const satisfies Record<string, RouteSchemas>;

export type RouteKey = keyof typeof contract;
