/**
 * Official documents for the personnel file, as data: the monthly evaluation form ("Phiếu đánh giá, xếp loại
 * chất lượng … hằng tháng"), a unit's ranking and its annual report, each with the national motto header, the
 * issuing unit, a title, the figures, a place-and-date line and signature blocks. One model, two renderers:
 * the print view in the page (print CSS) and the PDF made in the browser (web/src/print/pdf.ts). No DOM.
 */
import type { AnnualReport, Employee, Evaluation, Ranking, Rubric } from '../api/types.ts';
import { longDate } from './dates.ts';
import { formatPercent, formatPeriod, formatPoints, GRADE_LABELS } from './format.ts';

export const NATION = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';
/** The place is written by hand: the app does not know where the unit sits. */
export const PLACE_BLANK = '…………………';

export type Align = 'left' | 'center' | 'right';

export interface OfficialTable {
  caption: string;
  columns: { label: string; align: Align /** Share of the width. */; width: number }[];
  rows: { cells: string[] /** A heading row: its first cell spans the table. */; group?: boolean }[];
  footer?: string[];
}

export interface Signature {
  title: string;
  note: string;
  /** Printed under the space for the signature, when known. */
  name: string | null;
}

export interface OfficialDocument {
  /** File name without extension. */
  fileName: string;
  /** Top left: the body above (may be null) and the unit itself. */
  issuer: { parent: string | null; unit: string };
  title: string;
  subtitle: string;
  fields: { label: string; value: string }[];
  table: OfficialTable;
  paragraphs: { heading: string; text: string }[];
  placeDate: string;
  signatures: Signature[];
}

/** How the person's category is named in the form's title. */
const CATEGORY_TITLE: Record<Employee['category'], string> = {
  cadre: 'CÁN BỘ',
  civil_servant: 'CÔNG CHỨC',
  public_employee: 'VIÊN CHỨC',
  worker: 'NGƯỜI LAO ĐỘNG',
};

const ALL_CATEGORIES_TITLE = 'CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC VÀ NGƯỜI LAO ĐỘNG';

const ROMAN = ['I', 'II', 'III', 'IV'];
const isQuarter = (period: string) => period.includes('-Q');
/** "Tháng 3 năm 2026", "Quý I năm 2026". */
const monthTitle = (period: string) => {
  const [year, part = ''] = period.split('-');
  if (part.startsWith('Q')) return `Quý ${ROMAN[Number(part.slice(1)) - 1] ?? part} năm ${year}`;
  return `Tháng ${Number(part)} năm ${year}`;
};
/** The form's cycle word: "HẰNG THÁNG", or "HẰNG QUÝ" for a quarter. */
const cycleWord = (period: string) => (isQuarter(period) ? 'HẰNG QUÝ' : 'HẰNG THÁNG');

const placeDate = (instant: Date | string) => `${PLACE_BLANK}, ${longDate(instant)}`;

const SIGN_NOTE = '(Ký, ghi rõ họ tên)';

export interface EvaluationFormContext {
  unitName: string;
  parentUnitName: string | null;
  category: Employee['category'] | null;
  reviewerName: string | null;
  approverName: string | null;
  /** When the form is printed (used for the date line when the month is not yet approved). */
  now: Date;
}

function gradeText(e: Evaluation): string {
  if (e.decision) {
    const appeal = e.appeal?.status === 'ACCEPTED' ? ' (đã điều chỉnh sau khi giải quyết khiếu nại)' : '';
    return `${GRADE_LABELS[e.decision.grade]} (loại ${e.decision.grade}), tổng điểm ${formatPoints(e.decision.total)}${appeal}.`;
  }
  if (e.status === 'EXPIRED')
    return `Phiếu hết hạn khi đóng kỳ: không được xếp loại ${isQuarter(e.period) ? 'quý' : 'tháng'} này.`;
  return 'Chưa được thủ trưởng đơn vị phê duyệt, xếp loại.';
}

export function evaluationForm(e: Evaluation, rubric: Rubric, ctx: EvaluationFormContext): OfficialDocument {
  const rows: OfficialTable['rows'] = [];
  let group: string | undefined;
  let n = 0;
  for (const c of rubric.criteria) {
    if (c.group && c.group !== group) rows.push({ cells: [c.group], group: true });
    group = c.group;
    n++;
    rows.push({
      cells: [
        String(n),
        c.label,
        formatPoints(c.max),
        formatPoints(e.selfAssessment?.scores[c.id]),
        formatPoints(e.review?.scores[c.id]),
        formatPoints(e.decision?.scores[c.id]),
      ],
    });
  }
  const maxTotal = rubric.criteria.reduce((s, c) => s + Math.round(c.max * 100), 0) / 100;
  const paragraphs: OfficialDocument['paragraphs'] = [
    { heading: 'Kết quả xếp loại', text: gradeText(e) },
    { heading: 'Tự nhận xét của người được đánh giá', text: e.selfAssessment?.comment ?? '' },
    { heading: 'Nhận xét của lãnh đạo trực tiếp', text: e.review?.comment ?? '' },
    { heading: 'Ý kiến của thủ trưởng đơn vị', text: e.decision?.comment ?? '' },
  ];
  if (e.decision?.forcedReason) paragraphs.push({ heading: 'Ghi chú', text: e.decision.forcedReason });
  if (e.appeal) {
    const outcome =
      e.appeal.status === 'PENDING'
        ? 'đang chờ giải quyết'
        : e.appeal.status === 'ACCEPTED'
          ? 'được chấp nhận'
          : 'không được chấp nhận';
    paragraphs.push({
      heading: 'Khiếu nại',
      text: `${e.appeal.reason} — ${outcome}${e.appeal.comment ? `: ${e.appeal.comment}` : '.'}`,
    });
  }
  return {
    fileName: `phieu-danh-gia-${e.employeeId}-${e.period}`,
    issuer: { parent: ctx.parentUnitName, unit: ctx.unitName },
    title: `PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ${ctx.category ? CATEGORY_TITLE[ctx.category] : ALL_CATEGORIES_TITLE} ${cycleWord(e.period)}`,
    subtitle: monthTitle(e.period),
    fields: [
      { label: 'Họ và tên', value: e.employeeName },
      { label: 'Mã nhân sự', value: e.employeeId },
      { label: 'Đơn vị công tác', value: ctx.unitName },
      { label: 'Bộ tiêu chí', value: `${rubric.name} (phiên bản ${e.rubricVersion})` },
    ],
    table: {
      caption: 'Điểm theo từng tiêu chí',
      columns: [
        { label: 'STT', align: 'center', width: 5 },
        { label: 'Tiêu chí', align: 'left', width: 35 },
        { label: 'Điểm tối đa', align: 'right', width: 10 },
        { label: 'Tự chấm', align: 'right', width: 10 },
        { label: 'Lãnh đạo trực tiếp chấm', align: 'right', width: 13 },
        { label: 'Thủ trưởng đơn vị quyết định', align: 'right', width: 14 },
      ],
      rows,
      footer: [
        '',
        'Tổng cộng',
        formatPoints(maxTotal),
        formatPoints(e.selfAssessment?.total),
        formatPoints(e.review?.total),
        formatPoints(e.decision?.total),
      ],
    },
    paragraphs,
    placeDate: placeDate(e.decision?.approvedAt ?? ctx.now),
    signatures: [
      { title: 'NGƯỜI ĐƯỢC ĐÁNH GIÁ', note: SIGN_NOTE, name: e.employeeName },
      { title: 'LÃNH ĐẠO TRỰC TIẾP', note: SIGN_NOTE, name: ctx.reviewerName },
      { title: 'THỦ TRƯỞNG ĐƠN VỊ', note: SIGN_NOTE, name: ctx.approverName },
    ],
  };
}

const REPORT_SIGNATURES: Signature[] = [
  { title: 'NGƯỜI LẬP BIỂU', note: SIGN_NOTE, name: null },
  { title: 'THỦ TRƯỞNG ĐƠN VỊ', note: '(Ký, ghi rõ họ tên, đóng dấu)', name: null },
];

export function rankingDocument(
  ranking: Ranking,
  ctx: { parentUnitName: string | null; now: Date },
): OfficialDocument {
  const d = ranking.distribution;
  const counted = d.A + d.B + d.C + d.D;
  const share = (n: number) => (counted === 0 ? '—' : formatPercent((n / counted) * 100));
  return {
    fileName: `xep-hang-${ranking.unitId}-${ranking.period}`,
    issuer: { parent: ctx.parentUnitName, unit: ranking.unitName },
    title: `BẢNG XẾP HẠNG KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ${cycleWord(ranking.period)}`,
    subtitle: `${formatPeriod(ranking.period)} — ${ranking.unitName}`,
    fields: [
      { label: 'Số người được đánh giá', value: String(ranking.participation.evaluated) },
      { label: 'Số người đã được phê duyệt, xếp loại', value: String(ranking.entries.length) },
    ],
    table: {
      caption: 'Xếp hạng theo tổng điểm',
      columns: [
        { label: 'Hạng', align: 'center', width: 8 },
        { label: 'Họ và tên', align: 'left', width: 40 },
        { label: 'Tổng điểm', align: 'right', width: 14 },
        { label: 'Xếp loại', align: 'left', width: 38 },
      ],
      rows: ranking.entries.map((e) => ({
        cells: [String(e.rank), e.name, formatPoints(e.total), `${e.grade} — ${e.gradeLabel}`],
      })),
    },
    paragraphs: [
      {
        heading: 'Tổng hợp',
        text: `Loại A: ${d.A} (${share(d.A)}); loại B: ${d.B} (${share(d.B)}); loại C: ${d.C} (${share(d.C)}); loại D: ${d.D} (${share(d.D)}).`,
      },
    ],
    placeDate: placeDate(ctx.now),
    signatures: REPORT_SIGNATURES,
  };
}

export function annualDocument(
  report: AnnualReport,
  ctx: { unitName: string; parentUnitName: string | null; now: Date },
): OfficialDocument {
  return {
    fileName: `bao-cao-nam-${report.year}-${report.unitId}`,
    issuer: { parent: ctx.parentUnitName, unit: ctx.unitName },
    title: 'BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM',
    subtitle: `Năm ${report.year} — ${ctx.unitName}`,
    fields: [{ label: 'Số người', value: String(report.items.length) }],
    table: {
      caption: 'Kết quả năm theo điểm trung bình các tháng',
      columns: [
        { label: 'STT', align: 'center', width: 7 },
        { label: 'Họ và tên', align: 'left', width: 37 },
        { label: 'Điểm trung bình', align: 'right', width: 14 },
        { label: 'Số tháng', align: 'right', width: 10 },
        { label: 'Xếp loại năm', align: 'left', width: 32 },
      ],
      rows: report.items.map((r, i) => ({
        cells: [
          String(i + 1),
          r.name,
          formatPoints(r.average),
          String(r.monthsCounted),
          r.grade ? `${r.grade} — ${r.gradeLabel}` : r.gradeLabel,
        ],
      })),
    },
    paragraphs: [
      {
        heading: 'Căn cứ',
        text: 'Xếp loại năm theo điểm trung bình các kỳ đánh giá trong năm (Nghị định 335/2025/NĐ-CP, Điều 21), quý tính bằng ba tháng; được đánh giá dưới một nửa số kỳ trong năm (dưới 6 tháng, dưới 2 quý) thì không xếp loại.',
      },
    ],
    placeDate: placeDate(ctx.now),
    signatures: REPORT_SIGNATURES,
  };
}
