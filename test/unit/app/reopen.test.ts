/**
 * Reopening a period closed by mistake, on the in-memory store with the jobs run inline: what the close expired
 * comes back to the status it had, approved results stay, counters and rankings follow, the period is open again;
 * only admins, only before the appeal deadline, only without appeals, with a reason, and once.
 */
import { describe, expect, it } from 'vitest';
import { readHistory, transitionAndPresent } from '../../../shared/app/evaluations.ts';
import { closePeriodForCaller, readPeriod } from '../../../shared/app/periods/periods.ts';
import { reopenPeriodForCaller, statusBeforeExpiry } from '../../../shared/app/periods/reopen.ts';
import type { AppError } from '../../../shared/domain/errors.ts';
import type { HistoryEvent } from '../../../shared/store/entities.ts';
import { demoCity } from './support.ts';

const REASON = 'Đóng kỳ nhầm trước hạn phê duyệt.';
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: AppError) => e.code,
  );

async function closedMonth() {
  const city = await demoCity();
  const { as, store, period } = city;
  // A month in motion: a return to the employee, a return to the reviewer, a review, submissions, drafts.
  const act = (who: string, id: string, action: Parameters<typeof transitionAndPresent>[3]) =>
    transitionAndPresent(as(who), id, period, action, { ifMatch: null });
  await act('stc-ns-pp', 'stc-ns-05', { type: 'return', comment: 'Bổ sung minh chứng.' });
  await act('stc-ns-tp', 'stc-ns-01', { type: 'return', comment: 'Xem lại điểm thưởng.' });
  const before = new Map(
    (await store.evaluations.listByUnit('stc-ns', period)).map((e) => [e.employeeId, e]),
  );
  const counters = await store.evaluations.unitCounters('stc-ns', period);
  await closePeriodForCaller(as('admin', ['admin']), period);
  // Each request its own caller, at its own time, as in the API.
  const admin = () => as('admin', ['admin'], new Date(Date.now() + 1000));
  return { ...city, admin, before, counters };
}

describe('reopening a period closed by mistake', () => {
  it('brings back what the close expired, keeps what was approved, and opens the period again', async () => {
    const { as, store, period, admin, before, counters } = await closedMonth();
    const closed = await readPeriod(admin(), period);
    expect(closed).toMatchObject({ status: 'CLOSED', mayReopen: true, appealsFiled: 0 });
    expect(closed.reopenableUntil).toBe(closed.appealDeadline);
    expect((await readPeriod(as('hn-hr', ['hr']), period)).mayReopen).toBe(false);

    const reopened = await reopenPeriodForCaller(admin(), period, { reason: `  ${REASON}  ` });
    expect(reopened.handedOff).toBe(false);
    expect(reopened.period).toMatchObject({
      status: 'OPEN',
      reopening: false,
      closedAt: null,
      publishedAt: null,
      appealDeadline: null,
      mayReopen: false,
      reopenableUntil: null,
    });
    expect(reopened.period.counts.EXPIRED).toBe(0);
    const after = await store.evaluations.listByUnit('stc-ns', period);
    for (const e of after) {
      const was = before.get(e.employeeId);
      expect({ id: e.employeeId, status: e.status, returnedTo: e.returnedTo }).toEqual({
        id: e.employeeId,
        status: was?.status,
        returnedTo: was?.returnedTo,
      });
      expect(e.expiredFrom ?? null).toBeNull();
    }
    // Statuses back as they were; the approved one never moved.
    expect((await store.evaluations.unitCounters('stc-ns', period)).status).toEqual(counters.status);
    const history = await readHistory(as('stc-ns-05'), 'stc-ns-05', period);
    expect(history.items.slice(-2)).toMatchObject([
      { action: 'expire', toStatus: 'EXPIRED' },
      {
        action: 'reopen',
        actorId: 'admin',
        fromStatus: 'EXPIRED',
        toStatus: 'RETURNED',
        comment: REASON,
        changes: { status: 'RETURNED', returnedTo: 'employee' },
      },
    ]);
    const approved = await readHistory(as('stc-ns-02'), 'stc-ns-02', period);
    expect(approved.items.map((h) => h.action)).not.toContain('reopen');
    // Rankings recomputed at the reopening, no longer published: staff no longer see them.
    const ranking = await store.rankings.get('stc-ns', period);
    expect(ranking?.computedAt).toBe((await store.periods.get(period))?.reopen?.at);
    expect(store.tables.audit.filter((a) => a.entity === 'period' && a.action === 'reopen')).toEqual([
      expect.objectContaining({
        actorId: 'admin',
        entityId: period,
        changes: expect.objectContaining({ reason: REASON }),
      }),
    ]);
    // The employee works again; the month closes again later, as a new close.
    await transitionAndPresent(as('stc-ns-05'), 'stc-ns-05', period, { type: 'submit' }, { ifMatch: null });
    const closedAgain = await closePeriodForCaller(
      as('admin', ['admin'], new Date(Date.now() + 2000)),
      period,
    );
    expect(closedAgain.period).toMatchObject({ status: 'CLOSED' });
    expect(closedAgain.period.counts.EXPIRED).toBe(
      reopened.period.counts.DRAFT +
        reopened.period.counts.SUBMITTED +
        reopened.period.counts.REVIEWED +
        reopened.period.counts.RETURNED,
    );
  });

  it('refuses anyone but an admin, an open period, a period with an appeal, and after the appeal deadline', async () => {
    const { as, store, period, admin } = await closedMonth();
    expect(await code(reopenPeriodForCaller(as('hn-hr', ['hr']), period, { reason: REASON }))).toBe(
      'FORBIDDEN',
    );
    expect(await code(reopenPeriodForCaller(admin(), '2020-01', { reason: REASON }))).toBe('NOT_FOUND');
    const deadline = (await store.periods.get(period))?.appealDeadline ?? '';
    const late = as('admin', ['admin'], new Date(Date.parse(deadline) + 1));
    expect(await code(reopenPeriodForCaller(late, period, { reason: REASON }))).toBe('DEADLINE_PASSED');
    expect((await readPeriod(late, period)).mayReopen).toBe(false);
    await transitionAndPresent(
      as('stc-ns-02'),
      'stc-ns-02',
      period,
      { type: 'appeal', reason: 'Đề nghị xem xét lại.' },
      { ifMatch: null },
    );
    await expect(reopenPeriodForCaller(admin(), period, { reason: REASON })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      message: expect.stringContaining('1 khiếu nại'),
    });
    expect(await readPeriod(admin(), period)).toMatchObject({ mayReopen: false, appealsFiled: 1 });
    expect((await store.periods.get(period))?.status).toBe('CLOSED');
  });

  it('needs new deadlines once the approval deadline has passed, and gives them to every form it brings back', async () => {
    const { as, store, period } = await demoCity();
    const record = await store.periods.get(period);
    // Closed by the schedule at its close time, after the approval deadline; reopened an hour later.
    const closesAt = new Date(record?.closesAt ?? '');
    await closePeriodForCaller(as('admin', ['admin'], closesAt), period);
    const later = new Date(closesAt.getTime() + 3_600_000);
    const admin = as('admin', ['admin'], later);
    await expect(reopenPeriodForCaller(admin, period, { reason: REASON })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'body.deadlines' }],
    });
    const day = 86_400_000;
    const at = (days: number) => new Date(later.getTime() + days * day).toISOString();
    await expect(
      reopenPeriodForCaller(admin, period, {
        reason: REASON,
        deadlines: { selfAssessment: at(-3), review: at(-2), approval: at(-1) },
      }),
    ).rejects.toMatchObject({ details: [{ path: 'body.deadlines.approval' }] });
    const deadlines = { selfAssessment: at(1), review: at(2), approval: at(3) };
    const reopened = await reopenPeriodForCaller(admin, period, { reason: REASON, deadlines });
    expect(reopened.period).toMatchObject({ status: 'OPEN', deadlines });
    expect(Date.parse(reopened.period.closesAt)).toBeGreaterThan(Date.parse(deadlines.approval));
    expect((await store.evaluations.get('stc-ns-05', period))?.deadlines).toEqual(deadlines);
    const history = await store.evaluations.history('stc-ns-05', period);
    expect(history.at(-1)).toMatchObject({ action: 'reopen', changes: { deadlines } });
    // The approved result keeps its own.
    expect((await store.evaluations.get('stc-ns-02', period))?.deadlines).toEqual(record?.deadlines);
  });

  it('ten reopens at once: one reopening, each form back once, one audit record', async () => {
    const { store, period, admin } = await closedMonth();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => reopenPeriodForCaller(admin(), period, { reason: REASON })),
    );
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('INVALID_TRANSITION');
    }
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect((await store.periods.get(period))?.status).toBe('OPEN');
    for (const e of await store.evaluations.listByUnit('stc-ns', period)) {
      const events = await store.evaluations.history(e.employeeId, period);
      expect(events.filter((h) => h.action === 'reopen').length).toBe(e.status === 'APPROVED' ? 0 : 1);
    }
    expect(store.tables.audit.filter((a) => a.action === 'reopen')).toHaveLength(1);
    // Another reason while one is under way is refused rather than merged.
    expect(await code(reopenPeriodForCaller(admin(), period, { reason: 'Khác' }))).toBe('INVALID_TRANSITION');
  });

  it('reads what an old evaluation was from its history', () => {
    const event = (version: number, action: string, fromStatus: HistoryEvent['fromStatus'], changes = {}) =>
      ({ version, action, fromStatus, changes }) as HistoryEvent;
    expect(statusBeforeExpiry([event(1, 'open', null), event(2, 'expire', 'DRAFT')])).toEqual({
      status: 'DRAFT',
      returnedTo: null,
    });
    expect(
      statusBeforeExpiry([
        event(3, 'return', 'REVIEWED', { returnedTo: 'reviewer' }),
        event(4, 'expire', 'RETURNED'),
      ]),
    ).toEqual({ status: 'RETURNED', returnedTo: 'reviewer' });
    expect(statusBeforeExpiry([event(4, 'expire', 'RETURNED')])).toBeNull();
    expect(statusBeforeExpiry([event(1, 'open', null)])).toBeNull();
  });
});
