/**
 * Heads of top-level units, end to end through the API: nobody in the tree is above them, so the configured approver
 * evaluates them — the top unit's HR by default, or a named collective body — and they are ranked like everyone
 * else. `none` keeps the old behaviour (skipped, with the reason).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { hnScores, useConfig } from '../../support/rules.ts';

let api: TestApi;
let period: string;
const admin = { employeeId: 'admin', groups: ['admin' as const] };
const cityHr = { employeeId: 'hn-hr', groups: ['hr' as const] };
/** HR of the Sở Giáo dục: HR, but not of the top-level unit. */
const sgdHr = { employeeId: 'sgd-cv1', groups: ['hr' as const] };
const BODY = {
  kind: 'body',
  id: 'tt-ubnd',
  name: 'Tập thể lãnh đạo UBND Thành phố',
  members: ['snv-gd'],
};

beforeAll(async () => {
  useConfig({ TOP_HEAD_APPROVER: undefined });
  api = await startTestApi({ label: 'top-heads' });
  period = api.seeded?.period ?? '';
});
afterAll(async () => api?.close());

describe('the top unit’s HR evaluates the city’s own head (default)', () => {
  it('opens a draft for them with the role as reviewer and approver', async () => {
    const e = await api.call('GET', `/v1/evaluations/hn-ct/${period}`, { as: cityHr });
    expect(e.status).toBe(200);
    expect(e.body).toMatchObject({
      employeeId: 'hn-ct',
      unitId: 'hn',
      status: 'DRAFT',
      reviewerId: 'hr@hn',
      approverId: 'hr@hn',
      approverRole: 'Cơ quan tham mưu tổ chức cán bộ (hn)',
    });
    const p = await api.call('GET', `/v1/periods/${period}`, { as: admin });
    expect(p.body.skipped).toEqual([]);
  });

  it('lists it in the HR’s reviews and approvals, and makes them an approver', async () => {
    const me = await api.call('GET', '/v1/me', { as: cityHr });
    expect(me.body.roles).toEqual(expect.arrayContaining(['reviewer', 'approver', 'hr']));
    const approvals = await api.call('GET', `/v1/approvals?period=${period}`, { as: cityHr });
    expect(approvals.body.items.map((e: { employeeId: string }) => e.employeeId)).toEqual(['hn-ct']);
    const reviews = await api.call('GET', `/v1/reviews?period=${period}`, { as: cityHr });
    expect(reviews.body.items.map((e: { employeeId: string }) => e.employeeId)).toContain('hn-ct');
    // HR elsewhere holds no such role; the head of the city does not see their own.
    const other = await api.call('GET', `/v1/approvals?period=${period}`, { as: sgdHr });
    expect(other.body.items).toEqual([]);
    const self = await api.call('GET', `/v1/approvals?period=${period}`, {
      as: { employeeId: 'hn-ct', groups: ['hr'] },
    });
    expect(self.body.items.map((e: { employeeId: string }) => e.employeeId)).not.toContain('hn-ct');
  });

  it('the head self-assesses; only the top unit’s HR may approve, never the head, HR elsewhere or a stranger', async () => {
    const base = `/v1/evaluations/hn-ct/${period}`;
    // 88.5: grade B (the unit of two has no room for an A under Hanoi's 30%).
    const scores = hnScores(88.5);
    expect((await api.call('PUT', `${base}/self-assessment`, { as: 'hn-ct', body: { scores } })).status).toBe(
      200,
    );
    expect((await api.call('POST', `${base}/submit`, { as: 'hn-ct' })).status).toBe(200);
    // The head is HR of the same unit too: still nobody approves themselves.
    const own = await api.call('POST', `${base}/approve`, {
      as: { employeeId: 'hn-ct', groups: ['hr'] },
      body: { scores },
    });
    expect(own.status).toBe(403);
    // HR of another subtree has no part in it; the same person without the group is not HR.
    expect((await api.call('POST', `${base}/approve`, { as: sgdHr, body: { scores } })).status).toBe(404);
    expect((await api.call('POST', `${base}/approve`, { as: 'hn-hr', body: { scores } })).status).toBe(404);
    expect((await api.call('POST', `${base}/approve`, { as: admin, body: { scores } })).status).toBe(403);
    // The role reviews and approves: in one step, as a unit head who is also the reviewer would.
    const approved = await api.call('POST', `${base}/approve`, {
      as: cityHr,
      body: { scores, comment: 'Đạt' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'APPROVED',
      decision: { grade: 'B', total: 88.5, approverId: 'hn-hr' },
    });
    const history = await api.call('GET', `${base}/history`, { as: cityHr });
    expect(history.body.items.at(-1)).toMatchObject({ action: 'approve', actorId: 'hn-hr' });
  });

  it('ranks them in their unit like everyone else', async () => {
    const computed = await api.computeRankings(period, admin);
    expect(computed.body.status).toBe('DONE');
    const ranking = await api.call('GET', `/v1/units/hn/rankings/${period}`, { as: cityHr });
    expect(ranking.status).toBe(200);
    expect(ranking.body.entries).toEqual([
      expect.objectContaining({ rank: 1, employeeId: 'hn-ct', total: 88.5, grade: 'B' }),
    ]);
    expect(ranking.body.participation).toMatchObject({ evaluated: 2, approved: 1 });
  });
});

describe('a named collective body, or nobody', () => {
  it('a member of the configured body approves, HR then only reads; the body is named', async () => {
    useConfig({ TOP_HEAD_APPROVER: JSON.stringify(BODY) });
    const opened = await api.call('POST', '/v1/periods/2030-03/open', { as: admin, body: {} });
    expect(opened.status).toBe(200);
    const base = '/v1/evaluations/hn-ct/2030-03';
    const e = await api.call('GET', base, { as: 'snv-gd' });
    expect(e.body).toMatchObject({
      approverId: 'body@tt-ubnd',
      reviewerId: 'body@tt-ubnd',
      approverRole: 'Tập thể lãnh đạo UBND Thành phố',
    });
    const inbox = await api.call('GET', '/v1/approvals?period=2030-03', { as: 'snv-gd' });
    expect(inbox.body.items.map((i: { employeeId: string }) => i.employeeId)).toContain('hn-ct');
    const scores = hnScores(84);
    // HR in scope reads it but is no approver now.
    expect((await api.call('POST', `${base}/approve`, { as: cityHr, body: { scores } })).status).toBe(403);
    expect((await api.call('POST', `${base}/approve`, { as: 'snv-pgd', body: { scores } })).status).toBe(404);
    // The draft was never submitted: a one-step approval of it waits for the self-assessment deadline.
    const early = await api.call('POST', `${base}/approve`, { as: 'snv-gd', body: { scores } });
    expect(early.status).toBe(409);
    expect((await api.call('PUT', `${base}/self-assessment`, { as: 'hn-ct', body: { scores } })).status).toBe(
      200,
    );
    expect((await api.call('POST', `${base}/submit`, { as: 'hn-ct' })).status).toBe(200);
    const approved = await api.call('POST', `${base}/approve`, { as: 'snv-gd', body: { scores } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.decision).toMatchObject({ grade: 'B', approverId: 'snv-gd' });
  });

  it('`none` leaves them out, listed with the reason', async () => {
    useConfig({ TOP_HEAD_APPROVER: 'none' });
    const opened = await api.call('POST', '/v1/periods/2030-04/open', { as: admin, body: {} });
    expect(opened.body.skipped).toEqual([
      { employeeId: 'hn-ct', reason: 'Người đứng đầu đơn vị cấp cao nhất: không có cấp trên để phê duyệt.' },
    ]);
    expect((await api.call('GET', '/v1/evaluations/hn-ct/2030-04', { as: cityHr })).status).toBe(404);
  });
});
