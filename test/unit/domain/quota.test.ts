import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGradeChange, countGrades, quotaLimit, quotaStatus } from '../../../shared/domain/quota.ts';
import { HN_3814, ND_335, type QuotaRule } from '../../../shared/domain/rubrics.ts';
import { GRADES, type Grade } from '../../../shared/domain/types.ts';
import { quotaState } from './fixtures.ts';

const HANOI = HN_3814.quota;
const DECREE = ND_335.quota;

describe('Hanoi quota: A ≤ 30% of evaluated, rounded down (40% for outstanding units)', () => {
  it.each([
    [10, false, 3],
    [9, false, 2], // 2.7 → 2
    [3, false, 0], // 0.9 → 0
    [10, true, 4],
    [9, true, 3], // 3.6 → 3
    [0, false, 0],
  ])('%i evaluated, outstanding %s → limit %i', (evaluated, outstanding, limit) => {
    expect(quotaLimit(HANOI, quotaState({}, evaluated, outstanding))).toBe(limit);
  });

  it('grants the last A slot and refuses the one past it', () => {
    const atTwo = quotaState({ A: 2, B: 5 }, 10);
    expect(checkGradeChange(HANOI, atTwo, { from: null, to: 'A' })).toEqual({ ok: true, limit: 3, used: 3 });
    const full = quotaState({ A: 3, B: 5 }, 10);
    const r = checkGradeChange(HANOI, full, { from: null, to: 'A' });
    expect(r).toEqual({
      ok: false,
      code: 'QUOTA_EXCEEDED',
      limit: 3,
      used: 3,
      message:
        'Không thể xếp thêm loại A: đơn vị đã có 3 người loại A, hạn mức là tối đa 30% số người được đánh giá (10 người), làm tròn xuống, là 3 người.',
    });
  });

  it('an outstanding unit gets its fourth A out of 10, not a fifth', () => {
    expect(checkGradeChange(HANOI, quotaState({ A: 3 }, 10, true), { from: null, to: 'A' }).ok).toBe(true);
    const r = checkGradeChange(HANOI, quotaState({ A: 4 }, 10, true), { from: null, to: 'A' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.message).toContain('tối đa 40% số người được đánh giá của đơn vị được công nhận xuất sắc');
  });

  it('other grades are never refused, even in a unit already over its quota', () => {
    const over = quotaState({ A: 5 }, 10);
    for (const g of ['B', 'C', 'D'] as const) {
      expect(checkGradeChange(HANOI, over, { from: null, to: g }).ok).toBe(true);
    }
    expect(checkGradeChange(HANOI, over, { from: 'A', to: 'B' }).ok).toBe(true);
  });

  it('replacing an A by an A (appeal) does not consume a slot', () => {
    expect(checkGradeChange(HANOI, quotaState({ A: 3 }, 10), { from: 'A', to: 'A' }).ok).toBe(true);
    expect(checkGradeChange(HANOI, quotaState({ A: 3, B: 1 }, 10), { from: 'B', to: 'A' }).ok).toBe(false);
  });

  it('reports its status with a readable rule id', () => {
    expect(quotaStatus(HANOI, quotaState({ A: 3 }, 10))).toEqual({
      rule: 'A<=30%evaluated',
      limit: 3,
      used: 3,
      ok: true,
    });
    expect(quotaStatus(HANOI, quotaState({ A: 5 }, 10, true))).toEqual({
      rule: 'A<=40%evaluated',
      limit: 4,
      used: 5,
      ok: false,
    });
  });
});

describe('Decree 335 quota: A ≤ 20% of the number graded B', () => {
  it.each([
    [5, 1],
    [4, 0],
    [9, 1],
    [10, 2],
    [0, 0],
  ])('%i B → limit %i', (b, limit) => {
    expect(quotaLimit(DECREE, quotaState({ B: b }))).toBe(limit);
  });

  it('grants an A at the limit and refuses past it', () => {
    expect(checkGradeChange(DECREE, quotaState({ A: 0, B: 5 }), { from: null, to: 'A' })).toEqual({
      ok: true,
      limit: 1,
      used: 1,
    });
    const r = checkGradeChange(DECREE, quotaState({ A: 1, B: 5 }), { from: null, to: 'A' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toBe(
        'Không thể xếp thêm loại A: đơn vị đã có 1 người loại A, hạn mức là tối đa 20% số người xếp loại B (5 người) là 1 người.',
      );
    }
  });

  it('refuses an A before enough B are approved, and a new B opens a slot', () => {
    expect(checkGradeChange(DECREE, quotaState({ B: 4 }), { from: null, to: 'A' }).ok).toBe(false);
    expect(checkGradeChange(DECREE, quotaState({ B: 4 }), { from: null, to: 'B' })).toEqual({
      ok: true,
      limit: 1,
      used: 0,
    });
  });

  it('refuses a change that lowers B below what the approved A need', () => {
    const r = checkGradeChange(DECREE, quotaState({ A: 1, B: 5 }), { from: 'B', to: 'C' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('Không thể chuyển từ loại B sang loại C');
      expect(r.message).toContain('hạn mức loại A giảm còn 0');
    }
    // B → A both adds an A and removes a B.
    expect(checkGradeChange(DECREE, quotaState({ A: 0, B: 5 }), { from: 'B', to: 'A' }).ok).toBe(false);
    expect(checkGradeChange(DECREE, quotaState({ A: 0, B: 6 }), { from: 'B', to: 'A' }).ok).toBe(true);
    // Lowering B is fine while the A still fit.
    expect(checkGradeChange(DECREE, quotaState({ A: 1, B: 6 }), { from: 'B', to: 'C' }).ok).toBe(true);
  });

  it('reports its status', () => {
    expect(quotaStatus(DECREE, quotaState({ A: 2, B: 9 }))).toEqual({
      rule: 'A<=20%B',
      limit: 1,
      used: 2,
      ok: false,
    });
  });
});

describe('quota invariants (property)', () => {
  const rules: QuotaRule[] = [HANOI, DECREE, { kind: 'shareOfEvaluated', percent: 0, outstandingPercent: 0 }];
  const changes = fc.record({
    from: fc.option(fc.constantFrom(...GRADES), { nil: null }),
    to: fc.option(fc.constantFrom(...GRADES), { nil: null }),
  });

  it('a granted change never leaves a unit within its quota over it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...rules),
        fc.boolean(),
        fc.integer({ min: 0, max: 60 }),
        fc.array(changes, { maxLength: 80 }),
        (rule, outstanding, evaluated, sequence) => {
          // Start empty (within quota) and apply only what the rule grants.
          let state = quotaState({}, evaluated, outstanding);
          for (const change of sequence) {
            if (change.from !== null && state.counts[change.from] === 0) continue; // nothing to replace
            const r = checkGradeChange(rule, state, change);
            if (!r.ok) continue;
            const counts = { ...state.counts };
            if (change.from !== null) counts[change.from] -= 1;
            if (change.to !== null) counts[change.to] += 1;
            state = { ...state, counts };
            expect(quotaStatus(rule, state).ok).toBe(true);
            expect(r.used).toBe(state.counts.A);
            expect(r.limit).toBe(quotaLimit(rule, state));
          }
        },
      ),
    );
  });

  it('the limit never exceeds the exact share (rounded down)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100_000 }), (percent, n) => {
        const limit = quotaLimit({ kind: 'shareOfB', percent }, quotaState({ B: n }));
        expect(limit * 100).toBeLessThanOrEqual(percent * n);
        expect((limit + 1) * 100).toBeGreaterThan(percent * n);
      }),
    );
  });
});

it('countGrades counts approved grades and skips nulls', () => {
  const grades: (Grade | null)[] = ['A', 'B', 'B', null, 'D'];
  expect(countGrades(grades)).toEqual({ A: 1, B: 2, C: 0, D: 1 });
});
