/**
 * The API additions for the web app, over HTTP on DynamoDB Local: names beside ids, the appeal deadline on the
 * evaluation, the appeals list, discipline flags with who and why, a unit's staff, the employee page in one
 * request, and what each costs in DynamoDB requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { type DbCalls, dbCalls } from '../../support/db-calls.ts';
import { dump } from '../jobs/support.ts';

let api: TestApi;
let period: string;
let calls: DbCalls;

beforeAll(async () => {
  api = await startTestApi({ label: 'webapi' });
  period = api.seeded?.period ?? '';
  calls = dbCalls(api.db);
});
afterAll(async () => api?.close());

describe('names', () => {
  it('GET evaluation names the unit and the people, with one BatchGetItem and no per-person GetItem', async () => {
    calls.reset();
    const read = await api.call('GET', `/v1/evaluations/stc-ns-02/${period}`, { as: 'stc-ns-02' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      unitName: 'Phòng Quản lý ngân sách',
      reviewerName: 'Ngô Minh Tuấn',
      approverName: 'Phạm Thị Thanh Hương',
      review: { reviewerName: 'Ngô Minh Tuấn' },
      decision: { approverName: 'Phạm Thị Thanh Hương' },
      publishedAt: null,
      appealDeadline: null,
    });
    expect(calls.count('BatchGetItemCommand')).toBe(1);
    const history = await api.call('GET', `/v1/evaluations/stc-ns-02/${period}/history`, { as: 'stc-ns-02' });
    expect(history.body.items.map((h: { actorName: string | null }) => h.actorName)).toEqual([
      null,
      'Lương Văn Đức',
      'Lương Văn Đức',
      'Ngô Minh Tuấn',
      'Phạm Thị Thanh Hương',
    ]);
  });
});

describe('the employee page in one request', () => {
  /** The page's requests, in round trips: each inner list goes out at once, after the one before answered. */
  async function flow(rounds: ((id: string) => string)[][], as: string) {
    const dynamo: number[] = [];
    let requests = 0;
    const bodies: unknown[] = [];
    for (const round of rounds) {
      calls.reset();
      const answers = await Promise.all(round.map((path) => api.call('GET', path(as), { as })));
      for (const a of answers) expect(a.status, a.text).toBe(200);
      requests += round.length;
      dynamo.push(calls.names.length);
      bodies.push(...answers.map((a) => a.body));
    }
    return { requests, roundTrips: rounds.length, dynamo: dynamo.reduce((a, b) => a + b, 0), bodies };
  }

  it('before: me, then the evaluation, history and months, then the rubric; after: me with the month', async () => {
    const base = (id: string) => `/v1/evaluations/${id}/${period}`;
    const months = (id: string) => `/v1/employees/${id}/evaluations?year=${period.slice(0, 4)}`;
    // As web/src/pages/Employee.tsx reads it today (after /config.json, which both flows fetch first).
    const before = await flow(
      [[() => '/v1/me'], [base, (id) => `${base(id)}/history`, months], [() => '/v1/rubrics/hn-3814']],
      'stc-ns-02',
    );
    // The months of the year still need the employee id, which only /v1/me tells the page: a second round, but
    // the month itself is on screen after the first.
    const after = await flow([[() => '/v1/me?include=current'], [months]], 'stc-ns-02');
    expect(before.requests).toBe(5);
    expect(before.roundTrips).toBe(3);
    expect(after.requests).toBe(2);
    expect(after.roundTrips).toBe(2);
    const [evaluation, history] = before.bodies.slice(1, 3) as [unknown, { items: unknown[] }];
    const me = after.bodies[0] as { current: { evaluation: unknown; history: unknown[]; rubric: unknown } };
    expect(me.current.evaluation).toEqual(evaluation);
    expect(me.current.history).toEqual(history.items);
    expect(me.current.rubric).toEqual(before.bodies[4]);
    // What the table serves for the page: printed for BENCHMARKS and the report, held not to grow.
    console.info(
      `employee page: before ${before.requests} API requests in ${before.roundTrips} round trips, the month on ` +
        `screen after 3 (${before.dynamo} DynamoDB requests); after ${after.requests} in ${after.roundTrips}, ` +
        `the month after 1 (${after.dynamo} DynamoDB requests)`,
    );
    expect(after.dynamo).toBeLessThan(before.dynamo);
  });
});

describe('reports that say what they count', () => {
  const hr = { employeeId: 'hn-hr', groups: ['hr' as const] };

  it('a unit ranking: its own staff as before, and its whole subtree', async () => {
    const computed = await api.computeRankings(period, hr);
    expect(computed.body.status).toBe('DONE');
    const stc = await api.call('GET', `/v1/units/stc/rankings/${period}`, { as: hr });
    const ns = await api.call('GET', `/v1/units/stc-ns/rankings/${period}`, { as: hr });
    const gia = await api.call('GET', `/v1/units/stc-gia/rankings/${period}`, { as: hr });
    const evaluated = [stc, ns, gia].reduce((n, r) => n + r.body.participation.evaluated, 0);
    expect(stc.body.subtree).toMatchObject({
      units: 3,
      staff: evaluated,
      participation: { evaluated },
      inflation: { approved: 2, signals: expect.any(Array) },
    });
    expect(ns.body.subtree).toMatchObject({ units: 1, participation: ns.body.participation });
  });

  it('the annual report: its own staff, and the subtree of the unit and of each sub-unit', async () => {
    const year = period.slice(0, 4);
    await runJobInline(api.store, 'annual-rollup', { target: year, fresh: true });
    const report = await api.call('GET', `/v1/reports/annual/${year}?unitId=hn`, { as: hr });
    expect(report.status).toBe(200);
    expect(report.body.items).toHaveLength(2);
    expect(report.body.subtree).toMatchObject({ units: 8, computedAt: expect.any(String) });
    expect(report.body.subtree.staff).toBeGreaterThanOrEqual(40);
    expect(report.body.subunits).toHaveLength(4);
    expect(report.body.subunits[0]).toMatchObject({ unitId: 'sgd', name: 'Sở Giáo dục và Đào tạo' });
  });
});

describe('closing by mistake, reopening, then appeals (the demo month, last)', () => {
  const admin = { employeeId: 'admin', groups: ['admin' as const] };
  const reason = 'Đóng kỳ nhầm trước hạn phê duyệt; mở lại theo đề nghị của Sở Nội vụ.';

  it('ten reopens at once: 200 or 409 each, the period open once, each form back once, one audit record', async () => {
    const closed = await api.call('POST', `/v1/periods/${period}/close`, { as: admin, body: {} });
    expect(closed.status).toBe(200);
    const read = await api.call('GET', `/v1/periods/${period}`, { as: admin });
    expect(read.body).toMatchObject({ status: 'CLOSED', mayReopen: true, appealsFiled: 0 });
    expect(read.body.reopenableUntil).toBe(read.body.appealDeadline);
    const hr = await api.call('GET', `/v1/periods/${period}`, {
      as: { employeeId: 'hn-hr', groups: ['hr'] },
    });
    expect(hr.body).toMatchObject({ mayReopen: false, reopenableUntil: read.body.appealDeadline });
    const expired = read.body.counts.EXPIRED as number;
    expect(expired).toBeGreaterThan(0);

    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.call('POST', `/v1/periods/${period}/reopen`, { as: admin, body: { reason } }),
      ),
    );
    for (const a of answers) expect([200, 409], a.text).toContain(a.status);
    expect(answers.some((a) => a.status === 200)).toBe(true);
    const after = await api.call('GET', `/v1/periods/${period}`, { as: admin });
    expect(after.body).toMatchObject({
      status: 'OPEN',
      reopening: false,
      publishedAt: null,
      mayReopen: false,
    });
    expect(after.body.counts.EXPIRED).toBe(0);
    const items = await dump(api.db);
    const reopenEvents = items.filter((i) => i.entityType === 'HistoryEvent' && i.action === 'reopen');
    expect(reopenEvents).toHaveLength(expired);
    expect(new Set(reopenEvents.map((e) => e.employeeId)).size).toBe(expired);
    expect(items.filter((i) => i.entityType === 'OrgAuditEvent' && i.action === 'reopen')).toEqual([
      expect.objectContaining({
        actorId: 'admin',
        entityId: period,
        changes: expect.objectContaining({ reason }),
      }),
    ]);
    // A retry with the same Idempotency-Key gets the first answer.
    const key = { 'idempotency-key': 'reopen-again-1' };
    const first = await api.call('POST', `/v1/periods/${period}/reopen`, {
      as: admin,
      body: { reason },
      headers: key,
    });
    const replay = await api.call('POST', `/v1/periods/${period}/reopen`, {
      as: admin,
      body: { reason },
      headers: key,
    });
    expect(first.status).toBe(409);
    expect(replay.status).toBe(409);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  }, 120_000);

  it('the reopen refuses a non-admin (403), a missing reason (400), and names why it cannot (409)', async () => {
    const hr = { employeeId: 'hn-hr', groups: ['hr' as const] };
    expect(
      (await api.call('POST', `/v1/periods/${period}/reopen`, { as: hr, body: { reason } })).status,
    ).toBe(403);
    const noReason = await api.call('POST', `/v1/periods/${period}/reopen`, {
      as: admin,
      body: { reason: '  ' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('body.reason');
    const open = await api.call('POST', `/v1/periods/${period}/reopen`, { as: admin, body: { reason } });
    expect(open.status).toBe(409);
    expect(open.body.error.message).toContain('đang mở');
  });

  it('appeals: listed for whom may decide them, gone with the decision; a period with an appeal cannot be reopened', async () => {
    expect((await api.call('POST', `/v1/periods/${period}/close`, { as: admin, body: {} })).status).toBe(200);
    const filed = await api.call('POST', `/v1/evaluations/stc-ns-02/${period}/appeal`, {
      as: 'stc-ns-02',
      body: { reason: 'Đề nghị xem xét lại điểm kết quả thực hiện nhiệm vụ.' },
    });
    expect(filed.status, filed.text).toBe(200);
    const evaluation = await api.call('GET', `/v1/evaluations/stc-ns-02/${period}`, { as: 'stc-ns-02' });
    expect(evaluation.body.appealDeadline).toMatch(/\+07:00$/);
    const list = await api.call('GET', `/v1/appeals?period=${period}`, { as: 'stc-gd' });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        employeeId: 'stc-ns-02',
        employeeName: 'Lương Văn Đức',
        unitName: 'Phòng Quản lý ngân sách',
        version: filed.body.version,
        reason: 'Đề nghị xem xét lại điểm kết quả thực hiện nhiệm vụ.',
        reasonTruncated: false,
        deadline: evaluation.body.appealDeadline,
        mayDecide: true,
      }),
    ]);
    expect((await api.call('GET', `/v1/appeals?period=${period}`, { as: 'stc-ns-tp' })).body.items).toEqual(
      [],
    );
    expect((await api.call('GET', `/v1/appeals?period=${period}`, { as: admin })).body.items).toEqual([
      expect.objectContaining({ employeeId: 'stc-ns-02', mayDecide: false }),
    ]);
    expect((await api.call('GET', '/v1/appeals', { as: admin })).status).toBe(400);

    const reopen = await api.call('POST', `/v1/periods/${period}/reopen`, { as: admin, body: { reason } });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.message).toContain('khiếu nại');
    const decided = await api.call('POST', `/v1/evaluations/stc-ns-02/${period}/appeal/decision`, {
      as: 'stc-gd',
      headers: { 'if-match': `"${list.body.items[0].version}"` },
      body: { accept: false, comment: 'Giữ nguyên kết quả đã phê duyệt.' },
    });
    expect(decided.status, decided.text).toBe(200);
    expect((await api.call('GET', `/v1/appeals?period=${period}`, { as: 'stc-gd' })).body.items).toEqual([]);
    const still = await api.call('GET', `/v1/periods/${period}`, { as: admin });
    expect(still.body).toMatchObject({
      status: 'CLOSED',
      appealsFiled: 1,
      mayReopen: false,
      reopenableUntil: null,
    });
  });
});
