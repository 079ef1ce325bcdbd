/**
 * What the forms compute before the API is asked: points as people type them (decimal comma), exact totals,
 * the grade a total falls in, the quota estimate; and the vi-VN wording of numbers, dates, periods and countdowns.
 */
import { describe, expect, it } from 'vitest';
import type { Band, Criterion } from '../../web/src/api/types.ts';
import {
  countdown,
  formatDateTime,
  formatPercent,
  formatPeriod,
  formatPoints,
  periodOf,
  statusLabel,
} from '../../web/src/lib/format.ts';
import { evaluateSheet, gradeFor, parsePoints, quotaLimit, sheetFrom } from '../../web/src/lib/scores.ts';

const CRITERIA: Criterion[] = [
  { id: 'discipline', label: 'Ý thức tổ chức kỷ luật, phẩm chất đạo đức', max: 20 },
  { id: 'duties', label: 'Kết quả thực hiện chức trách, nhiệm vụ được giao', max: 70 },
  { id: 'bonus', label: 'Điểm thưởng', max: 10 },
];
const BANDS: Band[] = [
  { grade: 'A', min: 90, label: 'Hoàn thành xuất sắc nhiệm vụ' },
  { grade: 'B', min: 70, label: 'Hoàn thành tốt nhiệm vụ' },
  { grade: 'C', min: 50, label: 'Hoàn thành nhiệm vụ' },
  { grade: 'D', min: 0, label: 'Không hoàn thành nhiệm vụ' },
];

describe('score entry', () => {
  it('reads a decimal comma or a dot, at most two decimals, within the maximum', () => {
    expect(parsePoints('62,5', 70)).toEqual({ ok: true, hundredths: 6250 });
    expect(parsePoints(' 7.25 ', 10)).toEqual({ ok: true, hundredths: 725 });
    expect(parsePoints('70', 70)).toEqual({ ok: true, hundredths: 7000 });
    expect(parsePoints('0', 10)).toEqual({ ok: true, hundredths: 0 });
    expect(parsePoints('70,01', 70)).toEqual({ ok: false, message: 'Tối đa 70 điểm.' });
    expect(parsePoints('2,555', 10)).toEqual({
      ok: false,
      message: 'Điểm chỉ có tối đa hai chữ số thập phân.',
    });
    expect(parsePoints('-1', 10).ok).toBe(false);
    expect(parsePoints('abc', 10).ok).toBe(false);
    expect(parsePoints('', 10)).toEqual({ ok: false, message: 'Chưa nhập điểm.' });
    expect(parsePoints('12', 2.5)).toEqual({ ok: false, message: 'Tối đa 2,5 điểm.' });
  });

  it('adds up exactly, in hundredths (no 0.1 + 0.2 surprises)', () => {
    const sheet = evaluateSheet(CRITERIA, { discipline: '19,1', duties: '68,2', bonus: '2,7' });
    expect(sheet.complete).toBe(true);
    expect(sheet.totalHundredths).toBe(9000);
    expect(sheet.scores).toEqual({ discipline: 19.1, duties: 68.2, bonus: 2.7 });
  });

  it('reports each bad entry and counts only the good ones', () => {
    const sheet = evaluateSheet(CRITERIA, { discipline: '25', duties: '60' });
    expect(sheet.complete).toBe(false);
    expect(sheet.errors).toEqual({ discipline: 'Tối đa 20 điểm.', bonus: 'Chưa nhập điểm.' });
    expect(sheet.totalHundredths).toBe(6000);
  });

  it('fills the inputs from the API scores with a decimal comma', () => {
    expect(sheetFrom(CRITERIA, { discipline: 17.5, duties: 55, bonus: 0 })).toEqual({
      discipline: '17,5',
      duties: '55',
      bonus: '0',
    });
    expect(sheetFrom(CRITERIA, null)).toEqual({ discipline: '', duties: '', bonus: '' });
  });

  it('grades by the bands, a band starting at its minimum', () => {
    expect(gradeFor(BANDS, 90)?.grade).toBe('A');
    expect(gradeFor(BANDS, 89.99)?.grade).toBe('B');
    expect(gradeFor(BANDS, 70)?.grade).toBe('B');
    expect(gradeFor(BANDS, 49.99)?.grade).toBe('D');
  });

  it('estimates the A quota as the rules say', () => {
    const hanoi = { kind: 'shareOfEvaluated', percent: 30, outstandingPercent: 40 } as const;
    expect(quotaLimit(hanoi, { evaluated: 7, outstanding: false, countB: 0 }).limit).toBe(2);
    expect(quotaLimit(hanoi, { evaluated: 7, outstanding: true, countB: 0 }).limit).toBe(2);
    expect(quotaLimit(hanoi, { evaluated: 10, outstanding: true, countB: 0 }).limit).toBe(4);
    expect(
      quotaLimit({ kind: 'shareOfB', percent: 20 }, { evaluated: 30, outstanding: false, countB: 14 }).limit,
    ).toBe(2);
  });
});

describe('vi-VN wording', () => {
  it('formats points, percentages, periods and times in Vietnam time', () => {
    expect(formatPoints(62.5)).toBe('62,5');
    expect(formatPoints(1234.5)).toBe('1.234,5');
    expect(formatPoints(null)).toBe('—');
    expect(formatPercent(14.29)).toBe('14,3%');
    expect(formatPeriod('2026-11')).toBe('Tháng 11/2026');
    expect(formatDateTime('2026-12-03T23:59:59.999+07:00')).toBe('23:59 03/12/2026');
    expect(periodOf(new Date('2026-11-30T17:30:00Z'))).toBe('2026-12');
  });

  it('counts down to a deadline and says when it has passed', () => {
    const deadline = '2026-12-03T23:59:59.999+07:00';
    const at = (iso: string) => Date.parse(iso);
    expect(countdown(deadline, at('2026-11-26T08:00:00+07:00'))).toEqual({
      passed: false,
      text: 'còn 7 ngày 15 giờ',
      urgent: false,
    });
    expect(countdown(deadline, at('2026-12-03T21:30:00+07:00'))).toEqual({
      passed: false,
      text: 'còn 2 giờ 29 phút',
      urgent: true,
    });
    expect(countdown(deadline, at('2026-12-05T00:00:00+07:00')).text).toBe('đã quá hạn 1 ngày 0 giờ');
  });

  it('names statuses as people say them', () => {
    expect(statusLabel({ status: 'RETURNED', returnedTo: 'employee' })).toBe('Bị trả lại để hoàn thiện');
    expect(statusLabel({ status: 'RETURNED', returnedTo: 'reviewer' })).toBe(
      'Bị trả lại cho lãnh đạo trực tiếp',
    );
    expect(statusLabel({ status: 'SUBMITTED', returnedTo: null })).toBe('Đã nộp, chờ nhận xét');
  });
});
