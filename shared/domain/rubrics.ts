/**
 * Rubrics as versioned data (DOMAIN.md "Scoring"): criteria with Vietnamese labels and maxima, grade bands,
 * the quota rule on A, and the categories they apply to. A change makes a new version; every evaluation keeps
 * the id and version it was scored with, so history is never rewritten.
 */
import * as z from 'zod';
import { type Band, GRADE_LABELS, GRADE_RANK, STANDARD_BANDS } from './grades.ts';
import { formatPoints, parsePoints, sum } from './points.ts';
import {
  EMPLOYEE_CATEGORIES,
  type EmployeeCategory,
  GRADES,
  type Hundredths,
  type Problem,
  type ScoreMap,
} from './types.ts';

export type { Band } from './grades.ts';

export interface Criterion {
  /** Key of the criterion in `scores` maps. Starts with a letter, so never `__proto__`. */
  id: string;
  /** Vietnamese label shown to users and named in error messages. */
  label: string;
  max: Hundredths;
  /** Vietnamese heading the criterion is shown under, e.g. "Tiêu chí chung". */
  group?: string;
}

/**
 * The cap on grade A in a unit for a period.
 * - `shareOfEvaluated` (Hanoi): A ≤ percent% of the evaluations opened for the unit, rounded down;
 *   `outstandingPercent` for a unit recognised as outstanding.
 * - `shareOfB` (Decree 335): A ≤ percent% of the number graded B in the unit, rounded down.
 */
export type QuotaRule =
  | { kind: 'shareOfEvaluated'; percent: number; outstandingPercent: number }
  | { kind: 'shareOfB'; percent: number };

export interface Rubric {
  id: string;
  version: number;
  name: string;
  categories: EmployeeCategory[];
  criteria: Criterion[];
  bands: Band[];
  quota: QuotaRule;
  /**
   * The criterion the leader rule halves for a unit head when a subordinate is graded D (see
   * `leaderTaskScore`). Absent: the rubric has no leader rule.
   */
  leaderTaskCriterion?: string;
}

/** Every rubric is on the 100-point scale the grade bands are defined on (DOMAIN.md "Scoring"). */
export const RUBRIC_TOTAL: Hundredths = 10_000;

const STANDARD_BAND_LIST: Band[] = STANDARD_BANDS.map((b) => ({ ...b }));

export const HN_3814: Rubric = {
  id: 'hn-3814',
  version: 1,
  name: 'Khung tiêu chí đánh giá hằng tháng của Thành phố Hà Nội (Quy định 3814-QĐ/TU, sửa đổi theo 3251-QĐ/TU)',
  categories: [...EMPLOYEE_CATEGORIES],
  criteria: [
    { id: 'discipline', label: 'Ý thức tổ chức kỷ luật, phẩm chất đạo đức', max: 2000 },
    { id: 'duties', label: 'Kết quả thực hiện chức trách, nhiệm vụ được giao', max: 7000 },
    { id: 'bonus', label: 'Điểm thưởng', max: 1000 },
  ],
  bands: STANDARD_BAND_LIST,
  quota: { kind: 'shareOfEvaluated', percent: 30, outstandingPercent: 40 },
};

const GENERAL = 'Tiêu chí chung';
const TASKS = 'Kết quả thực hiện nhiệm vụ';

export const ND_335: Rubric = {
  id: 'nd-335',
  version: 1,
  name: 'Đánh giá, xếp loại chất lượng công chức theo Nghị định 335/2025/NĐ-CP',
  categories: [...EMPLOYEE_CATEGORIES],
  criteria: [
    { id: 'politics', label: 'Phẩm chất chính trị', max: 500, group: GENERAL },
    { id: 'ethics', label: 'Đạo đức, lối sống', max: 500, group: GENERAL },
    { id: 'competence', label: 'Năng lực chuyên môn, nghiệp vụ', max: 250, group: GENERAL },
    { id: 'responsibility', label: 'Tinh thần trách nhiệm', max: 250, group: GENERAL },
    { id: 'serviceAttitude', label: 'Thái độ phục vụ Nhân dân, doanh nghiệp', max: 250, group: GENERAL },
    { id: 'cooperation', label: 'Tinh thần hợp tác, phối hợp', max: 250, group: GENERAL },
    {
      id: 'innovation',
      label: 'Đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm',
      max: 1000,
      group: GENERAL,
    },
    { id: 'tasks', label: 'Kết quả thực hiện nhiệm vụ (sản phẩm quy đổi)', max: 7000, group: TASKS },
  ],
  bands: STANDARD_BAND_LIST.map((b) => ({ ...b })),
  quota: { kind: 'shareOfB', percent: 20 },
  leaderTaskCriterion: 'tasks',
};

/**
 * Shipped rubrics. Both list all four categories: hn-3814 is the default for everyone; a deployment may choose
 * nd-335 for civil servants (see `defaultRubricFor`).
 */
export const BUILT_IN_RUBRICS: readonly Rubric[] = [HN_3814, ND_335];

export const DEFAULT_RUBRIC_ID = 'hn-3814';

/** The rubric id new evaluations of a category get; a deployment overrides per category (e.g. nd-335). */
export function defaultRubricFor(
  category: EmployeeCategory,
  overrides: Partial<Record<EmployeeCategory, string>> = {},
): string {
  return overrides[category] ?? DEFAULT_RUBRIC_ID;
}

/** Looks a rubric up by id and, when given, version. */
export function findRubric(rubrics: readonly Rubric[], id: string, version?: number): Rubric | undefined {
  let found: Rubric | undefined;
  for (const r of rubrics) {
    if (r.id !== id) continue;
    if (version !== undefined) {
      if (r.version === version) return r;
    } else if (found === undefined || r.version > found.version) {
      found = r;
    }
  }
  return found;
}

/** The highest total a rubric allows. */
export function rubricMaxTotal(rubric: Rubric): Hundredths {
  return sum(rubric.criteria.map((c) => c.max));
}

export type ScoresResult =
  | { ok: true; scores: ScoreMap; total: Hundredths }
  | { ok: false; problems: Problem[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const quoted = (label: string) => `“${label}”`;

/**
 * Checks the `scores` object a client sent (criterion id → points) against a rubric. One problem per bad
 * entry, with `path` `scores.<id>` and a Vietnamese message naming the criterion and its limit. With
 * `requireAll`, every criterion must be scored (submit, review, approve); without, a partial draft is fine.
 * The total is the exact sum of the entries given.
 */
export function validateScores(
  rubric: Rubric,
  scores: unknown,
  options: { requireAll: boolean },
): ScoresResult {
  if (!isPlainObject(scores)) {
    return {
      ok: false,
      problems: [{ path: 'scores', message: 'Điểm phải là một đối tượng ánh xạ mã tiêu chí sang số điểm.' }],
    };
  }
  const byId = new Map(rubric.criteria.map((c) => [c.id, c]));
  const problems: Problem[] = [];
  const result: ScoreMap = {};
  for (const key of Object.keys(scores)) {
    const path = `scores.${key}`;
    const criterion = byId.get(key);
    if (criterion === undefined) {
      problems.push({
        path,
        message: `Tiêu chí "${key}" không có trong bộ tiêu chí ${rubric.id} (phiên bản ${rubric.version}).`,
      });
      continue;
    }
    const name = `Điểm tiêu chí ${quoted(criterion.label)}`;
    const limit = `${formatPoints(criterion.max)} điểm`;
    const parsed = parsePoints(scores[key]);
    if (!parsed.ok) {
      problems.push({ path, message: `${name} ${parsed.message} (từ 0 đến ${limit}).` });
      continue;
    }
    if (parsed.value > criterion.max) {
      problems.push({ path, message: `${name} vượt quá mức tối đa ${limit}.` });
      continue;
    }
    result[key] = parsed.value;
  }
  if (options.requireAll) {
    for (const criterion of rubric.criteria) {
      if (!Object.hasOwn(scores, criterion.id)) {
        problems.push({
          path: `scores.${criterion.id}`,
          message: `Chưa chấm điểm tiêu chí ${quoted(criterion.label)} (tối đa ${formatPoints(criterion.max)} điểm).`,
        });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  // Keep the rubric's order, so stored maps read the same way the rubric does.
  const ordered: ScoreMap = {};
  for (const c of rubric.criteria) {
    const v = result[c.id];
    if (v !== undefined) ordered[c.id] = v;
  }
  return { ok: true, scores: ordered, total: sum(Object.values(ordered)) };
}

/** Scores in points, as the API shows them: { duties: 65.5 }. */
export function scoresToPoints(scores: ScoreMap): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(scores)) out[k] = v / 100;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// A new rubric version sent by an admin (PUT /v1/rubrics/{rubricId}). Points in, hundredths out.

const pointsSchema = z.number().transform((value, ctx) => {
  const parsed = parsePoints(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: `Số điểm ${parsed.message}.` });
    return z.NEVER;
  }
  return parsed.value;
});

const criterionIdSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
    'Mã tiêu chí bắt đầu bằng chữ cái, chỉ gồm chữ, số, "_" và "-" (tối đa 64 ký tự).',
  );

const criterionSchema = z.strictObject({
  id: criterionIdSchema,
  label: z.string().trim().min(1, 'Tên tiêu chí không được để trống.').max(300),
  max: pointsSchema,
  group: z.string().trim().min(1).max(200).optional(),
});

const bandSchema = z.strictObject({
  grade: z.enum(GRADES),
  min: pointsSchema,
  label: z.string().trim().min(1).max(200).optional(),
});

const percentSchema = z.number().int('Tỷ lệ phải là số nguyên phần trăm.').min(0).max(100);

const quotaSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('shareOfEvaluated'),
    percent: percentSchema,
    outstandingPercent: percentSchema,
  }),
  z.strictObject({ kind: z.literal('shareOfB'), percent: percentSchema }),
]);

/**
 * A rubric version as an admin sends it, in points. Rules, each with a Vietnamese message:
 * - criterion ids unique; every max > 0 with at most two decimals;
 * - the maxima add up to exactly 100 points: bands, rankings and the annual average are all on the 100-point
 *   scale of DOMAIN.md, so a rubric on another scale would silently change what the grades mean;
 * - bands: each of A, B, C, D exactly once, D from 0, minima strictly decreasing from A to D, A reachable;
 * - quota percents are whole numbers 0–100, the outstanding-unit percent at least the normal one;
 * - `leaderTaskCriterion`, when given, names one of the criteria;
 * - categories: at least one, no repeats.
 * Output: the fields of a `Rubric` without id and version (see `nextRubricVersion`), in hundredths, bands
 * ordered A → D.
 */
export const rubricSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'Tên bộ tiêu chí không được để trống.').max(300),
    categories: z.array(z.enum(EMPLOYEE_CATEGORIES)).min(1, 'Cần ít nhất một đối tượng áp dụng.'),
    criteria: z.array(criterionSchema).min(1, 'Cần ít nhất một tiêu chí.').max(100),
    bands: z.array(bandSchema).length(4, 'Cần đúng bốn mức xếp loại A, B, C, D.'),
    quota: quotaSchema,
    leaderTaskCriterion: criterionIdSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (new Set(input.categories).size !== input.categories.length) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'Đối tượng áp dụng bị lặp.' });
    }
    const seen = new Set<string>();
    input.criteria.forEach((c, i) => {
      if (seen.has(c.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['criteria', i, 'id'],
          message: `Mã tiêu chí "${c.id}" bị lặp.`,
        });
      }
      seen.add(c.id);
      if (c.max <= 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['criteria', i, 'max'],
          message: `Điểm tối đa của tiêu chí ${quoted(c.label)} phải lớn hơn 0.`,
        });
      }
    });
    const total = sum(input.criteria.map((c) => c.max));
    if (total !== RUBRIC_TOTAL) {
      ctx.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: `Tổng điểm tối đa các tiêu chí phải bằng 100 điểm (hiện là ${formatPoints(total)} điểm).`,
      });
    }
    const grades = input.bands.map((b) => b.grade);
    if (new Set(grades).size !== GRADES.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['bands'],
        message: 'Mỗi mức A, B, C, D phải xuất hiện đúng một lần.',
      });
    } else {
      const sorted = [...input.bands].sort((a, b) => GRADE_RANK[a.grade] - GRADE_RANK[b.grade]);
      for (let i = 1; i < sorted.length; i++) {
        const higher = sorted[i - 1];
        const lower = sorted[i];
        if (higher !== undefined && lower !== undefined && lower.min >= higher.min) {
          ctx.addIssue({
            code: 'custom',
            path: ['bands'],
            message: `Điểm tối thiểu của mức ${lower.grade} phải nhỏ hơn của mức ${higher.grade}.`,
          });
        }
      }
      const d = sorted[sorted.length - 1];
      if (d !== undefined && d.min !== 0) {
        ctx.addIssue({ code: 'custom', path: ['bands'], message: 'Mức D phải bắt đầu từ 0 điểm.' });
      }
      const a = sorted[0];
      if (a !== undefined && a.min > RUBRIC_TOTAL) {
        ctx.addIssue({
          code: 'custom',
          path: ['bands'],
          message: 'Điểm tối thiểu của mức A vượt quá 100 điểm.',
        });
      }
    }
    if (input.quota.kind === 'shareOfEvaluated' && input.quota.outstandingPercent < input.quota.percent) {
      ctx.addIssue({
        code: 'custom',
        path: ['quota', 'outstandingPercent'],
        message: 'Tỷ lệ loại A cho đơn vị xuất sắc không được thấp hơn tỷ lệ thông thường.',
      });
    }
    if (input.leaderTaskCriterion !== undefined && !seen.has(input.leaderTaskCriterion)) {
      ctx.addIssue({
        code: 'custom',
        path: ['leaderTaskCriterion'],
        message: `Tiêu chí "${input.leaderTaskCriterion}" không có trong danh sách tiêu chí.`,
      });
    }
  })
  .transform((input) => {
    const bands: Band[] = [...input.bands]
      .sort((a, b) => GRADE_RANK[a.grade] - GRADE_RANK[b.grade])
      .map((b) => ({ grade: b.grade, min: b.min, label: b.label ?? GRADE_LABELS[b.grade] }));
    const criteria: Criterion[] = input.criteria.map((c) =>
      c.group === undefined ? { id: c.id, label: c.label, max: c.max } : { ...c },
    );
    const rubric: Omit<Rubric, 'id' | 'version'> = {
      name: input.name,
      categories: input.categories,
      criteria,
      bands,
      quota: input.quota,
    };
    if (input.leaderTaskCriterion !== undefined) rubric.leaderTaskCriterion = input.leaderTaskCriterion;
    return rubric;
  });

export type RubricInput = z.output<typeof rubricSchema>;

/**
 * The rubric version an admin's PUT creates: version 1 for a new id, else the previous version + 1. The previous
 * version is left untouched: evaluations scored with it keep pointing at it.
 */
export function nextRubricVersion(previous: Rubric | null, input: RubricInput & { id: string }): Rubric {
  const version = previous !== null && previous.id === input.id ? previous.version + 1 : 1;
  const rubric: Rubric = {
    id: input.id,
    version,
    name: input.name,
    categories: [...input.categories],
    criteria: input.criteria.map((c) => ({ ...c })),
    bands: input.bands.map((b) => ({ ...b })),
    quota: { ...input.quota },
  };
  if (input.leaderTaskCriterion !== undefined) rubric.leaderTaskCriterion = input.leaderTaskCriterion;
  return rubric;
}

/** Key order and absent-versus-undefined do not matter; array order does (criteria and bands are ordered). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * Whether two versions say the same thing, whatever their numbers: a PUT of what is already the latest version
 * makes no new version, so a retried or doubled save is one version, as PUT promises.
 */
export function sameRubricContent(a: Rubric, b: Rubric): boolean {
  const content = (r: Rubric) => JSON.stringify(canonical(rubricToJson({ ...r, version: 0 })));
  return a.id === b.id && content(a) === content(b);
}

/** The rubric's own shape for GET /v1/rubrics/{id}: points, not hundredths. */
export function rubricToJson(rubric: Rubric): Record<string, unknown> {
  return {
    id: rubric.id,
    version: rubric.version,
    name: rubric.name,
    categories: rubric.categories,
    criteria: rubric.criteria.map((c) => ({ ...c, max: c.max / 100 })),
    bands: rubric.bands.map((b) => ({ ...b, min: b.min / 100 })),
    quota: rubric.quota,
    ...(rubric.leaderTaskCriterion === undefined ? {} : { leaderTaskCriterion: rubric.leaderTaskCriterion }),
  };
}
