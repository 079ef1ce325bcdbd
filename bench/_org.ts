/** A generated organisation for benchmarks: units of 20 (a head, a deputy who reviews, 18 staff), period open. */

import { runJobInline } from '../shared/app/jobs/runner.ts';
import { createPeriodRecord } from '../shared/app/periods/open.ts';
import { periodOf } from '../shared/domain/calendar.ts';
import type { BulkRecord } from '../shared/store/bulk-store.ts';
import type { Employee, Unit } from '../shared/store/entities.ts';
import type { Store } from '../shared/store/store.ts';

const unitItem = (unit: Unit): BulkRecord => ({ kind: 'unit', unit });
const employeeItem = (employee: Employee): BulkRecord => ({ kind: 'employee', employee });

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Quốc', 'Ngọc'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dung', 'Hà', 'Hùng', 'Lan', 'Mai', 'Nam', 'Thảo', 'Tuấn', 'Yến'];

export async function seedBenchOrg(store: Store, staff: number) {
  const at = new Date().toISOString();
  const items: BulkRecord[] = [
    unitItem({ id: 'root', name: 'Thành phố', parentId: null, outstanding: false, updatedAt: at }),
  ];
  const employees: { id: string; reviewerId: string; approverId: string }[] = [];
  const perUnit = 20;
  const units = Math.ceil(staff / perUnit);
  items.push(
    employeeItem({
      id: 'root-head',
      name: 'Chủ tịch',
      unitId: 'root',
      category: 'cadre',
      supervisorId: null,
      isUnitHead: true,
      email: null,
      active: true,
      flags: {},
      updatedAt: at,
    }),
  );
  for (let u = 0; u < units; u++) {
    const unitId = `u${u}`;
    items.push(
      unitItem({ id: unitId, name: `Đơn vị ${u}`, parentId: 'root', outstanding: false, updatedAt: at }),
    );
    for (let i = 0; i < perUnit && u * perUnit + i < staff; i++) {
      const id = `${unitId}-e${i}`;
      const n = u * perUnit + i;
      const name = `${FAMILY[n % FAMILY.length]} ${MIDDLE[n % MIDDLE.length]} ${GIVEN[n % GIVEN.length]}`;
      const head = i === 0;
      const supervisorId = head ? null : i === 1 ? `${unitId}-e0` : `${unitId}-e1`;
      items.push(
        employeeItem({
          id,
          name,
          unitId,
          category: 'civil_servant',
          supervisorId,
          isUnitHead: head,
          email: null,
          active: true,
          flags: {},
          updatedAt: at,
        }),
      );
      if (!head) employees.push({ id, reviewerId: supervisorId ?? '', approverId: `${unitId}-e0` });
    }
  }
  await store.bulk.load(items);
  const period = periodOf(at) ?? '';
  await createPeriodRecord(store, period, undefined, at, 'bench');
  await runJobInline(store, 'open-period', { target: period, fresh: true });
  return { period, units, employees };
}
