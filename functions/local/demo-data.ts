/**
 * Demo data for `npm start`: a small city (a root, four departments and wards, some with sub-units), 40 staff
 * with Vietnamese names, unit heads and supervisors, and the current month open with a few evaluations already
 * moving. Everything goes through the same use cases the API uses, so the demo obeys every rule.
 */

import { clientPrincipal, type Principal } from '../../shared/app/caller.ts';
import { transitionAndPresent } from '../../shared/app/evaluations.ts';
import { runJobInline } from '../../shared/app/jobs/runner.ts';
import { createPeriodRecord } from '../../shared/app/periods/open.ts';
import { feedProducts } from '../../shared/app/products.ts';
import { config } from '../../shared/config.ts';
import { periodOf } from '../../shared/domain/calendar.ts';
import { periodContaining } from '../../shared/domain/cycles.ts';
import type { Action, EmployeeCategory } from '../../shared/domain/types.ts';
import { EMPLOYEE_CATEGORIES } from '../../shared/domain/types.ts';
import type { Employee, Unit } from '../../shared/store/entities.ts';
import type { Store } from '../../shared/store/store.ts';

interface DemoUnit {
  id: string;
  name: string;
  parentId: string | null;
  outstanding?: boolean;
}

export const DEMO_UNITS: DemoUnit[] = [
  { id: 'hn', name: 'UBND Thành phố Hà Nội (dữ liệu mẫu)', parentId: null },
  { id: 'snv', name: 'Sở Nội vụ', parentId: 'hn' },
  { id: 'stc', name: 'Sở Tài chính', parentId: 'hn', outstanding: true },
  { id: 'stc-ns', name: 'Phòng Quản lý ngân sách', parentId: 'stc' },
  { id: 'stc-gia', name: 'Phòng Quản lý giá và công sản', parentId: 'stc' },
  { id: 'sgd', name: 'Sở Giáo dục và Đào tạo', parentId: 'hn' },
  { id: 'sgd-tc', name: 'Phòng Tổ chức cán bộ', parentId: 'sgd' },
  { id: 'phk', name: 'UBND Phường Hoàn Kiếm', parentId: 'hn' },
];

type Row = [
  id: string,
  name: string,
  unitId: string,
  category: EmployeeCategory,
  supervisorId: string | null,
  head?: boolean,
];

/** Heads first in each unit; a supervisor is the person who assigns the work (often a deputy). */
const STAFF: Row[] = [
  ['hn-ct', 'Trần Sỹ Thanh', 'hn', 'cadre', null, true],
  ['hn-hr', 'Nguyễn Thị Thu Hà', 'hn', 'civil_servant', 'hn-ct'],
  ['snv-gd', 'Vũ Thu Hà', 'snv', 'civil_servant', null, true],
  ['snv-pgd', 'Đặng Văn Hùng', 'snv', 'civil_servant', 'snv-gd'],
  ['snv-cv1', 'Lê Thị Mai Anh', 'snv', 'civil_servant', 'snv-pgd'],
  ['snv-cv2', 'Phạm Quốc Khánh', 'snv', 'civil_servant', 'snv-pgd'],
  ['snv-cv3', 'Hoàng Thị Ngọc Ánh', 'snv', 'public_employee', 'snv-pgd'],
  ['stc-gd', 'Nguyễn Xuân Lưu', 'stc', 'civil_servant', null, true],
  ['stc-vp', 'Bùi Thị Hồng Nhung', 'stc', 'civil_servant', 'stc-gd'],
  ['stc-lx', 'Đỗ Văn Tám', 'stc', 'worker', 'stc-vp'],
  ['stc-ns-tp', 'Phạm Thị Thanh Hương', 'stc-ns', 'civil_servant', null, true],
  ['stc-ns-pp', 'Ngô Minh Tuấn', 'stc-ns', 'civil_servant', 'stc-ns-tp'],
  ['stc-ns-01', 'Trịnh Thị Lan', 'stc-ns', 'civil_servant', 'stc-ns-pp'],
  ['stc-ns-02', 'Lương Văn Đức', 'stc-ns', 'civil_servant', 'stc-ns-pp'],
  ['stc-ns-03', 'Nguyễn Thị Bích Ngọc', 'stc-ns', 'civil_servant', 'stc-ns-pp'],
  ['stc-ns-04', 'Đinh Quang Huy', 'stc-ns', 'civil_servant', 'stc-ns-pp'],
  ['stc-ns-05', 'Ánh Dương Thị Yến', 'stc-ns', 'civil_servant', 'stc-ns-pp'],
  ['stc-gia-tp', 'Võ Thành Trung', 'stc-gia', 'civil_servant', null, true],
  ['stc-gia-01', 'Tạ Thị Thuỷ', 'stc-gia', 'civil_servant', 'stc-gia-tp'],
  ['stc-gia-02', 'Kiều Văn Bình', 'stc-gia', 'civil_servant', 'stc-gia-tp'],
  ['stc-gia-03', 'Mai Thị Phương', 'stc-gia', 'public_employee', 'stc-gia-tp'],
  ['sgd-gd', 'Trần Thế Cương', 'sgd', 'civil_servant', null, true],
  ['sgd-pgd', 'Lê Thị Thanh Thuỷ', 'sgd', 'civil_servant', 'sgd-gd'],
  ['sgd-cv1', 'Phan Đức Thắng', 'sgd', 'civil_servant', 'sgd-pgd'],
  ['sgd-cv2', 'Đoàn Thị Hải Yến', 'sgd', 'public_employee', 'sgd-pgd'],
  ['sgd-tc-tp', 'Hà Văn Long', 'sgd-tc', 'civil_servant', null, true],
  ['sgd-tc-01', 'Châu Thị Kim Oanh', 'sgd-tc', 'civil_servant', 'sgd-tc-tp'],
  ['sgd-tc-02', 'Lý Minh Quân', 'sgd-tc', 'civil_servant', 'sgd-tc-tp'],
  ['sgd-tc-03', 'Quách Thị Diệu Linh', 'sgd-tc', 'public_employee', 'sgd-tc-tp'],
  ['phk-ct', 'Phạm Tuấn Long', 'phk', 'cadre', null, true],
  ['phk-pct', 'Nguyễn Thị Hồng Vân', 'phk', 'cadre', 'phk-ct'],
  ['phk-vp', 'Trương Công Định', 'phk', 'civil_servant', 'phk-pct'],
  ['phk-dc', 'Đặng Thị Ngân', 'phk', 'civil_servant', 'phk-pct'],
  ['phk-tp', 'Vương Đình Khôi', 'phk', 'civil_servant', 'phk-pct'],
  ['phk-vh', 'Hồ Thị Thanh Tâm', 'phk', 'civil_servant', 'phk-pct'],
  ['phk-yt', 'Lại Văn Sơn', 'phk', 'public_employee', 'phk-pct'],
  ['phk-ca', 'Khổng Minh Nhật', 'phk', 'cadre', 'phk-ct'],
  ['phk-bv', 'Tô Văn Hậu', 'phk', 'worker', 'phk-vp'],
  ['phk-tv', 'Âu Thị Kiều Trang', 'phk', 'worker', 'phk-vp'],
  ['phk-hd', 'Ông Văn Chiến', 'phk', 'worker', 'phk-vp'],
];

/**
 * The income table `npm start` uses when INCOME_TABLE is not set, so that HR's income page has figures to show. A
 * demonstration only, shaped like Ho Chi Minh City's rule (only B or better receives extra income, B at most 80% of
 * A), on the 2,340,000 đồng base salary (mức lương cơ sở from 1/7/2024): a city configures its own amounts.
 */
export const DEMO_INCOME_TABLE = {
  items: [
    {
      id: 'extraIncome',
      label: 'Thu nhập tăng thêm',
      per: 'month',
      base: 2_340_000,
      byGrade: { A: 1, B: 0.8 },
      maxPercentOfA: { B: 80 },
    },
    { id: 'bonus', label: 'Tiền thưởng cuối năm', per: 'year', byGrade: { A: 3_000_000, B: 1_500_000 } },
  ],
};

/** Demo sign-ins, by role, as the start banner shows them. */
export const DEMO_ACCOUNTS = [
  { role: 'Nhân viên (employee)', employeeId: 'stc-ns-03', groups: [] as string[] },
  { role: 'Người nhận xét (reviewer)', employeeId: 'stc-ns-pp', groups: [] as string[] },
  { role: 'Trưởng phòng phê duyệt (approver)', employeeId: 'stc-ns-tp', groups: [] as string[] },
  { role: 'Cán bộ tổ chức toàn thành phố (HR)', employeeId: 'hn-hr', groups: ['hr'] },
  { role: 'Quản trị (admin)', employeeId: 'admin', groups: ['admin'] },
];

export async function seedDemo(
  store: Store,
  now = new Date(),
): Promise<{ period: string; units: number; staff: number }> {
  const at = now.toISOString();
  const audit = { at, actorId: 'seed', action: 'create' };
  for (const u of DEMO_UNITS) {
    const unit: Unit = {
      id: u.id,
      name: u.name,
      parentId: u.parentId,
      outstanding: u.outstanding ?? false,
      updatedAt: at,
    };
    await store.org.putUnit(unit, { ...audit, entity: 'unit', entityId: u.id });
  }
  for (const [id, name, unitId, category, supervisorId, head] of STAFF) {
    const employee: Employee = {
      id,
      name,
      unitId,
      category,
      supervisorId,
      isUnitHead: head ?? false,
      email: `${id}@demo.hanoi.gov.vn`,
      active: true,
      flags: {},
      updatedAt: at,
    };
    await store.org.putEmployee(employee, { ...audit, entity: 'employee', entityId: id });
  }
  const month = periodOf(at);
  if (!month) throw new Error('cannot tell the current period');
  // Opened as HR would: each period running now (the month, or the quarter where a category is quarterly) with its
  // calendar, then the open-period job creates the drafts.
  const cycles = config().cycles;
  const running = [...new Set(EMPLOYEE_CATEGORIES.map((c) => periodContaining(cycles, c, month)))];
  for (const open of running) {
    await createPeriodRecord(store, open, undefined, at, 'seed');
    await runJobInline(store, 'open-period', { target: open, now, fresh: true });
  }
  // The evaluations in motion below are civil servants'.
  const period = periodContaining(cycles, 'civil_servant', month);

  // A month in motion: some have submitted, some are reviewed, two are approved.
  const as = (employeeId: string): Principal => ({ employeeId, groups: [] });
  const act = (who: string, employeeId: string, action: Action) =>
    transitionAndPresent({ store, principal: as(who), now }, employeeId, period, action, { ifMatch: null });
  const selfScores: Record<string, [number, number, number]> = {
    'stc-ns-01': [19, 65, 6],
    'stc-ns-02': [18, 60, 3],
    'stc-ns-04': [20, 68, 7.5],
    'stc-ns-05': [17.5, 55, 0],
    'stc-gia-01': [19, 62, 4],
    'stc-gia-02': [16, 50, 0],
  };
  for (const [employeeId, [discipline, duties, bonus]] of Object.entries(selfScores)) {
    await act(employeeId, employeeId, {
      type: 'saveSelfAssessment',
      scores: { discipline, duties, bonus },
      comment: 'Hoàn thành các nhiệm vụ được giao trong tháng.',
    });
    await act(employeeId, employeeId, { type: 'submit' });
  }
  await act('stc-ns-pp', 'stc-ns-01', {
    type: 'review',
    scores: { discipline: 19, duties: 64, bonus: 6 },
    comment: 'Chủ động tham mưu dự toán ngân sách quý IV, đúng hạn.',
  });
  await act('stc-ns-pp', 'stc-ns-02', {
    type: 'review',
    scores: { discipline: 18, duties: 58, bonus: 2 },
    comment: 'Hoàn thành khối lượng công việc, cần chú ý thời hạn báo cáo.',
  });
  await act('stc-ns-pp', 'stc-ns-04', {
    type: 'review',
    scores: { discipline: 20, duties: 66, bonus: 6 },
    comment: 'Xử lý nhanh hồ sơ thẩm định, chất lượng tốt.',
  });
  await act('stc-gia-tp', 'stc-gia-01', {
    type: 'review',
    scores: { discipline: 19, duties: 60, bonus: 3 },
    comment: null,
  });
  await act('stc-gia-tp', 'stc-gia-01', { type: 'approve', scores: null, comment: null });
  await act('stc-ns-tp', 'stc-ns-02', { type: 'approve', scores: null, comment: null });

  // The Department of Finance's document system has fed this month's converted products of two of its staff.
  const day = (d: number) => `${period}-${String(d).padStart(2, '0')}`;
  await feedProducts(
    { store, principal: clientPrincipal({ clientId: 'qlvb-stc', scopes: ['tasks:write'] }), now },
    { kind: 'client', clientId: 'qlvb-stc', config: { units: ['stc'], sources: ['qlvb-stc'] } },
    'qlvb-stc',
    [
      ['stc-ns-03', 'VB-0412', 'Báo cáo thẩm định dự toán ngân sách quý IV', 1.5, day(10), day(9), 0, 0],
      ['stc-ns-03', 'VB-0437', 'Tờ trình phân bổ kinh phí sự nghiệp giáo dục', 1, day(15), day(17), 0, 1],
      ['stc-ns-03', 'VB-0451', 'Công văn trả lời kiến nghị của UBND phường', 0.5, day(20), null, 0, 0],
      ['stc-ns-05', 'VB-0420', 'Báo cáo tình hình giải ngân vốn đầu tư công', 1, day(12), day(12), 1, 0],
    ].map(([employeeId, sourceId, title, weight, dueAt, completedAt, majorErrors, delays]) => ({
      employeeId: String(employeeId),
      period,
      sourceId: String(sourceId),
      title: String(title),
      weight: Number(weight),
      dueAt: dueAt as string,
      completedAt: completedAt as string | null,
      majorErrors: Number(majorErrors),
      delays: Number(delays),
    })),
  );
  return { period, units: DEMO_UNITS.length, staff: STAFF.length };
}
