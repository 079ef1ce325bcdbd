/**
 * The web app's pure helpers, in Node: name search without diacritics, dd/mm/yyyy dates in Vietnam time
 * whatever the machine's zone, the official documents' content, and what closing a period early would expire.
 */
import { describe, expect, it } from 'vitest';
import type { Evaluation, Rubric } from '../../web/src/api/types.ts';
import {
  dateText,
  longDate,
  parseDate,
  parseDateTime,
  parseMonth,
  parseTime,
  previousPeriod,
  recentPeriods,
  timeText,
} from '../../web/src/lib/dates.ts';
import { currentStep } from '../../web/src/lib/evaluation.ts';
import { evaluationForm, MOTTO, NATION, PLACE_BLANK } from '../../web/src/lib/official.ts';
import { closeImpact } from '../../web/src/lib/periods.ts';
import { foldVietnamese, matchesSearch } from '../../web/src/lib/text.ts';

describe('search without diacritics', () => {
  it('folds tones, vowel marks and đ', () => {
    expect(foldVietnamese('Nguyễn Thị Bích Ngọc')).toBe('nguyen thi bich ngoc');
    expect(foldVietnamese('Lương Văn Đức')).toBe('luong van duc');
    expect(foldVietnamese('ĐẶNG VĂN HÙNG')).toBe('dang van hung');
  });

  it('matches what people type, with or without marks, in any case', () => {
    expect(matchesSearch('ngoc', 'Nguyễn Thị Bích Ngọc')).toBe(true);
    expect(matchesSearch('Ngọc', 'Nguyễn Thị Bích Ngọc')).toBe(true);
    expect(matchesSearch('duc', 'Lương Văn Đức')).toBe(true);
    expect(matchesSearch('  ', 'Ai cũng khớp')).toBe(true);
    expect(matchesSearch('tuan', 'Ngô Minh Tuấn', 'stc-ns-pp')).toBe(true);
    expect(matchesSearch('stc-ns-pp', 'Ngô Minh Tuấn', 'stc-ns-pp')).toBe(true);
    expect(matchesSearch('hoa', 'Lương Văn Đức')).toBe(false);
  });
});

describe('dates as Vietnamese people write them', () => {
  it('reads dd/mm/yyyy: 03/12 is the third of December', () => {
    expect(parseDate('03/12/2026')).toEqual({ ok: true, value: { year: 2026, month: 12, day: 3 } });
    expect(parseDate('3-12-2026')).toEqual({ ok: true, value: { year: 2026, month: 12, day: 3 } });
  });

  it('refuses dates that do not exist, and says why in Vietnamese', () => {
    expect(parseDate('31/02/2026')).toEqual({ ok: false, message: 'Tháng 2/2026 không có ngày 31.' });
    expect(parseDate('12/13/2026')).toEqual({ ok: false, message: 'Tháng 13 không có (từ 1 đến 12).' });
    expect(parseDate('2026-12-03').ok).toBe(false);
    expect(parseDate('').ok).toBe(false);
    expect(parseDate('29/02/2028').ok).toBe(true);
  });

  it('reads a 24-hour time and a month', () => {
    expect(parseTime('17:30')).toEqual({ ok: true, value: { hour: 17, minute: 30 } });
    expect(parseTime('7h05')).toEqual({ ok: true, value: { hour: 7, minute: 5 } });
    expect(parseTime('24:00').ok).toBe(false);
    expect(parseTime('5 PM').ok).toBe(false);
    expect(parseMonth('11/2026')).toEqual({ ok: true, value: '2026-11' });
    expect(parseMonth('13/2026').ok).toBe(false);
  });

  it('sends the instant in Vietnam time and shows instants in Vietnam time', () => {
    expect(parseDateTime('03/12/2026', '17:00')).toEqual({ ok: true, value: '2026-12-03T17:00:00+07:00' });
    expect(parseDateTime('03/12/2026', '')).toMatchObject({ ok: false, field: 'time' });
    // 20:00 UTC is 03:00 the next day in Hanoi.
    expect(dateText('2026-12-02T20:00:00Z')).toBe('03/12/2026');
    expect(timeText('2026-12-02T20:00:00Z')).toBe('03:00');
    expect(longDate('2026-12-08T16:59:00Z')).toBe('ngày 08 tháng 12 năm 2026');
  });

  it('lists months for pickers and steps back across a year', () => {
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(recentPeriods('2026-01', 2, 1)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
  });
});

const rubric: Rubric = {
  id: 'hn-3814',
  version: 1,
  name: 'Khung tiêu chí Hà Nội',
  criteria: [
    { id: 'discipline', label: 'Ý thức tổ chức kỷ luật, phẩm chất đạo đức', max: 20 },
    { id: 'duties', label: 'Kết quả thực hiện chức trách, nhiệm vụ được giao', max: 70 },
    { id: 'bonus', label: 'Điểm thưởng', max: 10 },
  ],
  bands: [
    { grade: 'A', min: 90, label: 'Hoàn thành xuất sắc nhiệm vụ' },
    { grade: 'B', min: 70, label: 'Hoàn thành tốt nhiệm vụ' },
    { grade: 'C', min: 50, label: 'Hoàn thành nhiệm vụ' },
    { grade: 'D', min: 0, label: 'Không hoàn thành nhiệm vụ' },
  ],
  quota: { kind: 'shareOfEvaluated', percent: 30, outstandingPercent: 40 },
};

const approved: Evaluation = {
  employeeId: 'stc-ns-03',
  employeeName: 'Nguyễn Thị Bích Ngọc',
  period: '2026-11',
  unitId: 'stc-ns',
  status: 'APPROVED',
  returnedTo: null,
  version: 7,
  rubricId: 'hn-3814',
  rubricVersion: 1,
  reviewerId: 'stc-ns-pp',
  approverId: 'stc-ns-tp',
  deadlines: {
    selfAssessment: '2026-12-03T23:59:00+07:00',
    review: '2026-12-07T23:59:00+07:00',
    approval: '2026-12-08T23:59:00+07:00',
  },
  selfAssessment: {
    scores: { discipline: 19, duties: 68, bonus: 8 },
    total: 95,
    comment: 'Tự nhận xét',
    submittedAt: null,
  },
  review: {
    scores: { discipline: 19, duties: 67, bonus: 8 },
    total: 94,
    comment: 'Tham mưu kịp thời.',
    reviewedAt: '2026-12-05T09:00:00+07:00',
    reviewerId: 'stc-ns-pp',
  },
  decision: {
    scores: { discipline: 19, duties: 67, bonus: 8 },
    total: 94,
    grade: 'A',
    gradeLabel: 'Hoàn thành xuất sắc nhiệm vụ',
    comment: null,
    approvedAt: '2026-12-08T10:00:00+07:00',
    approverId: 'stc-ns-tp',
    adjusted: false,
    forcedReason: null,
  },
  appeal: null,
  flags: {},
  publishedAt: null,
};

describe('the official evaluation form', () => {
  const doc = evaluationForm(approved, rubric, {
    unitName: 'Phòng Quản lý ngân sách',
    parentUnitName: 'Sở Tài chính',
    category: 'civil_servant',
    reviewerName: 'Ngô Minh Tuấn',
    approverName: null,
    now: new Date('2026-12-20T00:00:00Z'),
  });

  it('names the category, the month and the unit', () => {
    expect(doc.title).toBe('PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC HẰNG THÁNG');
    expect(doc.subtitle).toBe('Tháng 11 năm 2026');
    expect(doc.issuer).toEqual({ parent: 'Sở Tài chính', unit: 'Phòng Quản lý ngân sách' });
    expect(NATION).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(MOTTO).toBe('Độc lập - Tự do - Hạnh phúc');
  });

  it('lists each criterion with its self, reviewer and final points, and the totals', () => {
    expect(doc.table.rows.map((r) => r.cells)).toEqual([
      ['1', 'Ý thức tổ chức kỷ luật, phẩm chất đạo đức', '20', '19', '19', '19'],
      ['2', 'Kết quả thực hiện chức trách, nhiệm vụ được giao', '70', '68', '67', '67'],
      ['3', 'Điểm thưởng', '10', '8', '8', '8'],
    ]);
    expect(doc.table.footer).toEqual(['', 'Tổng cộng', '100', '95', '94', '94']);
  });

  it('states the grade, the comments, the date of the decision and three signature blocks', () => {
    expect(doc.paragraphs[0]).toEqual({
      heading: 'Kết quả xếp loại',
      text: 'Hoàn thành xuất sắc nhiệm vụ (loại A), tổng điểm 94.',
    });
    expect(doc.paragraphs.map((p) => p.heading)).toContain('Nhận xét của lãnh đạo trực tiếp');
    expect(doc.placeDate).toBe(`${PLACE_BLANK}, ngày 08 tháng 12 năm 2026`);
    expect(doc.signatures.map((s) => [s.title, s.name])).toEqual([
      ['NGƯỜI ĐƯỢC ĐÁNH GIÁ', 'Nguyễn Thị Bích Ngọc'],
      ['LÃNH ĐẠO TRỰC TIẾP', 'Ngô Minh Tuấn'],
      ['THỦ TRƯỞNG ĐƠN VỊ', null],
    ]);
  });

  it('gives no grade for an expired month, whatever the self-score', () => {
    const expired = evaluationForm({ ...approved, status: 'EXPIRED', review: null, decision: null }, rubric, {
      unitName: 'Phòng Quản lý ngân sách',
      parentUnitName: null,
      category: null,
      reviewerName: null,
      approverName: null,
      now: new Date('2026-12-20T00:00:00Z'),
    });
    expect(expired.paragraphs[0]?.text).toBe('Phiếu hết hạn khi đóng kỳ: không được xếp loại tháng này.');
    expect(expired.title).toContain('CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC VÀ NGƯỜI LAO ĐỘNG');
    expect(expired.table.footer?.[5]).toBe('—');
  });
});

describe('whose step it is', () => {
  it('follows the status', () => {
    expect(currentStep({ status: 'DRAFT', returnedTo: null })).toBe('self');
    expect(currentStep({ status: 'RETURNED', returnedTo: 'reviewer' })).toBe('review');
    expect(currentStep({ status: 'REVIEWED', returnedTo: null })).toBe('approval');
    expect(currentStep({ status: 'APPROVED', returnedTo: null })).toBeNull();
    expect(currentStep({ status: 'EXPIRED', returnedTo: null })).toBeNull();
  });
});

describe('closing a period early', () => {
  it('counts what would expire', () => {
    expect(
      closeImpact({ counts: { DRAFT: 20, RETURNED: 2, SUBMITTED: 5, REVIEWED: 4, APPROVED: 8 } }),
    ).toEqual({
      drafts: 20,
      returned: 2,
      submitted: 5,
      reviewed: 4,
      notApproved: 31,
    });
  });
});
