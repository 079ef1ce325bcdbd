/**
 * The unit ranking and the annual report as Excel workbooks, with Vietnamese headers, for HR. The data and the
 * authorization are those of the JSON reports (`readRanking`, `readAnnual`), so a workbook never shows more, or
 * other figures, than the API does. The workbooks are written by `shared/reports/xlsx.ts`.
 */
import {
  INCOME_NOTE,
  type IncomeReport,
  incomeCells,
  incomeHeader,
  incomeSpanTitle,
  readIncome,
} from '../../app/income.ts';
import { readAnnual, readRanking } from '../../app/reports.ts';
import { formatVietnamTime, periodTitle } from '../../domain/calendar.ts';
import { GRADE_LABELS } from '../../domain/grades.ts';
import { GRADES } from '../../domain/types.ts';
import { type Sheet, writeXlsx } from '../../reports/xlsx.ts';
import { binaryReply, endpoint } from '../endpoint.ts';
import {
  annualParams,
  annualQuery,
  INCOME_READERS,
  incomeFileName,
  incomeParams,
  incomeQuery,
  REPORT_READERS,
  unitPeriodParams,
} from './reports.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Ranking = Awaited<ReturnType<typeof readRanking>>;
type Annual = Awaited<ReturnType<typeof readAnnual>>;

const CREATOR = 'Hệ thống đánh giá, xếp loại hằng tháng';

/** `THÁNG 03/2026`, `QUÝ I/2026`: the period in a title. */
const periodCaps = (period: string) => periodTitle(period).toUpperCase();
const percent = (basisPoints: number) => basisPoints / 10_000;
const SHARE_A_LABEL = 'Tỷ lệ loại A trong số được phê duyệt';

export function rankingWorkbook(r: Ranking): Uint8Array {
  const p = r.participation;
  const q = r.quota;
  const inflation = r.inflation;
  const summaryRows: Sheet['rows'] = [
    ...GRADES.map((g) => [`Số người xếp loại ${g} (${GRADE_LABELS[g]})`, r.distribution[g]]),
    ['Số phiếu được đánh giá', p.evaluated],
    ['Đã tự đánh giá', p.submitted],
    ['Đã được nhận xét', p.reviewed],
    ['Đã được phê duyệt', p.approved],
    ['Chưa tự đánh giá', p.missing],
    ['Thực hiện trễ hạn', p.late],
    ['Hạn mức loại A: quy tắc', q ? q.rule : 'Không áp dụng'],
    ['Hạn mức loại A: tối đa', q ? q.limit : null],
    ['Hạn mức loại A: đã dùng', q ? q.used : null],
    ['Hạn mức loại A: trong giới hạn', q ? (q.ok ? 'Có' : 'Không') : null],
    [SHARE_A_LABEL, percent(inflation.shareA)],
    ['Chênh lệch bình quân tự chấm − người nhận xét chấm (điểm)', inflation.meanSelfMinusReview],
    ['Mọi người cùng một mức xếp loại', inflation.allSameGrade ? 'Có' : 'Không'],
    ['Số nhận xét giống hệt nhau', inflation.identicalComments],
    ['Dấu hiệu cần lưu ý', inflation.signals.join(', ') || 'Không'],
  ];
  return writeXlsx({
    creator: CREATOR,
    // The data's time, not the download's: the same ranking gives the same workbook.
    createdAt: r.computedAt,
    sheets: [
      {
        name: 'Xếp hạng',
        title: [
          `BẢNG XẾP HẠNG KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ${periodCaps(r.period)}`,
          `Đơn vị: ${r.unitName} (${r.unitId})`,
          `Số liệu tính lúc ${formatVietnamTime(r.computedAt)}`,
        ],
        columns: [
          { header: 'Hạng', width: 8 },
          { header: 'Mã nhân sự', width: 16 },
          { header: 'Họ và tên', width: 32 },
          { header: 'Tổng điểm', width: 12, format: 'decimal2' },
          { header: 'Xếp loại', width: 10 },
          { header: 'Mức xếp loại', width: 32 },
        ],
        rows: r.entries.map((e) => [e.rank, e.employeeId, e.name, e.total, e.grade, e.gradeLabel]),
      },
      {
        name: 'Tổng hợp',
        title: [`TỔNG HỢP KẾT QUẢ ${periodCaps(r.period)} — ${r.unitName}`],
        columns: [
          { header: 'Chỉ tiêu', width: 48 },
          { header: 'Giá trị', width: 16 },
        ],
        rows: summaryRows,
        formats: [
          { row: summaryRows.findIndex((row) => row[0] === SHARE_A_LABEL), column: 1, format: 'percent1' },
        ],
      },
    ],
  });
}

export function annualWorkbook(report: Annual, unitName: string, at: string): Uint8Array {
  return writeXlsx({
    creator: CREATOR,
    createdAt: at,
    sheets: [
      {
        name: `Năm ${report.year}`,
        title: [
          `KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM ${report.year}`,
          `Đơn vị: ${unitName} (${report.unitId})`,
          'Điểm năm là trung bình cộng điểm các kỳ (tháng, quý) đã được phê duyệt, quý tính bằng ba tháng; được đánh giá dưới một nửa số kỳ trong năm thì không xếp loại.',
        ],
        columns: [
          { header: 'Mã nhân sự', width: 16 },
          { header: 'Họ và tên', width: 32 },
          { header: 'Điểm trung bình', width: 16, format: 'decimal2' },
          { header: 'Số tháng được đánh giá', width: 14 },
          { header: 'Xếp loại', width: 10 },
          { header: 'Mức xếp loại', width: 34 },
        ],
        rows: report.items.map((i) => [
          i.employeeId,
          i.name,
          i.average,
          i.monthsCounted,
          i.grade ?? '',
          i.gradeLabel,
        ]),
      },
    ],
  });
}

export function incomeWorkbook(r: IncomeReport, at: string): Uint8Array {
  const rows = incomeCells(r);
  const total = [
    '',
    'Tổng cộng',
    '',
    null,
    '',
    '',
    ...r.columns.map((c) => r.totals[c.id] ?? 0),
    r.grandTotal,
  ];
  const header = incomeHeader(r);
  return writeXlsx({
    creator: CREATOR,
    createdAt: at,
    sheets: [
      {
        name: 'Thu nhập, tiền thưởng',
        title: [
          `THU NHẬP TĂNG THÊM, TIỀN THƯỞNG THEO KẾT QUẢ XẾP LOẠI — ${incomeSpanTitle(r).toUpperCase()}`,
          `Đơn vị: ${r.unitName} (${r.unitId})`,
          INCOME_NOTE,
          ...r.columns.map(
            (c) =>
              `${c.label}: ${c.per === 'month' ? 'theo từng tháng của kỳ' : c.per === 'period' ? 'theo kỳ đánh giá' : 'theo xếp loại năm'}.`,
          ),
        ],
        columns: header.map((h, i) => ({
          header: h,
          width: i === 1 ? 30 : i === 5 ? 30 : i < 6 ? 14 : 18,
          ...(i === 3 ? { format: 'decimal2' as const } : i >= 6 ? { format: 'money' as const } : {}),
        })),
        rows: [...rows, total],
      },
    ],
  });
}

export const exportEndpoints = [
  endpoint({
    method: 'GET',
    path: '/v1/exports/units/{unitId}/rankings/{period}',
    function: 'exports',
    access: 'read',
    summary: 'Unit ranking as XLSX',
    params: unitPeriodParams,
    authorization: { who: 'scoped', rule: `${REPORT_READERS}; the unit's staff once the period is closed` },
    async handler(req) {
      const ranking = await readRanking(req.caller, req.params.unitId, req.params.period);
      return binaryReply(
        rankingWorkbook(ranking),
        XLSX,
        `xep-hang-${req.params.unitId}-${req.params.period}.xlsx`,
      );
    },
  }),
  endpoint({
    method: 'GET',
    path: '/v1/exports/annual/{year}',
    function: 'exports',
    access: 'read',
    summary: 'Annual report as XLSX',
    params: annualParams,
    query: annualQuery,
    authorization: { who: 'scoped', rule: REPORT_READERS },
    async handler(req) {
      const report = await readAnnual(req.caller, req.params.year, req.query.unitId);
      const unit = await req.caller.store.org.getUnit(report.unitId);
      return binaryReply(
        annualWorkbook(report, unit?.name ?? report.unitId, req.caller.now.toISOString()),
        XLSX,
        `bao-cao-nam-${report.year}-${report.unitId}.xlsx`,
      );
    },
  }),
  endpoint({
    method: 'GET',
    path: '/v1/exports/income/{period}',
    function: 'exports',
    access: 'read',
    summary: 'Extra income and bonus per person for a period or a year, as XLSX',
    params: incomeParams,
    query: incomeQuery,
    authorization: { who: 'scoped', rule: INCOME_READERS },
    async handler(req) {
      const report = await readIncome(req.caller, req.params.period, req.query.unitId);
      return binaryReply(
        incomeWorkbook(report, req.caller.now.toISOString()),
        XLSX,
        incomeFileName(report.unitId, req.params.period, 'xlsx'),
      );
    },
  }),
];
