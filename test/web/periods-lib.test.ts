/**
 * The web app's periods: quarters beside months in titles, pickers and their order, as the deployment's cycles say.
 * No DOM.
 */
import { describe, expect, it } from 'vitest';
import type { Evaluation, Rubric } from '../../web/src/api/types.ts';
import { comparePeriods, previousPeriod, recentPeriodsFor } from '../../web/src/lib/dates.ts';
import { formatMoney, formatPeriod } from '../../web/src/lib/format.ts';
import { evaluationForm } from '../../web/src/lib/official.ts';

describe('periods in the web app', () => {
  it('names quarters as people write them', () => {
    expect(formatPeriod('2026-Q1')).toBe('Quý I/2026');
    expect(formatPeriod('2026-Q4')).toBe('Quý IV/2026');
    expect(formatPeriod('2026-11')).toBe('Tháng 11/2026');
  });

  it('orders months and quarters by time', () => {
    expect(['2026-Q2', '2026-12', '2026-Q1', '2026-03', '2025-Q4'].sort(comparePeriods)).toEqual([
      '2025-Q4',
      '2026-Q1',
      '2026-03',
      '2026-Q2',
      '2026-12',
    ]);
    expect(previousPeriod('2026-Q1')).toBe('2025-Q4');
    expect(previousPeriod('2026-Q3')).toBe('2026-Q2');
    expect(previousPeriod('2026-01')).toBe('2025-12');
  });

  it('offers months, quarters or both, newest first', () => {
    expect(recentPeriodsFor(['monthly'], '2026-05', 2, 0)).toEqual(['2026-05', '2026-04', '2026-03']);
    expect(recentPeriodsFor(['quarterly'], '2026-05', 5, 0)).toEqual(['2026-Q2', '2026-Q1', '2025-Q4']);
    expect(recentPeriodsFor(['monthly', 'quarterly'], '2026-04', 1, 0)).toEqual([
      '2026-Q2',
      '2026-04',
      '2026-03',
      '2026-Q1',
    ]);
  });

  it('writes money the Vietnamese way', () => {
    expect(formatMoney(7_020_000)).toBe('7.020.000');
  });
});

describe('the official form of a quarter', () => {
  const rubric: Rubric = {
    id: 'hn-3814',
    version: 1,
    name: 'Khung tiêu chí',
    criteria: [{ id: 'all', label: 'Toàn bộ', max: 100 }],
    bands: [
      { grade: 'A', min: 90, label: 'Hoàn thành xuất sắc nhiệm vụ' },
      { grade: 'B', min: 75, label: 'Hoàn thành tốt nhiệm vụ' },
      { grade: 'C', min: 50, label: 'Hoàn thành nhiệm vụ' },
      { grade: 'D', min: 0, label: 'Không hoàn thành nhiệm vụ' },
    ],
    quota: { kind: 'shareOfB', percent: 20 },
  };
  const expired: Evaluation = {
    employeeId: 'hcm-01',
    employeeName: 'Lê Văn Tám',
    period: '2026-Q1',
    unitId: 'q1',
    status: 'EXPIRED',
    returnedTo: null,
    version: 2,
    rubricId: 'hn-3814',
    rubricVersion: 1,
    reviewerId: 'r',
    approverId: 'a',
    deadlines: {
      selfAssessment: '2026-04-02T23:59:59+07:00',
      review: '2026-04-03T23:59:59+07:00',
      approval: '2026-04-06T23:59:59+07:00',
    },
    selfAssessment: null,
    review: null,
    decision: null,
    appeal: null,
    flags: {},
    publishedAt: null,
  };

  it('is the quarterly form, titled with the quarter', () => {
    const doc = evaluationForm(expired, rubric, {
      unitName: 'Phòng 1',
      parentUnitName: null,
      category: 'civil_servant',
      reviewerName: null,
      approverName: null,
      now: new Date('2026-04-10T00:00:00Z'),
    });
    expect(doc.title).toBe('PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC HẰNG QUÝ');
    expect(doc.subtitle).toBe('Quý I năm 2026');
    expect(JSON.stringify(doc)).toContain('không được xếp loại quý này');
  });
});

describe('a period in words', () => {
  it('shows a close or a reopening under way as work in progress, not as closed', async () => {
    const { periodState } = await import('../../web/src/lib/periods.ts');
    expect(periodState({ status: 'OPEN' })).toBe('đang mở');
    expect(periodState({ status: 'CLOSED' })).toBe('đã đóng');
    expect(periodState({ status: 'OPEN', reopening: true })).toBe('đang mở lại');
    expect(periodState({ status: 'OPEN', closing: true })).toBe('đang đóng');
  });
});
