import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sum, toPoints } from '../../../shared/domain/points.ts';
import {
  BUILT_IN_RUBRICS,
  DEFAULT_RUBRIC_ID,
  defaultRubricFor,
  findRubric,
  HN_3814,
  ND_335,
  nextRubricVersion,
  rubricMaxTotal,
  rubricSchema,
  rubricToJson,
  sameRubricContent,
  validateScores,
} from '../../../shared/domain/rubrics.ts';
import { EMPLOYEE_CATEGORIES } from '../../../shared/domain/types.ts';

describe('built-in rubrics', () => {
  it('hn-3814 is 20 + 70 + 10 with A ≤ 30% (40% outstanding) of evaluated', () => {
    expect(HN_3814.version).toBe(1);
    expect(HN_3814.criteria.map((c) => [c.id, c.max])).toEqual([
      ['discipline', 2000],
      ['duties', 7000],
      ['bonus', 1000],
    ]);
    expect(HN_3814.quota).toEqual({ kind: 'shareOfEvaluated', percent: 30, outstandingPercent: 40 });
  });

  it('nd-335 is general 30 (5 + 5, 4 × 2.5, 10) + tasks 70 with A ≤ 20% of B', () => {
    const general = ND_335.criteria.filter((c) => c.group === 'Tiêu chí chung').map((c) => c.max);
    expect(general).toEqual([500, 500, 250, 250, 250, 250, 1000]);
    expect(sum(general)).toBe(3000);
    expect(ND_335.criteria.find((c) => c.id === 'tasks')?.max).toBe(7000);
    expect(ND_335.quota).toEqual({ kind: 'shareOfB', percent: 20 });
    expect(ND_335.leaderTaskCriterion).toBe('tasks');
  });

  it.each(BUILT_IN_RUBRICS.map((r) => [r.id, r] as const))(
    '%s totals 100 points, lists all categories and is valid',
    (_, r) => {
      expect(rubricMaxTotal(r)).toBe(10_000);
      expect([...r.categories].sort()).toEqual([...EMPLOYEE_CATEGORIES].sort());
      expect(r.bands.map((b) => [b.grade, b.min])).toEqual([
        ['A', 9000],
        ['B', 7000],
        ['C', 5000],
        ['D', 0],
      ]);
      // The admin schema accepts the shipped rubrics as they are.
      const json = rubricToJson(r);
      const { id: _id, version: _version, ...body } = json;
      expect(rubricSchema.safeParse(body).success).toBe(true);
    },
  );

  it('hn-3814 is the default for every category unless a deployment chooses otherwise', () => {
    expect(DEFAULT_RUBRIC_ID).toBe('hn-3814');
    for (const c of EMPLOYEE_CATEGORIES) expect(defaultRubricFor(c)).toBe('hn-3814');
    expect(defaultRubricFor('civil_servant', { civil_servant: 'nd-335' })).toBe('nd-335');
    expect(defaultRubricFor('worker', { civil_servant: 'nd-335' })).toBe('hn-3814');
  });

  it('finds a rubric by id and version, the latest without version', () => {
    const v2 = { ...HN_3814, version: 2 };
    const all = [HN_3814, v2, ND_335];
    expect(findRubric(all, 'hn-3814')).toBe(v2);
    expect(findRubric(all, 'hn-3814', 1)).toBe(HN_3814);
    expect(findRubric(all, 'hn-3814', 3)).toBeUndefined();
    expect(findRubric(all, 'nope')).toBeUndefined();
  });
});

describe('validateScores', () => {
  it('accepts complete scores with an exact total', () => {
    expect(
      validateScores(HN_3814, { discipline: 19.99, duties: 70, bonus: 0.01 }, { requireAll: true }),
    ).toEqual({
      ok: true,
      scores: { discipline: 1999, duties: 7000, bonus: 1 },
      total: 9000,
    });
  });

  it('accepts 2.5-point items of nd-335', () => {
    const r = validateScores(ND_335, { competence: 2.5, responsibility: 2.49 }, { requireAll: false });
    expect(r).toEqual({ ok: true, scores: { competence: 250, responsibility: 249 }, total: 499 });
  });

  it('accepts a partial draft without requireAll, refuses it with', () => {
    expect(validateScores(HN_3814, { duties: 60 }, { requireAll: false })).toEqual({
      ok: true,
      scores: { duties: 6000 },
      total: 6000,
    });
    const r = validateScores(HN_3814, { duties: 60 }, { requireAll: true });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.path)).toEqual(['scores.discipline', 'scores.bonus']);
      expect(r.problems[0]?.message).toBe(
        'Chưa chấm điểm tiêu chí “Ý thức tổ chức kỷ luật, phẩm chất đạo đức” (tối đa 20 điểm).',
      );
    }
  });

  it('reports one problem per bad entry, naming the criterion and its limit', () => {
    const r = validateScores(
      HN_3814,
      { discipline: 20.01, duties: 'bảy mươi', bonus: -1, extra: 5 },
      { requireAll: true },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      {
        path: 'scores.discipline',
        message: 'Điểm tiêu chí “Ý thức tổ chức kỷ luật, phẩm chất đạo đức” vượt quá mức tối đa 20 điểm.',
      },
      {
        path: 'scores.duties',
        message:
          'Điểm tiêu chí “Kết quả thực hiện chức trách, nhiệm vụ được giao” phải là một số (từ 0 đến 70 điểm).',
      },
      { path: 'scores.bonus', message: 'Điểm tiêu chí “Điểm thưởng” không được âm (từ 0 đến 10 điểm).' },
      { path: 'scores.extra', message: 'Tiêu chí "extra" không có trong bộ tiêu chí hn-3814 (phiên bản 1).' },
    ]);
  });

  it('refuses more than two decimals with the criterion named', () => {
    const r = validateScores(ND_335, { competence: 2.505 }, { requireAll: false });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toEqual([
        {
          path: 'scores.competence',
          message:
            'Điểm tiêu chí “Năng lực chuyên môn, nghiệp vụ” chỉ được có tối đa hai chữ số thập phân (từ 0 đến 2,5 điểm).',
        },
      ]);
    }
  });

  it.each([null, [], 'x', 42, new Date(0)])('refuses %s as the scores object', (value) => {
    const r = validateScores(HN_3814, value, { requireAll: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.path).toBe('scores');
  });

  it('does not treat inherited properties as criteria', () => {
    const r = validateScores(HN_3814, JSON.parse('{"__proto__": 5, "toString": 1}'), { requireAll: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toEqual(['scores.__proto__', 'scores.toString']);
  });

  it('a total is the exact sum of its parts (property)', () => {
    const arb = fc.record({
      discipline: fc.integer({ min: 0, max: 2000 }),
      duties: fc.integer({ min: 0, max: 7000 }),
      bonus: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(arb, (h) => {
        const points = {
          discipline: toPoints(h.discipline),
          duties: toPoints(h.duties),
          bonus: toPoints(h.bonus),
        };
        const r = validateScores(HN_3814, points, { requireAll: true });
        expect(r).toEqual({ ok: true, scores: h, total: h.discipline + h.duties + h.bonus });
      }),
    );
  });

  it('never accepts a value above its criterion max (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ND_335.criteria),
        fc.integer({ min: 1, max: 100_000 }),
        (criterion, excess) => {
          const r = validateScores(
            ND_335,
            { [criterion.id]: toPoints(criterion.max + excess) },
            { requireAll: false },
          );
          expect(r.ok).toBe(false);
        },
      ),
    );
  });
});

const validBody = () => ({
  name: 'Bộ tiêu chí thử',
  categories: ['worker'],
  criteria: [
    { id: 'a', label: 'Tiêu chí A', max: 62.5 },
    { id: 'b', label: 'Tiêu chí B', max: 37.5, group: 'Nhóm 1' },
  ],
  bands: [
    { grade: 'D', min: 0 },
    { grade: 'C', min: 50 },
    { grade: 'B', min: 70, label: 'Tốt' },
    { grade: 'A', min: 90 },
  ],
  quota: { kind: 'shareOfEvaluated', percent: 30, outstandingPercent: 40 },
});

describe('rubricSchema and nextRubricVersion', () => {
  it('parses points into hundredths and orders the bands A → D', () => {
    const r = rubricSchema.safeParse(validBody());
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data.criteria).toEqual([
      { id: 'a', label: 'Tiêu chí A', max: 6250 },
      { id: 'b', label: 'Tiêu chí B', max: 3750, group: 'Nhóm 1' },
    ]);
    expect(r.data.bands).toEqual([
      { grade: 'A', min: 9000, label: 'Hoàn thành xuất sắc nhiệm vụ' },
      { grade: 'B', min: 7000, label: 'Tốt' },
      { grade: 'C', min: 5000, label: 'Hoàn thành nhiệm vụ' },
      { grade: 'D', min: 0, label: 'Không hoàn thành nhiệm vụ' },
    ]);
  });

  const messages = (body: unknown) => {
    const r = rubricSchema.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  it('refuses duplicate criterion ids', () => {
    const body = validBody();
    body.criteria = [
      { id: 'a', label: 'X', max: 50 },
      { id: 'a', label: 'Y', max: 50 },
    ];
    expect(messages(body)).toContain('Mã tiêu chí "a" bị lặp.');
  });

  it('refuses a max of 0 or with three decimals', () => {
    const body = validBody();
    body.criteria = [
      { id: 'a', label: 'X', max: 0 },
      { id: 'b', label: 'Y', max: 100 },
    ];
    expect(messages(body)).toContain('Điểm tối đa của tiêu chí “X” phải lớn hơn 0.');
    body.criteria = [
      { id: 'a', label: 'X', max: 62.505 },
      { id: 'b', label: 'Y', max: 37.495 },
    ];
    expect(messages(body)).toContain('Số điểm chỉ được có tối đa hai chữ số thập phân.');
  });

  it('refuses maxima that do not add up to 100 points', () => {
    const body = validBody();
    body.criteria = [{ id: 'a', label: 'X', max: 99.99 }];
    expect(messages(body)).toContain(
      'Tổng điểm tối đa các tiêu chí phải bằng 100 điểm (hiện là 99,99 điểm).',
    );
  });

  it('refuses inconsistent bands', () => {
    const unordered = validBody();
    unordered.bands = [
      { grade: 'A', min: 90 },
      { grade: 'B', min: 95 },
      { grade: 'C', min: 50 },
      { grade: 'D', min: 0 },
    ];
    expect(messages(unordered)).toContain('Điểm tối thiểu của mức B phải nhỏ hơn của mức A.');
    const noZero = validBody();
    noZero.bands = [
      { grade: 'A', min: 90 },
      { grade: 'B', min: 70 },
      { grade: 'C', min: 50 },
      { grade: 'D', min: 10 },
    ];
    expect(messages(noZero)).toContain('Mức D phải bắt đầu từ 0 điểm.');
    const repeated = validBody();
    repeated.bands = [
      { grade: 'A', min: 90 },
      { grade: 'A', min: 70 },
      { grade: 'C', min: 50 },
      { grade: 'D', min: 0 },
    ];
    expect(messages(repeated)).toContain('Mỗi mức A, B, C, D phải xuất hiện đúng một lần.');
  });

  it('refuses unknown fields, a bad quota and an unknown leader criterion', () => {
    expect(rubricSchema.safeParse({ ...validBody(), extra: 1 }).success).toBe(false);
    expect(
      messages({ ...validBody(), quota: { kind: 'shareOfEvaluated', percent: 40, outstandingPercent: 30 } }),
    ).toContain('Tỷ lệ loại A cho đơn vị xuất sắc không được thấp hơn tỷ lệ thông thường.');
    expect(
      rubricSchema.safeParse({ ...validBody(), quota: { kind: 'shareOfB', percent: 20.5 } }).success,
    ).toBe(false);
    expect(messages({ ...validBody(), leaderTaskCriterion: 'zz' })).toContain(
      'Tiêu chí "zz" không có trong danh sách tiêu chí.',
    );
  });

  it('makes version 1 of a new rubric and previous + 1 of an existing one, leaving the previous intact', () => {
    const parsed = rubricSchema.parse(validBody());
    const first = nextRubricVersion(null, { ...parsed, id: 'thu-nghiem' });
    expect(first.id).toBe('thu-nghiem');
    expect(first.version).toBe(1);
    const second = nextRubricVersion(first, { ...parsed, id: 'thu-nghiem', name: 'Đổi tên' });
    expect(second.version).toBe(2);
    expect(second.name).toBe('Đổi tên');
    expect(first.name).toBe('Bộ tiêu chí thử');
    expect(nextRubricVersion(HN_3814, { ...parsed, id: 'hn-3814' }).version).toBe(2);
    expect(HN_3814.version).toBe(1);
  });

  it('knows a save of the same content, whatever the key order or version, from a real change', () => {
    const parsed = rubricSchema.parse(validBody());
    const first = nextRubricVersion(null, { ...parsed, id: 'thu-nghiem' });
    const reordered = JSON.parse(JSON.stringify({ ...first, version: 7 }), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    );
    expect(sameRubricContent(first, reordered)).toBe(true);
    expect(sameRubricContent(first, { ...first, name: 'Khác' })).toBe(false);
    expect(sameRubricContent(first, { ...first, bands: [...first.bands].reverse() })).toBe(false);
    expect(sameRubricContent(first, { ...first, id: 'khac' })).toBe(false);
  });
});
