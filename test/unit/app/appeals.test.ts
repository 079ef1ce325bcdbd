/**
 * The pending appeals list on the in-memory store: a marker written with the appeal and removed with its
 * decision, shown to whom the decision rule allows (the approver's approver, HR in scope), to admins with
 * `mayDecide: false`, and to nobody else.
 */
import { describe, expect, it } from 'vitest';
import { MAX_APPEAL_REASON_SHOWN, readPendingAppeals, shorten } from '../../../shared/app/appeals.ts';
import { transitionAndPresent } from '../../../shared/app/evaluations.ts';
import { closePeriodForCaller } from '../../../shared/app/periods/periods.ts';
import { demoCity } from './support.ts';

async function closedWithAppeals() {
  const city = await demoCity();
  const { as, period } = city;
  await closePeriodForCaller(as('admin', ['admin']), period);
  // Approved in the demo: stc-ns-02 (by the head of stc-ns) and stc-gia-01 (by the head of stc-gia).
  const long = `Đề nghị xem xét lại điểm kết quả thực hiện nhiệm vụ. ${'Tôi đã hoàn thành đúng hạn. '.repeat(20)}`;
  const minute = (n: number) => new Date(Date.now() + n * 60_000);
  await transitionAndPresent(
    as('stc-ns-02', [], minute(1)),
    'stc-ns-02',
    period,
    { type: 'appeal', reason: long },
    { ifMatch: null },
  );
  await transitionAndPresent(
    as('stc-gia-01', [], minute(2)),
    'stc-gia-01',
    period,
    { type: 'appeal', reason: 'Điểm chưa phản ánh đúng.' },
    { ifMatch: null },
  );
  return { ...city, long };
}

const ids = (list: { items: { employeeId: string }[] }) => list.items.map((i) => i.employeeId);

describe('pending appeals', () => {
  it('lists them for the approver’s approver and HR in scope, and for nobody else but admins', async () => {
    const { as, period, store, long } = await closedWithAppeals();
    const forHead = await readPendingAppeals(as('stc-gd'), period);
    expect(ids(forHead)).toEqual(['stc-ns-02', 'stc-gia-01']);
    const record = await store.periods.get(period);
    expect(forHead.items[0]).toMatchObject({
      employeeName: 'Lương Văn Đức',
      unitId: 'stc-ns',
      unitName: 'Phòng Quản lý ngân sách',
      grade: expect.any(String),
      gradeLabel: expect.any(String),
      reasonTruncated: true,
      deadline: record?.appealDeadline,
      mayDecide: true,
    });
    expect(Array.from(forHead.items[0]?.reason ?? '')).toHaveLength(MAX_APPEAL_REASON_SHOWN);
    expect(long.startsWith((forHead.items[0]?.reason ?? '').slice(0, -1))).toBe(true);
    expect(ids(await readPendingAppeals(as('hn-hr', ['hr']), period))).toEqual(['stc-ns-02', 'stc-gia-01']);
    // The approvers of the decisions, the appellants, colleagues and HR elsewhere: nothing to decide.
    for (const who of ['stc-ns-tp', 'stc-gia-tp', 'stc-ns-02', 'stc-ns-01', 'hn-ct']) {
      expect(ids(await readPendingAppeals(as(who), period)), who).toEqual([]);
    }
    expect(ids(await readPendingAppeals(as('sgd-tc-01', ['hr']), period))).toEqual([]);
    const admin = await readPendingAppeals(as('admin', ['admin']), period);
    expect(admin.items.map((i) => [i.employeeId, i.mayDecide])).toEqual([
      ['stc-ns-02', false],
      ['stc-gia-01', false],
    ]);
  });

  it('the decision removes the appeal from the list in the same write, and the count stays', async () => {
    const { as, period, store } = await closedWithAppeals();
    await transitionAndPresent(
      as('stc-gd'),
      'stc-ns-02',
      period,
      { type: 'decideAppeal', accept: false, scores: null, comment: 'Giữ nguyên kết quả.' },
      { ifMatch: null },
    );
    expect(ids(await readPendingAppeals(as('stc-gd'), period))).toEqual(['stc-gia-01']);
    expect(store.tables.pendingAppeals.size).toBe(1);
    expect((await store.periods.get(period))?.appealsFiled).toBe(2);
  });

  it('cuts a reason by characters, never inside a letter', () => {
    expect(shorten('Tốt', 200)).toEqual({ text: 'Tốt', truncated: false });
    expect(shorten('ắắắắ', 3)).toEqual({ text: 'ắắ…', truncated: true });
    expect(shorten('😀😀😀😀', 3).text).toBe('😀😀…');
  });
});
