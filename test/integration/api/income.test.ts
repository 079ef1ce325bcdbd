/**
 * What the results pay, through the API: HR's export of extra income and bonus per person for a quarter and for a
 * year, from a configured table shaped like Ho Chi Minh City's (only B or better, B at most 80% of A), checked
 * against a table worked out by hand; CSV with formula-like text neutralised, XLSX read back with an independent
 * reader; HR in scope only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { approveWith, download, hnScores, rowValues, useConfig, workbook } from '../../support/rules.ts';

let api: TestApi;
const admin = { employeeId: 'admin', groups: ['admin' as const] };
const cityHr = { employeeId: 'hn-hr', groups: ['hr' as const] };
const sgdHr = { employeeId: 'sgd-cv1', groups: ['hr' as const] };
const NS = { reviewer: 'stc-ns-pp', approver: 'stc-ns-tp' };
const FORMULA_NAME = '=HYPERLINK("http://x.example","Bấm")';

const TABLE = {
  items: [
    {
      id: 'extraIncome',
      label: 'Thu nhập tăng thêm',
      per: 'month',
      base: 2_340_000,
      byGrade: { A: 1, B: 0.9 },
      maxPercentOfA: { B: 80 },
    },
    { id: 'bonus', label: 'Tiền thưởng cuối năm', per: 'year', byGrade: { A: 3_000_000, B: 1_500_000 } },
  ],
};

/**
 * By hand, for a quarter: A 1 × 2,340,000 × 3 months = 7,020,000; B 0.9 × 2,340,000 = 2,106,000 a month, above its cap
 * of 80% of A (1,872,000), so 1,872,000 × 3 = 5,616,000; C, D and anyone not approved nothing.
 */
const Q3 = {
  'stc-ns-01': { grade: 'A', points: 92, extraIncome: 7_020_000 },
  'stc-ns-02': { grade: 'B', points: 85, extraIncome: 5_616_000 },
  'stc-ns-03': { grade: 'C', points: 60, extraIncome: 0 },
  'stc-ns-04': { grade: 'D', points: 40, extraIncome: 0 },
  'stc-ns-05': { grade: 'A', points: 91, extraIncome: 7_020_000 },
  'stc-ns-pp': { grade: null, points: null, extraIncome: 0 },
  'stc-ns-tp': { grade: null, points: null, extraIncome: 0 },
} as const;

beforeAll(async () => {
  api = await startTestApi({ label: 'income' });
  // Civil servants quarterly, with a table of what the grades pay.
  useConfig({
    CYCLE_BY_CATEGORY: JSON.stringify({ civil_servant: 'quarterly' }),
    INCOME_TABLE: JSON.stringify(TABLE),
  });
  // A name that a spreadsheet would run as a formula, to see it neutralised.
  const current = (await api.call('GET', '/v1/employees/stc-ns-05', { as: admin })).body;
  const renamed = await api.call('PUT', '/v1/employees/stc-ns-05', {
    as: admin,
    body: {
      name: FORMULA_NAME,
      unitId: current.unitId,
      category: current.category,
      supervisorId: current.supervisorId,
    },
  });
  expect(renamed.status).toBe(200);
  expect((await api.call('POST', '/v1/periods/2030-Q3/open', { as: admin, body: {} })).status).toBe(200);
  for (const [id, row] of Object.entries(Q3)) {
    if (row.points === null) continue;
    const approved = await approveWith(api, id, '2030-Q3', hnScores(row.points), NS);
    expect(approved.body.decision, JSON.stringify(approved.body)).toMatchObject({ grade: row.grade });
  }
});
afterAll(async () => api?.close());

describe('a quarter’s extra income', () => {
  it('pays each person by grade, as worked out by hand', async () => {
    const report = await api.call('GET', '/v1/reports/income/2030-Q3?unitId=stc-ns', { as: cityHr });
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body).toMatchObject({
      unitId: 'stc-ns',
      unitName: 'Phòng Quản lý ngân sách',
      period: '2030-Q3',
      year: 2030,
      currency: 'VND',
      // The yearly bonus is not paid per period.
      columns: [{ id: 'extraIncome', label: 'Thu nhập tăng thêm', per: 'month' }],
    });
    const byId = new Map(report.body.items.map((i: { employeeId: string }) => [i.employeeId, i]));
    expect(byId.size).toBe(Object.keys(Q3).length);
    for (const [id, row] of Object.entries(Q3)) {
      expect(byId.get(id), id).toMatchObject({
        grade: row.grade,
        points: row.points,
        amounts: { extraIncome: row.extraIncome },
        total: row.extraIncome,
      });
    }
    expect(report.body.totals).toEqual({ extraIncome: 19_656_000 });
    expect(report.body.grandTotal).toBe(19_656_000);
    expect(report.body.note).toContain('không phải quyết định chi trả');
  });

  it('gives the same figures as CSV, formula-like text neutralised', async () => {
    const csv = await api.call('GET', '/v1/reports/income/2030-Q3?unitId=stc-ns', {
      as: cityHr,
      headers: { accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="thu-nhap-stc-ns-2030-Q3.csv"');
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const lines = csv.text.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Mã nhân sự,Họ và tên,Nhóm nhiệm vụ,Tổng điểm,Xếp loại,Mức xếp loại,Thu nhập tăng thêm (VND),Cộng (VND)',
    );
    expect(lines).toContain('stc-ns-02,Lương Văn Đức,,85,B,Hoàn thành tốt nhiệm vụ,5616000,5616000');
    expect(lines).toContain(
      `stc-ns-05,"'=HYPERLINK(""http://x.example"",""Bấm"")",,91,A,Hoàn thành xuất sắc nhiệm vụ,7020000,7020000`,
    );
    expect(lines.at(-2)).toBe(',Tổng cộng,,,,,19656000,19656000');
  });

  it('and as XLSX, read back with another reader', async () => {
    const xlsx = await download(api, '/v1/exports/income/2030-Q3?unitId=stc-ns', cityHr);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toBe(
      'attachment; filename="thu-nhap-stc-ns-2030-Q3.xlsx"',
    );
    const sheet = (await workbook(xlsx.bytes)).getWorksheet('Thu nhập, tiền thưởng');
    expect(rowValues(sheet, 1)[0]).toBe(
      'THU NHẬP TĂNG THÊM, TIỀN THƯỞNG THEO KẾT QUẢ XẾP LOẠI — QUÝ III/2030',
    );
    let header = 1;
    while (rowValues(sheet, header)[0] !== 'Mã nhân sự' && header < 20) header++;
    const rows = Array.from({ length: Object.keys(Q3).length + 1 }, (_, i) =>
      rowValues(sheet, header + 1 + i),
    );
    expect(rows.find((r) => r[0] === 'stc-ns-01')).toEqual([
      'stc-ns-01',
      'Trịnh Thị Lan',
      undefined,
      92,
      'A',
      'Hoàn thành xuất sắc nhiệm vụ',
      7_020_000,
      7_020_000,
    ]);
    // In a workbook the name is text, never a formula.
    expect(rows.find((r) => r[0] === 'stc-ns-05')?.[1]).toBe(FORMULA_NAME);
    expect(rows.at(-1)?.slice(-2)).toEqual([19_656_000, 19_656_000]);
  });
});

describe('a year’s extra income and bonus', () => {
  it('sums the year’s periods and pays the bonus on the year’s grade', async () => {
    expect((await api.call('POST', '/v1/periods/2030-Q4/open', { as: admin, body: {} })).status).toBe(200);
    expect((await approveWith(api, 'stc-ns-01', '2030-Q4', hnScores(90), NS)).body.decision.grade).toBe('A');
    expect((await approveWith(api, 'stc-ns-02', '2030-Q4', hnScores(70), NS)).body.decision.grade).toBe('B');
    const report = await api.call('GET', '/v1/reports/income/2030?unitId=stc-ns', { as: admin });
    expect(report.status).toBe(200);
    expect(report.body.columns.map((c: { id: string }) => c.id)).toEqual(['extraIncome', 'bonus']);
    const row = (id: string) => report.body.items.find((i: { employeeId: string }) => i.employeeId === id);
    // Two quarters of A, classified (2 of 4), average 91: 2 × 7,020,000 and the A bonus.
    expect(row('stc-ns-01')).toMatchObject({
      grade: 'A',
      points: 91,
      amounts: { extraIncome: 14_040_000, bonus: 3_000_000 },
      total: 17_040_000,
    });
    // Two quarters of B, average 77.5: 2 × 5,616,000 and the B bonus.
    expect(row('stc-ns-02')).toMatchObject({
      grade: 'B',
      amounts: { extraIncome: 11_232_000, bonus: 1_500_000 },
    });
    // One quarter of four: not classified, no bonus; the quarter's extra income stands.
    expect(row('stc-ns-05')).toMatchObject({
      grade: null,
      gradeLabel: 'Không xếp loại (dưới 2 quý)',
      amounts: { extraIncome: 7_020_000, bonus: 0 },
    });
    expect(report.body.grandTotal).toBe(17_040_000 + 12_732_000 + 7_020_000);
  });
});

describe('who may see it', () => {
  it('HR in scope and admins; not the head of the unit, nor HR elsewhere', async () => {
    expect(
      (await api.call('GET', '/v1/reports/income/2030-Q3?unitId=stc-ns', { as: 'stc-ns-tp' })).status,
    ).toBe(403);
    expect((await api.call('GET', '/v1/reports/income/2030-Q3?unitId=stc-ns', { as: sgdHr })).status).toBe(
      403,
    );
    expect((await download(api, '/v1/exports/income/2030-Q3?unitId=stc-ns', 'stc-ns-tp')).status).toBe(403);
    expect((await api.call('GET', '/v1/reports/income/2030-Q3?unitId=nowhere', { as: admin })).status).toBe(
      404,
    );
    const bad = await api.call('GET', '/v1/reports/income/2030-13?unitId=stc-ns', { as: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('params.period');
  });

  it('says so when the deployment has no table', async () => {
    useConfig({ CYCLE_BY_CATEGORY: JSON.stringify({ civil_servant: 'quarterly' }), INCOME_TABLE: '' });
    const none = await api.call('GET', '/v1/reports/income/2030-Q3?unitId=stc-ns', { as: cityHr });
    expect(none.status).toBe(409);
    expect(none.body.error.message).toContain('INCOME_TABLE');
  });
});
