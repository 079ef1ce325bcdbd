import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { columnName, writeXlsx } from '../../shared/reports/xlsx.ts';

async function open(bytes: Uint8Array) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return book;
}

const sample = {
  creator: 'Thử nghiệm',
  createdAt: '2026-11-09T00:30:00+07:00',
  sheets: [
    {
      name: 'Xếp hạng: tháng 11/2026 [thử] với tên rất dài',
      title: ['BẢNG <XẾP> HẠNG & "kết quả"', 'Dòng hai'],
      columns: [
        { header: 'Họ và tên', width: 30 },
        { header: 'Điểm', width: 10, format: 'decimal2' as const },
        { header: 'Tỷ lệ', width: 10 },
      ],
      rows: [
        ['Nguyễn Thị Ánh\u0007', 94.75, 0.2],
        ['Đỗ Văn Bình', null, 0.5],
      ],
      formats: [{ row: 0, column: 2, format: 'percent1' as const }],
    },
  ],
};

describe('xlsx writer', () => {
  it('names columns as spreadsheets do', () => {
    expect([0, 25, 26, 51, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'ZZ', 'AAA']);
  });

  it('writes a workbook a real reader opens: escaped text, numbers, formats, frozen header', async () => {
    const book = await open(writeXlsx(sample));
    const sheet = book.worksheets[0];
    // Excel's limits: at most 31 characters, none of []:*?/\.
    expect(sheet?.name).toBe('Xếp hạng  tháng 11 2026  thử  v');
    expect(sheet?.getCell('A1').value).toBe('BẢNG <XẾP> HẠNG & "kết quả"');
    expect(sheet?.getCell('A1').font?.bold).toBe(true);
    expect(sheet?.getRow(4).values).toEqual([undefined, 'Họ và tên', 'Điểm', 'Tỷ lệ']);
    expect(sheet?.getCell('A4').font?.bold).toBe(true);
    // A control character XML cannot hold is dropped rather than corrupting the file.
    expect(sheet?.getCell('A5').value).toBe('Nguyễn Thị Ánh');
    expect(sheet?.getCell('B5').value).toBe(94.75);
    expect(sheet?.getCell('B5').numFmt).toBe('0.00');
    expect(sheet?.getCell('C5').numFmt).toBe('0.0%');
    expect(sheet?.getCell('C6').numFmt).not.toBe('0.0%');
    expect(sheet?.getCell('B6').value).toBeNull();
    expect(sheet?.getColumn(1).width).toBe(30);
    expect(sheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(book.creator).toBe('Thử nghiệm');
  });

  it('gives the same bytes for the same data', () => {
    expect(Buffer.from(writeXlsx(sample)).equals(Buffer.from(writeXlsx(sample)))).toBe(true);
  });
});
