/**
 * Names where the app shows people and units (GET evaluation, its history): resolved in one look-up of the
 * distinct ids per request, never written into the evaluation, and the appeal deadline from the period record.
 */
import { describe, expect, it, vi } from 'vitest';
import { readEvaluation, readHistory, transitionAndPresent } from '../../../shared/app/evaluations.ts';
import { closePeriodForCaller } from '../../../shared/app/periods/periods.ts';
import { demoCity } from './support.ts';

describe('names on the evaluation and its history', () => {
  it('names the unit, the reviewer, the approver and the author of each step, in one look-up', async () => {
    const { as, store, period } = await demoCity();
    const names = vi.spyOn(store.org, 'names');
    const getEmployee = vi.spyOn(store.org, 'getEmployee');
    // stc-ns-02 was reviewed by stc-ns-pp and approved by stc-ns-tp in the demo.
    const read = await readEvaluation(as('stc-ns-02'), 'stc-ns-02', period);
    expect(read).toMatchObject({
      unitName: 'Phòng Quản lý ngân sách',
      reviewerName: 'Ngô Minh Tuấn',
      approverName: 'Phạm Thị Thanh Hương',
      review: { reviewerId: 'stc-ns-pp', reviewerName: 'Ngô Minh Tuấn' },
      decision: { approverId: 'stc-ns-tp', approverName: 'Phạm Thị Thanh Hương' },
      appeal: null,
      publishedAt: null,
      appealDeadline: null,
    });
    expect(names).toHaveBeenCalledTimes(1);
    // The caller's own record is read once to work out their part; no name is looked up one by one.
    expect(getEmployee.mock.calls.every(([id]) => id === 'stc-ns-02')).toBe(true);

    names.mockClear();
    const history = await readHistory(as('stc-ns-02'), 'stc-ns-02', period);
    expect(names).toHaveBeenCalledTimes(1);
    expect(history.items.map((h) => [h.action, h.actorName])).toEqual([
      ['open', null],
      ['saveSelfAssessment', 'Lương Văn Đức'],
      ['submit', 'Lương Văn Đức'],
      ['review', 'Ngô Minh Tuấn'],
      ['approve', 'Phạm Thị Thanh Hương'],
    ]);
    // Names are never written into the evaluation item.
    const stored = await store.evaluations.get('stc-ns-02', period);
    expect(Object.keys(stored ?? {})).not.toContain('unitName');
    expect(Object.keys(stored ?? {})).not.toContain('reviewerName');
  });

  it('names the acting head and the head they acted for', async () => {
    const { as, store, period } = await demoCity();
    await store.org.putDelegation(
      {
        unitId: 'stc-ns',
        headId: 'stc-ns-tp',
        delegateId: 'stc-ns-05',
        from: '2020-01-01T00:00:00.000Z',
        to: '2040-01-01T00:00:00.000Z',
        reason: null,
        createdAt: new Date().toISOString(),
      },
      {
        at: new Date().toISOString(),
        actorId: 'test',
        action: 'delegate',
        entity: 'delegation',
        entityId: 'x',
      },
    );
    await transitionAndPresent(
      as('stc-ns-05'),
      'stc-ns-04',
      period,
      { type: 'approve', scores: null, comment: null },
      { ifMatch: null },
    );
    const history = await readHistory(as('stc-ns-04'), 'stc-ns-04', period);
    expect(history.items.at(-1)).toMatchObject({
      action: 'approve',
      actorId: 'stc-ns-05',
      actorName: 'Ánh Dương Thị Yến',
      onBehalfOf: 'stc-ns-tp',
      onBehalfOfName: 'Phạm Thị Thanh Hương',
    });
  });

  it('shows the appeal deadline and the publication from the period once it is closed', async () => {
    const { as, store, period } = await demoCity();
    await closePeriodForCaller(as('admin', ['admin']), period);
    const record = await store.periods.get(period);
    const read = await readEvaluation(as('stc-ns-02'), 'stc-ns-02', period);
    expect(read.publishedAt).toBe(record?.publishedAt);
    expect(read.appealDeadline).toBe(record?.appealDeadline);
    expect(read.appealDeadline).toMatch(/\+07:00$/);
  });
});
