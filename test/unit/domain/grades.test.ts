import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FORCED_D_REASONS,
  GRADE_LABELS,
  GRADE_RANK,
  gradeFor,
  leaderTaskScore,
  STANDARD_BANDS,
} from '../../../shared/domain/grades.ts';
import { HN_3814, ND_335 } from '../../../shared/domain/rubrics.ts';
import { GRADES } from '../../../shared/domain/types.ts';

describe('grade bands (A ≥ 90, B ≥ 70, C ≥ 50, D below)', () => {
  it.each([
    [10000, 'A'],
    [9000, 'A'],
    [8999, 'B'],
    [7000, 'B'],
    [6999, 'C'],
    [5000, 'C'],
    [4999, 'D'],
    [0, 'D'],
  ] as const)('%i hundredths → %s', (total, grade) => {
    expect(gradeFor(total, STANDARD_BANDS, {})).toEqual({ grade, forcedReason: null });
    expect(gradeFor(total, HN_3814.bands, {}).grade).toBe(grade);
    expect(gradeFor(total, ND_335.bands, {}).grade).toBe(grade);
  });

  it('labels are the official Vietnamese names', () => {
    expect(GRADE_LABELS).toEqual({
      A: 'Hoàn thành xuất sắc nhiệm vụ',
      B: 'Hoàn thành tốt nhiệm vụ',
      C: 'Hoàn thành nhiệm vụ',
      D: 'Không hoàn thành nhiệm vụ',
    });
  });

  it('does not depend on the order bands are listed in', () => {
    const reversed = [...STANDARD_BANDS].reverse();
    expect(gradeFor(9000, reversed, {}).grade).toBe('A');
    expect(gradeFor(6999, reversed, {}).grade).toBe('C');
  });

  it('grades are monotonic in the total (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (x, y) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        const gLo = gradeFor(lo, STANDARD_BANDS, {}).grade;
        const gHi = gradeFor(hi, STANDARD_BANDS, {}).grade;
        expect(GRADE_RANK[gHi]).toBeLessThanOrEqual(GRADE_RANK[gLo]);
      }),
    );
  });
});

describe('forced D (Decree 335)', () => {
  it('disciplined at reprimand or above forces D whatever the points', () => {
    expect(gradeFor(10000, STANDARD_BANDS, { disciplined: true })).toEqual({
      grade: 'D',
      forcedReason: FORCED_D_REASONS.disciplined,
    });
  });

  it('a conclusion of degradation forces D', () => {
    expect(gradeFor(9500, STANDARD_BANDS, { degradation: true })).toEqual({
      grade: 'D',
      forcedReason: FORCED_D_REASONS.degradation,
    });
  });

  it('corruption in the unit forces D for its head only', () => {
    expect(gradeFor(9500, STANDARD_BANDS, { unitCorruption: true, isUnitHead: true })).toEqual({
      grade: 'D',
      forcedReason: FORCED_D_REASONS.unitCorruption,
    });
    expect(gradeFor(9500, STANDARD_BANDS, { unitCorruption: true, isUnitHead: false })).toEqual({
      grade: 'A',
      forcedReason: null,
    });
  });

  it('lists every reason that applies', () => {
    const r = gradeFor(9500, STANDARD_BANDS, { disciplined: true, degradation: true });
    expect(r.forcedReason).toBe(`${FORCED_D_REASONS.disciplined}; ${FORCED_D_REASONS.degradation}`);
  });

  it('false flags change nothing', () => {
    expect(
      gradeFor(9500, STANDARD_BANDS, { disciplined: false, degradation: false, unitCorruption: false }),
    ).toEqual({
      grade: 'A',
      forcedReason: null,
    });
  });
});

describe('leader rule', () => {
  it('keeps the full task score when every subordinate reaches at least C', () => {
    expect(leaderTaskScore(6500, ['A', 'B', 'C', 'C'])).toBe(6500);
    expect(leaderTaskScore(6500, [])).toBe(6500);
  });

  it('halves it when any subordinate is D, rounding down to the hundredth', () => {
    expect(leaderTaskScore(6500, ['A', 'D'])).toBe(3250);
    expect(leaderTaskScore(6551, ['D'])).toBe(3275);
  });

  it('never raises the score (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7000 }),
        fc.array(fc.constantFrom(...GRADES)),
        (score, grades) => {
          const r = leaderTaskScore(score, grades);
          expect(r).toBeLessThanOrEqual(score);
          expect(r === score || r === Math.floor(score / 2)).toBe(true);
          expect(r < score).toBe(grades.includes('D') && score > 0);
        },
      ),
    );
  });
});
