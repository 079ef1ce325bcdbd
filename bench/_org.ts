/** A generated organisation for benchmarks: units of 20 (a head, a deputy who reviews, 18 staff), period open. */

import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { openPeriod } from '../shared/app/periods.ts';
import { periodOf } from '../shared/domain/calendar.ts';
import type { Db } from '../shared/store/client.ts';
import { keys } from '../shared/store/keys.ts';
import { employeeItem, unitItem } from '../shared/store/org-store.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Quốc', 'Ngọc'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dung', 'Hà', 'Hùng', 'Lan', 'Mai', 'Nam', 'Thảo', 'Tuấn', 'Yến'];

export async function seedBenchOrg(db: Db, staff: number) {
  const at = new Date().toISOString();
  const items: Record<string, unknown>[] = [
    unitItem({ id: 'root', name: 'Thành phố', parentId: null, outstanding: false, updatedAt: at }),
  ];
  const employees: { id: string; reviewerId: string; approverId: string }[] = [];
  const perUnit = 20;
  const units = Math.ceil(staff / perUnit);
  items.push({
    ...keys.employee('root-head', 'root'),
    ...{
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
    },
  });
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
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
      [db.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (request && Object.keys(request).length > 0) {
      const out = await db.doc.send(new BatchWriteCommand({ RequestItems: request }));
      request = out.UnprocessedItems as typeof request;
    }
  }
  const period = periodOf(at) ?? '';
  await openPeriod(db, period, undefined, at, 'bench');
  return { period, units, employees };
}
