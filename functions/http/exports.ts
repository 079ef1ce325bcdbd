/**
 * Lambda (read-only): the unit ranking and the annual report as Excel workbooks, with Vietnamese headers, for HR.
 * The data and the authorization are those of the JSON reports (`readRanking`, `readAnnual`), so a workbook
 * never shows more, or other figures, than the API does. exceljs is large, hence a function of its own.
 */
import ExcelJS from 'exceljs';
import { readAnnual, readRanking } from '../../shared/app/rankings.ts';
import { formatVietnamTime } from '../../shared/domain/calendar.ts';
import { GRADE_LABELS } from '../../shared/domain/grades.ts';
import { GRADES } from '../../shared/domain/types.ts';
import { binaryReply, httpHandler } from '../../shared/http/handler.ts';
import { getUnit } from '../../shared/store/org-store.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Ranking = Awaited<ReturnType<typeof readRanking>>;
type Annual = Awaited<ReturnType<typeof readAnnual>>;

/** A title block, a bold header row frozen under it, and the rows. */
function table(
  sheet: ExcelJS.Worksheet,
  title: string[],
  columns: { header: string; width: number; format?: string }[],
  rows: (string | number | null)[][],
) {
  for (const line of title) sheet.addRow([line]);
  sheet.getRow(1).font = { bold: true, size: 13 };
  sheet.addRow([]);
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  columns.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = c.width;
    if (c.format) column.numFmt = c.format;
  });
  for (const row of rows) sheet.addRow(row);
  sheet.views = [{ state: 'frozen', ySplit: header.number }];
}

function workbook(createdAt: string): ExcelJS.Workbook {
  const book = new ExcelJS.Workbook();
  book.creator = 'Hệ thống đánh giá, xếp loại hằng tháng';
  // The data's time, not the download's: the same ranking gives the same workbook properties.
  book.created = new Date(createdAt);
  book.modified = new Date(createdAt);
  return book;
}

const month = (period: string) => `${period.slice(5, 7)}/${period.slice(0, 4)}`;
const percent = (basisPoints: number) => basisPoints / 10_000;
const SHARE_A_LABEL = 'Tỷ lệ loại A trong số được phê duyệt';

export async function rankingWorkbook(r: Ranking): Promise<Uint8Array> {
  const book = workbook(r.computedAt);
  table(
    book.addWorksheet('Xếp hạng'),
    [
      `BẢNG XẾP HẠNG KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG ${month(r.period)}`,
      `Đơn vị: ${r.unitName} (${r.unitId})`,
      `Số liệu tính lúc ${formatVietnamTime(r.computedAt)}`,
    ],
    [
      { header: 'Hạng', width: 8 },
      { header: 'Mã nhân sự', width: 16 },
      { header: 'Họ và tên', width: 32 },
      { header: 'Tổng điểm', width: 12, format: '0.00' },
      { header: 'Xếp loại', width: 10 },
      { header: 'Mức xếp loại', width: 32 },
    ],
    r.entries.map((e) => [e.rank, e.employeeId, e.name, e.total, e.grade, e.gradeLabel]),
  );
  const p = r.participation;
  const q = r.quota;
  const inflation = r.inflation;
  table(
    book.addWorksheet('Tổng hợp'),
    [`TỔNG HỢP KẾT QUẢ THÁNG ${month(r.period)} — ${r.unitName}`],
    [
      { header: 'Chỉ tiêu', width: 48 },
      { header: 'Giá trị', width: 16 },
    ],
    [
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
    ],
  );
  book.getWorksheet('Tổng hợp')?.eachRow((row) => {
    if (row.getCell(1).value === SHARE_A_LABEL) row.getCell(2).numFmt = '0.0%';
  });
  return new Uint8Array(await book.xlsx.writeBuffer());
}

export async function annualWorkbook(report: Annual, unitName: string, at: string): Promise<Uint8Array> {
  const book = workbook(at);
  table(
    book.addWorksheet(`Năm ${report.year}`),
    [
      `KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM ${report.year}`,
      `Đơn vị: ${unitName} (${report.unitId})`,
      'Điểm năm là trung bình cộng điểm các tháng đã được phê duyệt; dưới 6 tháng thì không xếp loại.',
    ],
    [
      { header: 'Mã nhân sự', width: 16 },
      { header: 'Họ và tên', width: 32 },
      { header: 'Điểm trung bình', width: 16, format: '0.00' },
      { header: 'Số tháng được đánh giá', width: 14 },
      { header: 'Xếp loại', width: 10 },
      { header: 'Mức xếp loại', width: 34 },
    ],
    report.items.map((i) => [i.employeeId, i.name, i.average, i.monthsCounted, i.grade ?? '', i.gradeLabel]),
  );
  return new Uint8Array(await book.xlsx.writeBuffer());
}

export const handler = httpHandler({
  'GET /v1/exports/units/{unitId}/rankings/{period}': async (req) => {
    const ranking = await readRanking(req, req.params.unitId, req.params.period);
    return binaryReply(
      await rankingWorkbook(ranking),
      XLSX,
      `xep-hang-${req.params.unitId}-${req.params.period}.xlsx`,
    );
  },
  'GET /v1/exports/annual/{year}': async (req) => {
    const report = await readAnnual(req, req.params.year, req.query.unitId);
    const unit = await getUnit(req.db, report.unitId);
    return binaryReply(
      await annualWorkbook(report, unit?.name ?? report.unitId, req.now.toISOString()),
      XLSX,
      `bao-cao-nam-${report.year}-${report.unitId}.xlsx`,
    );
  },
});
