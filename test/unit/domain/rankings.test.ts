import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STANDARD_BANDS } from '../../../shared/domain/grades.ts';
import {
  annualResult,
  basisPoints,
  compareVietnamese,
  inflationSignals,
  meanTotal,
  rankSubunits,
  rankUnit,
  type SubunitRow,
  type UnitRankingRow,
} from '../../../shared/domain/rankings.ts';
import { GRADES, type Grade } from '../../../shared/domain/types.ts';

const row = (
  employeeId: string,
  name: string,
  total: number | null,
  overrides: Partial<UnitRankingRow> = {},
): UnitRankingRow => {
  const grade: Grade | null =
    total === null ? null : total >= 9000 ? 'A' : total >= 7000 ? 'B' : total >= 5000 ? 'C' : 'D';
  return {
    employeeId,
    name,
    status: total === null ? 'EXPIRED' : 'APPROVED',
    total,
    grade,
    flags: {},
    selfTotal: total,
    reviewTotal: total,
    ...overrides,
  };
};

describe('compareVietnamese', () => {
  it('orders names the Vietnamese way: a < ă < â, d < đ < e, tones after the base letter', () => {
    const names = ['Đức', 'Ân', 'Ăn', 'An', 'Dũng', 'Em', 'Bình', 'Ánh', 'Anh'];
    expect([...names].sort(compareVietnamese)).toEqual([
      'An',
      'Anh',
      'Ánh',
      'Ăn',
      'Ân',
      'Bình',
      'Dũng',
      'Đức',
      'Em',
    ]);
  });

  it('puts Đ after every D and before E, unlike code-point order', () => {
    expect(compareVietnamese('Đạt', 'Dương')).toBeGreaterThan(0);
    expect(compareVietnamese('Đạt', 'Em')).toBeLessThan(0);
    expect('Đạt' < 'Em').toBe(false); // code points put Đ after every Latin letter
  });
});

describe('rankUnit', () => {
  it('ranks approved results by total with competition ranks (1, 2, 2, 4)', () => {
    const r = rankUnit([
      row('e1', 'Trần Văn Bình', 8500),
      row('e2', 'Nguyễn Thị An', 9200),
      row('e3', 'Lê Văn Cường', 8500),
      row('e4', 'Phạm Thị Dung', 7000),
    ]);
    expect(r.entries).toEqual([
      { rank: 1, employeeId: 'e2', name: 'Nguyễn Thị An', total: 9200, grade: 'A' },
      { rank: 2, employeeId: 'e3', name: 'Lê Văn Cường', total: 8500, grade: 'B' },
      { rank: 2, employeeId: 'e1', name: 'Trần Văn Bình', total: 8500, grade: 'B' },
      { rank: 4, employeeId: 'e4', name: 'Phạm Thị Dung', total: 7000, grade: 'B' },
    ]);
  });

  it('lists ties in Vietnamese alphabetical order, then by id', () => {
    const r = rankUnit([
      row('e1', 'Đỗ Minh', 8000),
      row('e2', 'Dương Minh', 8000),
      row('e4', 'An', 8000),
      row('e3', 'An', 8000),
    ]);
    expect(r.entries.map((e) => e.employeeId)).toEqual(['e3', 'e4', 'e2', 'e1']);
    expect(r.entries.every((e) => e.rank === 1)).toBe(true);
  });

  it('leaves out what is not approved, counts the distribution and participation', () => {
    const r = rankUnit([
      row('e1', 'A', 9500),
      row('e2', 'B', 8000, { flags: { lateApproval: true } }),
      row('e3', 'C', 4000, { flags: { selfAssessmentMissing: true, lateReview: true } }),
      row('e4', 'D', null, { status: 'REVIEWED', selfTotal: 7000, reviewTotal: 7500 }),
      row('e5', 'E', null, { status: 'EXPIRED', selfTotal: null, reviewTotal: null }),
      row('e6', 'F', null, { status: 'SUBMITTED', selfTotal: 8000, reviewTotal: null }),
    ]);
    expect(r.entries.map((e) => e.employeeId)).toEqual(['e1', 'e2', 'e3']);
    expect(r.distribution).toEqual({ A: 1, B: 1, C: 0, D: 1 });
    expect(r.participation).toEqual({
      evaluated: 6,
      submitted: 4,
      reviewed: 4,
      approved: 3,
      missing: 2,
      late: 2,
    });
  });

  it('is empty for an empty unit', () => {
    expect(rankUnit([])).toEqual({
      entries: [],
      distribution: { A: 0, B: 0, C: 0, D: 0 },
      participation: { evaluated: 0, submitted: 0, reviewed: 0, approved: 0, missing: 0, late: 0 },
    });
  });

  it('ranks are consistent with totals (property)', () => {
    const arb = fc.array(
      fc.record({ name: fc.string({ maxLength: 6 }), total: fc.integer({ min: 0, max: 40 }) }),
      {
        maxLength: 40,
      },
    );
    fc.assert(
      fc.property(arb, (items) => {
        // Few distinct totals (×250) to force ties.
        const rows = items.map((it, i) => row(`e${i}`, it.name, it.total * 250));
        const { entries } = rankUnit(rows);
        expect(entries).toHaveLength(rows.length);
        entries.forEach((e, i) => {
          // rank = 1 + number of strictly higher totals
          expect(e.rank).toBe(1 + entries.filter((o) => o.total > e.total).length);
          const next = entries[i + 1];
          if (next === undefined) return;
          expect(next.total).toBeLessThanOrEqual(e.total);
          if (next.total === e.total) {
            expect(next.rank).toBe(e.rank);
            expect(compareVietnamese(e.name, next.name)).toBeLessThanOrEqual(0);
          } else {
            // the next rank skips the tied places
            expect(next.rank).toBe(i + 2);
          }
        });
      }),
    );
  });
});

describe('rankSubunits', () => {
  const sub = (
    unitId: string,
    name: string,
    meanTotal: number | null,
    shareA = 0,
    participation = 10_000,
  ): SubunitRow => ({
    unitId,
    name,
    meanTotal,
    shareA,
    participation,
  });

  it('ranks by mean total, then share of A, then participation, all descending; no result last', () => {
    const r = rankSubunits([
      sub('u1', 'Phòng Tổ chức', 8000, 1000, 9000),
      sub('u2', 'Phòng Kế hoạch', 8500),
      sub('u3', 'Phòng Tài chính', 8000, 2000, 5000),
      sub('u4', 'Phòng Pháp chế', 8000, 1000, 10_000),
      sub('u5', 'Phòng Mới', null),
      sub('u6', 'Ban Quản lý', 8000, 1000, 10_000),
    ]);
    expect(r.map((e) => [e.unitId, e.rank])).toEqual([
      ['u2', 1],
      ['u3', 2],
      ['u6', 3],
      ['u4', 3],
      ['u1', 5],
      ['u5', 6],
    ]);
  });

  it('meanTotal rounds half up and is null for nothing', () => {
    expect(meanTotal([8000, 8001])).toBe(8001);
    expect(meanTotal([])).toBeNull();
    expect(basisPoints(1, 3)).toBe(3333);
    expect(basisPoints(2, 3)).toBe(6667);
    expect(basisPoints(0, 0)).toBe(0);
  });
});

describe('annualResult', () => {
  const months = (totals: number[]) =>
    totals.map((total, i) => ({ period: `2026-${String(i + 1).padStart(2, '0')}`, total }));

  it('grades the average of the monthly finals', () => {
    expect(annualResult(months([9000, 9000, 9000, 8999, 9000, 9000]), STANDARD_BANDS)).toEqual({
      average: 9000, // 8999.83 → 9000 (half up to the hundredth)
      monthsCounted: 6,
      grade: 'A',
      classified: true,
    });
    expect(annualResult(months([9000, 8000, 7000, 8000, 8000, 8000, 8000]), STANDARD_BANDS).grade).toBe('B');
  });

  it('does not classify fewer than 6 months', () => {
    expect(annualResult(months([9500, 9500, 9500, 9500, 9500]), STANDARD_BANDS)).toEqual({
      average: 9500,
      monthsCounted: 5,
      grade: null,
      classified: false,
    });
    expect(annualResult([], STANDARD_BANDS)).toEqual({
      average: null,
      monthsCounted: 0,
      grade: null,
      classified: false,
    });
  });

  it('counts a month once, the later entry winning (result carried over a transfer)', () => {
    const list = [...months([5000, 5000, 5000, 5000, 5000, 5000]), { period: '2026-01', total: 8000 }];
    const r = annualResult(list, STANDARD_BANDS);
    expect(r.monthsCounted).toBe(6);
    expect(r.average).toBe(5500);
  });

  it('applies the forced-D flags of the year', () => {
    expect(
      annualResult(months([9500, 9500, 9500, 9500, 9500, 9500]), STANDARD_BANDS, { disciplined: true }).grade,
    ).toBe('D');
  });
});

describe('inflationSignals', () => {
  const r = (
    grade: Grade | null,
    selfTotal: number | null,
    reviewTotal: number | null,
    comments: (string | null)[] = [],
  ) => ({
    employeeId: 'x',
    grade,
    selfTotal,
    reviewTotal,
    comments,
  });

  it('flags a unit where nearly everybody is A, all the same grade, self far above review, and copy-paste', () => {
    const praise = 'Hoàn thành xuất sắc nhiệm vụ được giao trong tháng';
    const [u] = inflationSignals([
      {
        unitId: 'u1',
        name: 'Phòng A',
        rows: [
          r('A', 9800, 9000, [praise]),
          r('A', 9900, 9200, [`  ${praise.toUpperCase()} `]),
          r('A', 9500, 9400, [praise, 'Tốt']),
          r('A', null, 9100, ['Tốt']),
        ],
      },
    ]);
    expect(u).toEqual({
      unitId: 'u1',
      name: 'Phòng A',
      approved: 4,
      shareA: 10_000,
      meanSelfMinusReview: 533, // (800 + 700 + 100) / 3
      allSameGrade: true,
      identicalComments: 3,
      signals: ['NEARLY_ALL_A', 'ALL_SAME_GRADE', 'SELF_ABOVE_REVIEW', 'COPY_PASTE_COMMENTS'],
    });
  });

  it('counts a comment as the same whatever its Unicode form, letter case and spacing', () => {
    const praise = 'Đã hoàn thành tốt nhiệm vụ được giao trong tháng';
    const [u] = inflationSignals([
      {
        unitId: 'u1',
        name: 'Phòng A',
        rows: [
          r('A', null, null, [praise]),
          // Decomposed (NFD), as some keyboards and pasted text send Vietnamese diacritics.
          r('B', null, null, [praise.normalize('NFD')]),
          r('A', null, null, [praise.toUpperCase().replaceAll(' ', '  ')]),
          r('B', null, null, [`\t${praise.normalize('NFD').toUpperCase()}\n`]),
          r('A', null, null, ['Đã hoàn thành tốt nhiệm vụ được giao trong quý']),
        ],
      },
    ]);
    expect(u?.identicalComments).toBe(4);
  });

  it('raises nothing for a unit with a spread of grades and honest self-scores', () => {
    const [u] = inflationSignals([
      {
        unitId: 'u2',
        name: 'Phòng B',
        rows: [
          r('A', 9000, 9100, ['Chủ trì đề án số hóa hồ sơ']),
          r('B', 8000, 8000, ['Hoàn thành đúng hạn 12 hồ sơ']),
          r('C', 6000, 6200, [null]),
        ],
      },
    ]);
    expect(u?.signals).toEqual([]);
    expect(u?.shareA).toBe(3333);
    expect(u?.meanSelfMinusReview).toBe(-100);
  });

  it('needs enough approved results before judging a unit', () => {
    const [u] = inflationSignals([
      { unitId: 'u3', name: 'Tổ nhỏ', rows: [r('A', 9000, 9000), r('A', 9000, 9000)] },
    ]);
    expect(u?.signals).toEqual([]);
  });

  it('grade distribution in signals is consistent with the input (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom(...GRADES), { nil: null }), { maxLength: 30 }),
        (grades) => {
          const [u] = inflationSignals([
            { unitId: 'u', name: 'u', rows: grades.map((g) => r(g, null, null)) },
          ]);
          const approved = grades.filter((g) => g !== null).length;
          expect(u?.approved).toBe(approved);
          expect(u?.shareA).toBe(basisPoints(grades.filter((g) => g === 'A').length, approved));
        },
      ),
    );
  });
});
