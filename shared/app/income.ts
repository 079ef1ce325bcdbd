/**
 * What the results pay, for HR (DOMAIN.md "What the results pay"): per person of a unit, the extra income and
 * bonuses the deployment's table gives for a period's grade (a month or a quarter) or for a year. A calculation
 * HR checks before any payment, not a payment: nothing is written. JSON, CSV (formula-like text neutralised) and
 * XLSX (shared/http/endpoints/exports.ts) are built from the same figures and the same authorization.
 */
import { config } from '../config.ts';
import { periodTitle } from '../domain/calendar.ts';
import { conflict, forbidden, notFound } from '../domain/errors.ts';
import { GRADE_LABELS } from '../domain/grades.ts';
import { type IncomeTable, itemsFor, periodIncome, yearIncome } from '../domain/income.ts';
import { toPoints } from '../domain/points.ts';
import { compareVietnamese } from '../domain/rankings.ts';
import type { Grade } from '../domain/types.ts';
import { inParallel } from '../store/parallel.ts';
import { Access } from './access.ts';
import { annualForEmployee } from './annual.ts';
import type { Caller } from './caller.ts';
import { toCsv } from './csv.ts';
import { notClassifiedLabel } from './reports.ts';

/** A period (`2026-03`, `2026-Q1`) or a calendar year. */
export type IncomeSpan = { kind: 'period'; period: string } | { kind: 'year'; year: number };

export interface IncomeRow {
  employeeId: string;
  name: string;
  dutyGroup: string | null;
  /** The period's final total, or the year's average; null when there is none. */
  points: number | null;
  grade: Grade | null;
  gradeLabel: string;
  /** Item id → amount in the table's currency (whole đồng). */
  amounts: Record<string, number>;
  total: number;
}

export const INCOME_NOTE =
  'Bảng tính theo bảng mức chi đã cấu hình, để cơ quan tổ chức cán bộ kiểm tra; không phải quyết định chi trả.';

/** Admins and HR whose scope holds the unit: what the results pay is HR's to check, not the unit's. */
async function requireIncomeReader(access: Access, unitId: string): Promise<void> {
  if ((await access.chain(unitId)).length === 0) throw notFound('Không tìm thấy đơn vị.');
  if (access.isAdmin || (await access.hrScopeContains(unitId))) return;
  throw forbidden(
    'Chỉ cơ quan tổ chức cán bộ có thẩm quyền với đơn vị này mới xem được bảng thu nhập, tiền thưởng.',
  );
}

function requireTable(): IncomeTable {
  const table = config().incomeTable;
  if (!table) {
    throw conflict(
      'Hệ thống chưa cấu hình bảng thu nhập tăng thêm, tiền thưởng theo xếp loại (INCOME_TABLE); chưa tính được.',
    );
  }
  return table;
}

const sumOf = (amounts: Record<string, number>) => Object.values(amounts).reduce((a, b) => a + b, 0);

export async function readIncome(caller: Caller, span: IncomeSpan, unitId: string | undefined) {
  const access = Access.of(caller);
  const target = unitId ?? (await access.me())?.unitId;
  if (!target) throw notFound('Cần chỉ rõ đơn vị (unitId).');
  await requireIncomeReader(access, target);
  const table = requireTable();
  const unit = await caller.store.org.getUnit(target);
  const columns = itemsFor(table, span.kind).map((i) => ({ id: i.id, label: i.label, per: i.per }));
  let rows: IncomeRow[];
  if (span.kind === 'period') {
    // Everyone evaluated in the unit for the period; only an approved grade is paid.
    const evaluations = await caller.store.evaluations.listByUnit(target, span.period);
    rows = evaluations.map((e) => {
      const grade = e.status === 'APPROVED' && e.decision ? e.decision.grade : null;
      const amounts = periodIncome(table, span.period, grade);
      return {
        employeeId: e.employeeId,
        name: e.employeeName,
        dutyGroup: e.dutyGroup ?? null,
        points: grade !== null && e.decision ? toPoints(e.decision.total) : null,
        grade,
        gradeLabel: grade ? GRADE_LABELS[grade] : 'Chưa được phê duyệt, không xếp loại',
        amounts,
        total: sumOf(amounts),
      };
    });
  } else {
    // The unit's current staff, each with every period of the year wherever they were (as the annual report).
    const staff = await caller.store.org.listUnitStaff(target);
    rows = await inParallel(staff, 8, async (employee) => {
      const year = await annualForEmployee(caller.store, employee, span.year);
      const amounts = yearIncome(table, year.grades, year.grade);
      return {
        employeeId: employee.id,
        name: employee.name,
        dutyGroup: employee.dutyGroup ?? null,
        points: year.average === null ? null : toPoints(year.average),
        grade: year.grade,
        gradeLabel: year.grade ? GRADE_LABELS[year.grade] : notClassifiedLabel(year.periodsInYear),
        amounts,
        total: sumOf(amounts),
      };
    });
  }
  rows.sort((a, b) => compareVietnamese(a.name, b.name) || a.employeeId.localeCompare(b.employeeId));
  const totals: Record<string, number> = {};
  for (const c of columns) totals[c.id] = rows.reduce((n, r) => n + (r.amounts[c.id] ?? 0), 0);
  return {
    unitId: target,
    unitName: unit?.name ?? target,
    period: span.kind === 'period' ? span.period : null,
    year: span.kind === 'year' ? span.year : Number(span.period.slice(0, 4)),
    currency: table.currency,
    columns,
    items: rows,
    /** Per item, over every row. */
    totals,
    grandTotal: sumOf(totals),
    note: INCOME_NOTE,
  };
}

export type IncomeReport = Awaited<ReturnType<typeof readIncome>>;

/** The title of an income report: "Quý I/2026", "Năm 2026". */
export const incomeSpanTitle = (r: Pick<IncomeReport, 'period' | 'year'>) =>
  r.period ? periodTitle(r.period) : `Năm ${r.year}`;

/** The CSV columns (and the XLSX ones): who, the points and grade, then one column per item, then the total. */
export function incomeHeader(r: IncomeReport): string[] {
  return [
    'Mã nhân sự',
    'Họ và tên',
    'Nhóm nhiệm vụ',
    r.period ? 'Tổng điểm' : 'Điểm trung bình năm',
    'Xếp loại',
    'Mức xếp loại',
    ...r.columns.map((c) => `${c.label} (${r.currency})`),
    `Cộng (${r.currency})`,
  ];
}

export function incomeCells(r: IncomeReport): (string | number | null)[][] {
  return r.items.map((i) => [
    i.employeeId,
    i.name,
    i.dutyGroup ?? '',
    i.points,
    i.grade ?? '',
    i.gradeLabel,
    ...r.columns.map((c) => i.amounts[c.id] ?? 0),
    i.total,
  ]);
}

export async function readIncomeCsv(caller: Caller, span: IncomeSpan, unitId: string | undefined) {
  const report = await readIncome(caller, span, unitId);
  const totalRow = [
    '',
    'Tổng cộng',
    '',
    null,
    '',
    '',
    ...report.columns.map((c) => report.totals[c.id] ?? 0),
    report.grandTotal,
  ];
  return { report, csv: toCsv([incomeHeader(report), ...incomeCells(report), totalRow]) };
}
