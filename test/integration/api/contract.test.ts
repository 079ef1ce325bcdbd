/**
 * The contract of ../shared/API.md, resource by resource, through the local server on DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../../shared/http/routes.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
let period: string;
const admin = { employeeId: 'admin', groups: ['admin' as const] };
const cityHr = { employeeId: 'hn-hr', groups: ['hr' as const] };
/** HR of the Sở Giáo dục: its unit is the Sở, so its scope is the Sở and everything below. */
const sgdHr = { employeeId: 'sgd-cv1', groups: ['hr' as const] };

beforeAll(async () => {
  api = await startTestApi({ label: 'contract' });
  period = api.seeded?.period ?? '';
});
afterAll(async () => api?.close());

describe('org', () => {
  it('creates and reads units and employees; HR sees only its subtree', async () => {
    const unit = await api.call('PUT', '/v1/units/sgd-kt', {
      as: admin,
      body: { name: 'Phòng Kế hoạch – Tài chính', parentId: 'sgd' },
    });
    expect(unit.status).toBe(200);
    expect(unit.body).toMatchObject({ id: 'sgd-kt', parentId: 'sgd', outstanding: false });
    const person = await api.call('PUT', '/v1/employees/sgd-kt-01', {
      as: sgdHr,
      body: {
        name: 'Đàm Thị Hạnh',
        unitId: 'sgd-kt',
        category: 'public_employee',
        supervisorId: null,
        email: 'hanh@example.vn',
      },
    });
    expect(person.status).toBe(200);
    expect((await api.call('GET', '/v1/employees/sgd-kt-01', { as: 'sgd-kt-01' })).body.name).toBe(
      'Đàm Thị Hạnh',
    );
    const mine = await api.call('GET', '/v1/units', { as: sgdHr });
    expect(mine.body.items.map((u: { id: string }) => u.id).sort()).toEqual(['sgd', 'sgd-kt', 'sgd-tc']);
    const all = await api.call('GET', '/v1/units', { as: cityHr });
    expect(all.body.items.length).toBe(9);
  });

  it('refuses a cycle, an unknown parent, a missing supervisor, each with a named field', async () => {
    const cycle = await api.call('PUT', '/v1/units/sgd', {
      as: admin,
      body: { name: 'Sở GD&ĐT', parentId: 'sgd-tc' },
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.details[0].path).toBe('body.parentId');
    const orphan = await api.call('PUT', '/v1/units/x1', {
      as: admin,
      body: { name: 'X', parentId: 'nowhere' },
    });
    expect(orphan.status).toBe(400);
    const noBoss = await api.call('PUT', '/v1/employees/x2', {
      as: admin,
      body: { name: 'X', unitId: 'sgd', category: 'worker', supervisorId: 'ghost' },
    });
    expect(noBoss.status).toBe(400);
    expect(noBoss.body.error.details[0].path).toBe('body.supervisorId');
  });

  it('imports CSV all or nothing: one bad row and nothing is written', async () => {
    const header = 'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email';
    const bad = [
      header,
      'unit,phk-kt,"Bộ phận Kinh tế, Hạ tầng",phk,,,,,',
      'employee,phk-kt-01,Nguyễn Văn An,,phk-kt,civil_servant,,true,an@example.vn',
      'employee,phk-kt-02,Trần Thị Bình,,phk-kt,astronaut,phk-kt-01,,',
    ].join('\r\n');
    const refused = await api.call('POST', '/v1/org/import', {
      as: cityHr,
      rawBody: bad,
      headers: { 'content-type': 'text/csv' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'row 4' })]);
    expect((await api.call('GET', '/v1/employees/phk-kt-01', { as: admin })).status).toBe(404);

    const good = bad.replace('astronaut', 'worker');
    const applied = await api.call('POST', '/v1/org/import', {
      as: cityHr,
      rawBody: `\uFEFF${good}`,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual({ units: 1, employees: 2, errors: [] });
    const head = await api.call('GET', '/v1/employees/phk-kt-01', { as: admin });
    expect(head.body).toMatchObject({ isUnitHead: true, unitId: 'phk-kt', email: 'an@example.vn' });
  });

  it('imports JSON, and HR cannot import outside its scope', async () => {
    const outside = await api.call('POST', '/v1/org/import', {
      as: sgdHr,
      body: { units: [{ id: 'stc-x', name: 'X', parentId: 'stc' }], employees: [] },
    });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('FORBIDDEN');
    expect(outside.body.error.details[0]).toMatchObject({ path: 'row 1' });
    expect(outside.body.error.details[0].message).toContain('phạm vi');
  });
});

describe('periods', () => {
  it('reads status and counts; opening again adds only staff hired since, then changes nothing', async () => {
    const before = await api.call('GET', `/v1/periods/${period}`, { as: admin });
    expect(before.status).toBe(200);
    expect(before.body.status).toBe('OPEN');
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    // The demo's 40 staff, the city's own head included: nobody above approves them, so the top unit's HR does
    // (the default configured approver of heads of top-level units).
    expect(total(before.body.counts)).toBe(40);
    expect(before.body.skipped).toEqual([]);
    // Since then the org tests hired three people: two get drafts, one sits in a unit with no head yet.
    const reopened = await api.call('POST', `/v1/periods/${period}/open`, { as: admin, body: {} });
    expect(reopened.status).toBe(200);
    expect(total(reopened.body.counts)).toBe(42);
    expect(reopened.body.skipped.map((s: { employeeId: string }) => s.employeeId).sort()).toEqual([
      'sgd-kt-01',
    ]);
    const again = await api.call('POST', `/v1/periods/${period}/open`, { as: admin, body: {} });
    expect(again.body).toEqual(reopened.body);
  });

  it('opens a period with given deadlines, and refuses them out of order', async () => {
    const wrong = await api.call('POST', '/v1/periods/2030-01/open', {
      as: admin,
      body: {
        deadlines: {
          selfAssessment: '2030-02-05T23:59:59+07:00',
          review: '2030-02-04T23:59:59+07:00',
          approval: '2030-02-08T23:59:59+07:00',
        },
      },
    });
    expect(wrong.status).toBe(400);
    expect((await api.call('GET', '/v1/periods/2030-01', { as: admin })).status).toBe(404);
  });
});

describe('deadlines, acting heads and bulk approval', () => {
  const past = '2026-09';
  it('after the review deadline the approver reviews and approves in one step, flagged', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const opened = await api.call('POST', `/v1/periods/${past}/open`, {
      as: admin,
      body: {
        deadlines: {
          selfAssessment: iso(now - 3 * 86_400_000),
          review: iso(now - 86_400_000),
          approval: iso(now + 86_400_000),
        },
      },
    });
    expect(opened.status).toBe(200);
    const late = await api.call('PUT', `/v1/evaluations/phk-bv/${past}/self-assessment`, {
      as: 'phk-bv',
      body: { scores: { discipline: 20 } },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('DEADLINE_PASSED');
    const oneStep = await api.call('POST', `/v1/evaluations/phk-bv/${past}/approve`, {
      as: 'phk-ct',
      body: { scores: { discipline: 16, duties: 45, bonus: 0 }, comment: 'Không nộp tự đánh giá.' },
    });
    expect(oneStep.status, JSON.stringify(oneStep.body)).toBe(200);
    expect(oneStep.body.decision).toMatchObject({ total: 61, grade: 'C' });
    expect(oneStep.body.flags).toMatchObject({ reviewedByApprover: true, selfAssessmentMissing: true });
  });

  it('an acting head approves in the head’s place while the delegation lasts, audited as acting', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    expect(
      (await api.call('PUT', '/v1/units/phk/acting-heads/phk-pct', { as: 'phk-ct', body: { from, to } }))
        .status,
    ).toBe(200);
    const approved = await api.call('POST', `/v1/evaluations/phk-tv/${past}/approve`, {
      as: 'phk-pct',
      body: { scores: { discipline: 18, duties: 55, bonus: 0 }, comment: 'Thay mặt Chủ tịch.' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const history = await api.call('GET', `/v1/evaluations/phk-tv/${past}/history`, { as: 'phk-tv' });
    expect(history.body.items.at(-1)).toMatchObject({
      actorId: 'phk-pct',
      onBehalfOf: 'phk-ct',
      action: 'approve',
    });
    const inbox = await api.call('GET', `/v1/approvals?period=${past}`, { as: 'phk-pct' });
    expect(inbox.body.items.map((e: { employeeId: string }) => e.employeeId)).toContain('phk-hd');
  });

  it('bulk approval reports each item; one refusal does not stop the others', async () => {
    for (const id of ['stc-gia-02']) {
      await api.call('POST', `/v1/evaluations/${id}/${period}/review`, {
        as: 'stc-gia-tp',
        body: { scores: { discipline: 17, duties: 50, bonus: 0 } },
      });
    }
    const gia02 = await api.call('GET', `/v1/evaluations/stc-gia-02/${period}`, { as: 'stc-gia-tp' });
    const result = await api.call('POST', '/v1/approvals/bulk', {
      as: 'stc-gia-tp',
      body: {
        period,
        items: [
          { employeeId: 'stc-gia-02', version: gia02.body.version },
          { employeeId: 'stc-gia-03', version: 1 },
          { employeeId: 'stc-ns-03', version: 1 },
        ],
      },
    });
    expect(result.status).toBe(200);
    expect(
      result.body.items.map((i: { employeeId: string; status: number }) => [i.employeeId, i.status]),
    ).toEqual([
      ['stc-gia-02', 200],
      ['stc-gia-03', 409],
      ['stc-ns-03', 404],
    ]);
    expect(result.body).toMatchObject({ approved: 1, failed: 2 });
  });
});

describe('work lists', () => {
  it('/v1/me counts what waits for the caller; inboxes hold only their own', async () => {
    const reviewer = await api.call('GET', '/v1/me', { as: 'stc-ns-pp' });
    expect(reviewer.body.roles).toEqual(expect.arrayContaining(['employee', 'reviewer']));
    expect(reviewer.body.pending.reviews).toBeGreaterThan(0);
    const reviews = await api.call('GET', `/v1/reviews?period=${period}`, { as: 'stc-ns-pp' });
    expect(new Set(reviews.body.items.map((e: { reviewerId: string }) => e.reviewerId))).toEqual(
      new Set(['stc-ns-pp']),
    );
    const noOne = await api.call('GET', '/v1/me', { as: admin });
    expect(noOne.body).toMatchObject({ employee: null, roles: ['admin'] });
  });
});

describe('rubrics', () => {
  it('an admin makes a new version; evaluations keep the version they were scored with', async () => {
    const current = await api.call('GET', '/v1/rubrics/hn-3814', { as: 'stc-ns-03' });
    expect(current.body).toMatchObject({ id: 'hn-3814', version: 1 });
    expect(current.body.criteria.map((c: { max: number }) => c.max)).toEqual([20, 70, 10]);
    const next = await api.call('PUT', '/v1/rubrics/hn-3814', {
      as: admin,
      body: {
        ...current.body,
        id: undefined,
        version: undefined,
        criteria: [
          { id: 'discipline', label: 'Ý thức tổ chức kỷ luật', max: 25 },
          { id: 'duties', label: 'Kết quả nhiệm vụ', max: 65 },
          { id: 'bonus', label: 'Điểm thưởng', max: 10 },
        ],
      },
    });
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(next.body.version).toBe(2);
    const list = await api.call('GET', '/v1/rubrics', { as: 'stc-ns-03' });
    expect(list.body.items.find((r: { id: string }) => r.id === 'hn-3814').version).toBe(2);
    const evaluation = await api.call('GET', `/v1/evaluations/stc-ns-03/${period}`, { as: 'stc-ns-03' });
    expect(evaluation.body.rubricVersion).toBe(1);
    // Still scored against version 1: 25 is above its 20-point maximum.
    const save = await api.call('PUT', `/v1/evaluations/stc-ns-03/${period}/self-assessment`, {
      as: 'stc-ns-03',
      body: { scores: { discipline: 25, duties: 60, bonus: 0 } },
    });
    expect(save.status).toBe(400);
  });
});

describe('closing, publication and appeal', () => {
  it('close expires what was not approved, ranks, publishes; an appeal then changes the score as a new version', async () => {
    const closed = await api.call('POST', `/v1/periods/${period}/close`, { as: admin });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('CLOSED');
    expect(
      closed.body.counts.DRAFT +
        closed.body.counts.SUBMITTED +
        closed.body.counts.REVIEWED +
        closed.body.counts.RETURNED,
    ).toBe(0);
    expect(closed.body.counts.EXPIRED).toBeGreaterThan(0);
    const again = await api.call('POST', `/v1/periods/${period}/close`, { as: admin });
    expect(again.body.counts).toEqual(closed.body.counts);

    // Staff see their unit's ranking once published.
    const ranking = await api.call('GET', `/v1/units/stc-gia/rankings/${period}`, { as: 'stc-gia-01' });
    expect(ranking.status).toBe(200);
    expect(ranking.body.entries[0]).toMatchObject({ rank: 1, employeeId: 'stc-gia-01' });
    const league = await api.call('GET', `/v1/units/stc/subunit-rankings/${period}`, { as: cityHr });
    expect(league.status).toBe(200);
    expect(league.body.entries.map((e: { unitId: string }) => e.unitId).sort()).toEqual([
      'stc-gia',
      'stc-ns',
    ]);

    const expired = await api.call('POST', `/v1/evaluations/stc-ns-05/${period}/approve`, {
      as: 'stc-ns-tp',
      body: {},
    });
    expect(expired.status).toBe(409);

    const appeal = await api.call('POST', `/v1/evaluations/stc-gia-01/${period}/appeal`, {
      as: 'stc-gia-01',
      body: { reason: 'Điểm nhiệm vụ chưa tính đề án giá đã hoàn thành.' },
    });
    expect(appeal.status, JSON.stringify(appeal.body)).toBe(200);
    expect(appeal.body.appeal.status).toBe('PENDING');
    const before = appeal.body.decision.total;
    // The approver's own approver (head of the parent unit, Sở Tài chính) decides.
    const decided = await api.call('POST', `/v1/evaluations/stc-gia-01/${period}/appeal/decision`, {
      as: 'stc-gd',
      body: {
        accept: true,
        scores: { discipline: 19, duties: 64, bonus: 3 },
        comment: 'Chấp nhận, cộng điểm đề án.',
      },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.decision.total).toBe(86);
    expect(decided.body.decision.total).not.toBe(before);
    expect(decided.body.appeal.status).toBe('ACCEPTED');
    expect(decided.body.version).toBe(appeal.body.version + 1);

    // The published rankings follow: the unit's entry, and the parent's league table of its sub-units.
    const after = await api.call('GET', `/v1/units/stc-gia/rankings/${period}`, { as: 'stc-gia-01' });
    expect(after.body.entries.find((e: { employeeId: string }) => e.employeeId === 'stc-gia-01').total).toBe(
      86,
    );
    const leagueAfter = await api.call('GET', `/v1/units/stc/subunit-rankings/${period}`, { as: cityHr });
    const gia = (l: typeof league) => l.body.entries.find((e: { unitId: string }) => e.unitId === 'stc-gia');
    expect(gia(leagueAfter).meanTotal).toBeGreaterThan(gia(league).meanTotal);
    // And they equal a full recomputation from scratch.
    expect((await api.computeRankings(period, admin)).body.status).toBe('DONE');
    const recomputed = await api.call('GET', `/v1/units/stc/subunit-rankings/${period}`, { as: cityHr });
    expect(recomputed.body.entries).toEqual(leagueAfter.body.entries);
    const stcRecomputed = await api.call('GET', `/v1/units/stc/rankings/${period}`, { as: cityHr });
    expect(stcRecomputed.status).toBe(200);
  });

  it('the annual report counts months and does not classify under six', async () => {
    const report = await api.call('GET', `/v1/reports/annual/${period.slice(0, 4)}?unitId=stc-gia`, {
      as: cityHr,
    });
    expect(report.status).toBe(200);
    const row = report.body.items.find((r: { employeeId: string }) => r.employeeId === 'stc-gia-01');
    expect(row).toMatchObject({ monthsCounted: 1, classified: false, grade: null, average: 86 });
  });
});

describe('OpenAPI', () => {
  it('documents every route with the schemas that validate it', async () => {
    const doc = await api.call('GET', '/v1/openapi.json', { as: 'stc-ns-03' });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    for (const r of routes)
      expect(doc.body.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    const review = doc.body.paths['/v1/evaluations/{employeeId}/{period}/review'].post;
    expect(review.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });
});
