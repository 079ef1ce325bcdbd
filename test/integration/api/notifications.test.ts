/**
 * In-app notifications over HTTP on the demo data: each kind appears after its event, for the person concerned
 * only; the unread count in /v1/me; mark read (one, all); the tasks with their deadlines; the e-mail switch; the
 * suppressed addresses for HR; and a notification lands in the transaction of its transition (a refused
 * transition notifies nobody).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredNotification } from '../../../shared/store/entities.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
let period: string;
const EMPLOYEE = 'stc-ns-03';
const REVIEWER = 'stc-ns-pp';
const APPROVER = 'stc-ns-tp';
const HR = { employeeId: 'hn-hr', groups: ['hr' as const] };
const ADMIN = { employeeId: 'admin', groups: ['admin' as const] };
const SCORES = { discipline: 18, duties: 62.5, bonus: 5 };

interface Listed {
  id: string;
  kind: string;
  period: string;
  employeeId: string;
  grade: string | null;
  reason: string | null;
  accepted: boolean | null;
  read: boolean;
  message: string;
  path: string;
}
interface List {
  unread: number;
  tasks: { kind: string; period: string; count: number; deadline: string; path: string }[];
  items: Listed[];
}

const list = async (who: string | typeof HR) =>
  (await api.call<List>('GET', '/v1/notifications', { as: who })).body;
const kinds = async (who: string | typeof HR) => (await list(who)).items.map((i) => i.kind);
const act = async (who: string | typeof HR, action: string, body: unknown = {}) => {
  const r = await api.call('POST', `/v1/evaluations/${EMPLOYEE}/${period}/${action}`, { as: who, body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r;
};

beforeAll(async () => {
  api = await startTestApi({ label: 'notifications' });
  period = api.seeded?.period ?? '';
});
afterAll(async () => api?.close());

describe('notifications', () => {
  it('lists what the caller must do, with deadlines and the page to do it on', async () => {
    const mine = await list(EMPLOYEE);
    expect(mine.tasks).toEqual([
      expect.objectContaining({ kind: 'selfAssessment', period, count: 1, path: `/danh-gia/${period}` }),
    ]);
    expect(mine.tasks[0]?.deadline).toMatch(/\+07:00$/);
    const reviewer = await list(REVIEWER);
    expect(reviewer.tasks.find((t) => t.kind === 'review')?.path).toBe(`/nhan-xet?ky=${period}`);
    // The demo's approvals and reviews notified their employees already; stc-ns-03 has nothing yet.
    expect(mine.items).toEqual([]);
    expect((await api.call('GET', '/v1/me', { as: EMPLOYEE })).body).toMatchObject({
      notifications: { unread: 0 },
      email: { enabled: true, suppressed: null },
    });
  });

  it('returned, reviewed, approved: each for the person concerned only, with the reason and the grade', async () => {
    await api.call('PUT', `/v1/evaluations/${EMPLOYEE}/${period}/self-assessment`, {
      as: EMPLOYEE,
      body: { scores: SCORES, comment: 'Hoàn thành nhiệm vụ.' },
    });
    await act(EMPLOYEE, 'submit');
    expect(await kinds(EMPLOYEE)).toEqual([]);
    await act(REVIEWER, 'return', { comment: 'Bổ sung kết quả công việc tuần 3.' });
    const returned = await list(EMPLOYEE);
    expect(returned.items).toEqual([
      expect.objectContaining({
        kind: 'returned',
        period,
        employeeId: EMPLOYEE,
        reason: 'Bổ sung kết quả công việc tuần 3.',
        read: false,
        path: `/danh-gia/${period}`,
      }),
    ]);
    expect(returned.items[0]?.message).toContain('được trả lại để hoàn thiện: Bổ sung kết quả');
    // Nobody else: not the reviewer who acted, not a colleague, not HR.
    for (const other of [REVIEWER, 'stc-ns-01', APPROVER])
      expect(await kinds(other)).not.toContain('returned');
    expect((await api.call('GET', '/v1/me', { as: EMPLOYEE })).body.notifications).toEqual({ unread: 1 });

    await act(EMPLOYEE, 'submit');
    await act(REVIEWER, 'review', { scores: SCORES, comment: 'Tốt' });
    expect(await kinds(EMPLOYEE)).toEqual(['reviewed', 'returned']);

    // The approver sends it back to the reviewer: the reviewer is told, with the reason.
    await act(APPROVER, 'return', { comment: 'Xem lại điểm thưởng.' });
    const toReviewer = (await list(REVIEWER)).items.find((i) => i.kind === 'returned');
    expect(toReviewer).toMatchObject({ employeeId: EMPLOYEE, reason: 'Xem lại điểm thưởng.' });
    expect(toReviewer?.path).toBe(`/nhan-xet?ky=${period}&nguoi=${EMPLOYEE}`);
    expect(await kinds(EMPLOYEE)).toEqual(['reviewed', 'returned']);

    await act(REVIEWER, 'review', { scores: SCORES, comment: 'Tốt' });
    await act(APPROVER, 'approve', {});
    const approved = (await list(EMPLOYEE)).items[0];
    expect(approved).toMatchObject({ kind: 'approved', grade: 'B' });
    expect(approved?.message).toContain('loại B — Hoàn thành tốt nhiệm vụ');
  });

  it('a refused transition notifies nobody (the notification is part of the transition)', async () => {
    const before = (await list(EMPLOYEE)).items.length;
    const refused = await api.call('POST', `/v1/evaluations/${EMPLOYEE}/${period}/approve`, {
      as: APPROVER,
      body: {},
    });
    expect(refused.status).toBe(409);
    expect((await list(EMPLOYEE)).items).toHaveLength(before);
  });

  it('marks one read, then all; the count in /v1/me follows', async () => {
    const before = await list(EMPLOYEE);
    // returned, reviewed, reviewed again (after the approver's return), approved.
    expect(before.unread).toBe(4);
    const first = before.items[0];
    const read = await api.call('POST', `/v1/notifications/${first?.id}/read`, { as: EMPLOYEE, body: {} });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: first?.id, read: true });
    expect((await api.call('GET', '/v1/me', { as: EMPLOYEE })).body.notifications.unread).toBe(3);
    // Someone else's notification is nobody else's business: 404.
    expect(
      (await api.call('POST', `/v1/notifications/${first?.id}/read`, { as: 'stc-ns-01', body: {} })).status,
    ).toBe(404);
    const all = await api.call('POST', '/v1/notifications/read-all', { as: EMPLOYEE, body: {} });
    expect(all.body).toEqual({ updated: 3 });
    expect((await list(EMPLOYEE)).unread).toBe(0);
    expect((await api.call('POST', '/v1/notifications/bad id/read', { as: EMPLOYEE, body: {} })).status).toBe(
      400,
    );
  });

  it('publication at the close notifies everyone of the period; an appeal decision notifies the employee', async () => {
    const closed = await api.call('POST', `/v1/periods/${period}/close`, { as: ADMIN, body: {} });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const published = (await list(EMPLOYEE)).items.find((i) => i.kind === 'published');
    expect(published).toMatchObject({ period, grade: 'B' });
    expect(published?.message).toContain('đã được công bố');
    // An evaluation that expired: published, without a grade.
    const expired = (await list('stc-ns-01')).items.find((i) => i.kind === 'published');
    expect(expired).toMatchObject({ grade: null });
    expect(expired?.message).toContain('không được xếp loại');
    // One notice per person, about their own evaluation only.
    const stored = (await api.store.notifications.inbox(EMPLOYEE)).items.filter(
      (n: StoredNotification) => n.kind === 'published',
    );
    expect(stored).toHaveLength(1);

    await act(EMPLOYEE, 'appeal', { reason: 'Đề nghị xem xét lại điểm nhiệm vụ.' });
    await act(HR, 'appeal/decision', { accept: false, comment: 'Giữ nguyên kết quả.' });
    const decided = (await list(EMPLOYEE)).items[0];
    expect(decided).toMatchObject({ kind: 'appealDecided', accepted: false, reason: 'Giữ nguyên kết quả.' });
    expect(await kinds('stc-ns-01')).not.toContain('appealDecided');
  });

  it('the e-mail switch is the person’s own; the suppressed addresses are HR’s', async () => {
    const off = await api.call('PUT', '/v1/me/email', { as: EMPLOYEE, body: { enabled: false } });
    expect(off.body).toEqual({ email: { enabled: false, suppressed: null } });
    expect((await api.call('GET', '/v1/me', { as: EMPLOYEE })).body.email.enabled).toBe(false);
    expect((await api.call('GET', '/v1/me', { as: 'stc-ns-01' })).body.email.enabled).toBe(true);
    expect((await api.call('PUT', '/v1/me/email', { as: EMPLOYEE, body: { enabled: 'no' } })).status).toBe(
      400,
    );
    await api.call('PUT', '/v1/me/email', { as: EMPLOYEE, body: { enabled: true } });

    const me = (await api.call('GET', `/v1/employees/stc-ns-04`, { as: ADMIN })).body;
    await api.store.mail.suppress('stc-ns-04', {
      reason: 'bounce',
      address: String(me.email).toLowerCase(),
      at: '2026-04-02T01:00:05.000Z',
      detail: 'Permanent/General',
    });
    const forHr = await api.call('GET', '/v1/mail/suppressions', { as: HR });
    expect(forHr.body.items).toEqual([
      expect.objectContaining({ employeeId: 'stc-ns-04', reason: 'bounce', email: me.email }),
    ]);
    expect((await api.call('GET', '/v1/mail/suppressions', { as: 'sgd-tc-01' })).status).toBe(403);
    expect(
      (await api.call('GET', '/v1/mail/suppressions', { as: { employeeId: 'sgd-tc-01', groups: ['hr'] } }))
        .body.items,
    ).toEqual([]);
    expect((await api.call('GET', '/v1/me', { as: 'stc-ns-04' })).body.email.suppressed).toMatchObject({
      reason: 'bounce',
    });
    // HR records another address: the suppression no longer applies, and is no longer listed.
    const { id: _id, updatedAt: _u, flagNotes: _notes, ...employee } = me;
    const moved = await api.call('PUT', '/v1/employees/stc-ns-04', {
      as: ADMIN,
      body: { ...employee, email: 'huy.dinh@stc.hanoi.gov.vn' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await api.call('GET', '/v1/mail/suppressions', { as: HR })).body.items).toEqual([]);
    expect((await api.call('GET', '/v1/me', { as: 'stc-ns-04' })).body.email.suppressed).toBeNull();
  });
});
