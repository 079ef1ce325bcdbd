/**
 * Tasks from the work systems (Decree 335, Art. 26): the machine clients' feed, the same import for people, the
 * task score computed from the fed products, the employee's comments and the reviewer's excuses, through the local
 * server on DynamoDB Local. The month under test is opened with nd-335 for civil servants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productIdOf } from '../../../shared/app/task-score.ts';
import { readConfig, setConfig } from '../../../shared/config.ts';
import { nextPeriod } from '../../../shared/domain/calendar.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
let period: string;
const admin = { employeeId: 'admin', groups: ['admin' as const] };
const cityHr = { employeeId: 'hn-hr', groups: ['hr' as const] };
const sgdHr = { employeeId: 'sgd-cv1', groups: ['hr' as const] };
/** The demo's work systems: the Department of Finance's document system feeds `stc`, Home Affairs' feeds `snv`. */
const stcSystem = { clientId: 'qlvb-stc', scopes: ['tasks:write'] };
const snvSystem = { clientId: 'qlvb-snv', scopes: ['tasks:write'] };
const FEED = '/v1/feeds/qlvb-stc/products';
const general = {
  politics: 5,
  ethics: 5,
  competence: 2.5,
  responsibility: 2.5,
  serviceAttitude: 2.5,
  cooperation: 2.5,
  innovation: 8,
};

const product = (employeeId: string, sourceId: string, extra: Record<string, unknown> = {}) => ({
  employeeId,
  period,
  sourceId,
  title: `Sản phẩm ${sourceId}`,
  weight: 1,
  dueAt: `${period}-20`,
  completedAt: `${period}-18`,
  majorErrors: 0,
  delays: 0,
  ...extra,
});

const products = (employeeId: string, as: object = { as: employeeId }) =>
  api.call('GET', `/v1/evaluations/${employeeId}/${period}/products`, as);

beforeAll(async () => {
  api = await startTestApi({ label: 'products' });
  // A month scored with nd-335 for civil servants, opened as an admin would (the seeded month keeps hn-3814).
  setConfig(readConfig({ ...process.env, RUBRIC_BY_CATEGORY: '{"civil_servant":"nd-335"}' }));
  period = nextPeriod(api.seeded?.period ?? '') ?? '';
  const opened = await api.call('POST', `/v1/periods/${period}/open`, { as: admin });
  expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  const draft = await api.call('GET', `/v1/evaluations/stc-ns-03/${period}`, { as: 'stc-ns-03' });
  expect(draft.body.rubricId).toBe('nd-335');
});
afterAll(async () => api?.close());

describe('the feed of a work system', () => {
  it('upserts by the source system ids: a replay writes nothing and answers every product unchanged', async () => {
    const items = [
      product('stc-ns-04', 'VB-1', { weight: 2, majorErrors: 1 }),
      product('stc-ns-04', 'VB-2/2026', { completedAt: null }),
    ];
    const first = await api.call('POST', FEED, { asClient: stcSystem, body: { items } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({
      source: 'qlvb-stc',
      received: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
      removed: 0,
    });
    const before = await products('stc-ns-04');
    const log = await api.call('GET', `/v1/evaluations/stc-ns-04/${period}/products/history`, {
      as: 'stc-ns-04',
    });
    const replay = await api.call('POST', FEED, { asClient: stcSystem, body: { items } });
    expect(replay.body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect((await products('stc-ns-04')).body).toEqual(before.body);
    // Nothing written: not even an audit event.
    const after = await api.call('GET', `/v1/evaluations/stc-ns-04/${period}/products/history`, {
      as: 'stc-ns-04',
    });
    expect(after.body.items).toEqual(log.body.items);
    expect(before.body.items.map((p: { sourceId: string }) => p.sourceId).sort()).toEqual([
      'VB-1',
      'VB-2/2026',
    ]);
    // A changed report updates only that product, and the id survives the slash of the source id.
    const changed = await api.call('POST', FEED, {
      asClient: stcSystem,
      body: { items: [items[0], { ...items[1], completedAt: `${period}-25` }] },
    });
    expect(changed.body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const vb2 = (await products('stc-ns-04')).body.items.find(
      (p: { sourceId: string }) => p.sourceId === 'VB-2/2026',
    );
    expect(vb2).toMatchObject({ id: productIdOf('qlvb-stc', 'VB-2/2026'), completed: true, score: 100 });
  });

  it('a retry with the same Idempotency-Key gets the first answer', async () => {
    const body = { items: [product('stc-ns-05', 'VB-9')] };
    const headers = { 'idempotency-key': 'feed-2026-11-30-0001' };
    const first = await api.call('POST', FEED, { asClient: stcSystem, body, headers });
    const again = await api.call('POST', FEED, { asClient: stcSystem, body, headers });
    expect(first.body).toMatchObject({ created: 1 });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses employees outside the client’s units, and unknown ones alike, writing nothing', async () => {
    const mixed = [product('stc-ns-01', 'X-1'), product('snv-cv1', 'X-2'), product('nobody-here', 'X-3')];
    const refused = await api.call('POST', FEED, { asClient: stcSystem, body: { items: mixed } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'body.items.1.employeeId',
      'body.items.2.employeeId',
    ]);
    // The same message for both: a client learns nothing of other departments' staff.
    expect(refused.body.error.details[0].message.replace('snv-cv1', '')).toBe(
      refused.body.error.details[1].message.replace('nobody-here', ''),
    );
    expect((await products('stc-ns-01')).body.items).toEqual([]);
    // Home Affairs' system may feed its own staff, under its own source only.
    const own = await api.call('POST', '/v1/feeds/qlvb-snv/products', {
      asClient: snvSystem,
      body: { items: [product('snv-cv1', 'NV-1')] },
    });
    expect(own.status).toBe(200);
    const otherSource = await api.call('POST', FEED, {
      asClient: snvSystem,
      body: { items: [product('snv-cv1', 'NV-1')] },
    });
    expect(otherSource.status).toBe(403);
    expect(otherSource.body.error.details[0].path).toBe('params.source');
  });

  it('machine clients and people each have their own routes; the scope is required', async () => {
    const body = { items: [product('stc-ns-01', 'Y-1')] };
    expect((await api.call('POST', FEED, { as: admin, body })).status).toBe(401);
    const noScope = await api.call('POST', FEED, {
      asClient: { clientId: 'qlvb-stc', scopes: ['tasks:read'] },
      body,
    });
    expect(noScope.status).toBe(403);
    const unknown = await api.call('POST', '/v1/feeds/x/products', {
      asClient: { clientId: 'stranger', scopes: ['tasks:write'] },
      body,
    });
    expect(unknown.status).toBe(403);
    expect((await api.call('GET', '/v1/me', { asClient: stcSystem })).status).toBe(401);
    expect(
      (await api.call('GET', `/v1/evaluations/stc-ns-01/${period}/products`, { asClient: stcSystem })).status,
    ).toBe(401);
  });

  it('checks every row before writing: bad values and duplicates are named', async () => {
    const bad = await api.call('POST', FEED, {
      asClient: stcSystem,
      body: {
        items: [
          product('stc-ns-01', 'Z-1', { weight: 1.005 }),
          product('stc-ns-01', 'Z-2'),
          product('stc-ns-01', 'Z-2'),
          product('stc-ns-01', 'Z-3', { majorErrors: -1, completedAt: '30/11/2026' }),
        ],
      },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.items.3.majorErrors', 'body.items.3.completedAt']));
    const second = await api.call('POST', FEED, {
      asClient: stcSystem,
      body: {
        items: [
          product('stc-ns-01', 'Z-1', { weight: 1.005 }),
          product('stc-ns-01', 'Z-2'),
          product('stc-ns-01', 'Z-2'),
        ],
      },
    });
    expect(second.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'body.items.0.weight',
      'body.items.2.sourceId',
    ]);
    expect((await products('stc-ns-01')).body.items).toEqual([]);
  });

  it('a removed product is deleted, and removing it again is a no-op', async () => {
    await api.call('POST', FEED, { asClient: stcSystem, body: { items: [product('stc-ns-05', 'R-1')] } });
    const gone = await api.call('POST', FEED, {
      asClient: stcSystem,
      body: { items: [{ ...product('stc-ns-05', 'R-1'), removed: true }] },
    });
    expect(gone.body).toMatchObject({ removed: 1 });
    const again = await api.call('POST', FEED, {
      asClient: stcSystem,
      body: { items: [{ ...product('stc-ns-05', 'R-1'), removed: true }] },
    });
    expect(again.body).toMatchObject({ removed: 0, unchanged: 1 });
    expect((await products('stc-ns-05')).body.items.map((p: { sourceId: string }) => p.sourceId)).toEqual([
      'VB-9',
    ]);
  });
});

describe('the CSV import of the same shape', () => {
  const header = 'employeeId,period,sourceId,title,weight,dueAt,completedAt,majorErrors,delays';
  it('HR in scope imports a CSV; a bad row is named by its row number; HR out of scope is refused', async () => {
    const csv = `${header}\r\nstc-gia-01,${period},CSV-1,"Tờ trình giá, đợt 1",1.5,${period}-10,${period}-09,0,1\r\n`;
    const ok = await api.call('POST', '/v1/feeds/excel-stc/products/import', {
      as: cityHr,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ source: 'excel-stc', created: 1 });
    const listed = (await products('stc-gia-01')).body.items[0];
    expect(listed).toMatchObject({ title: 'Tờ trình giá, đợt 1', weight: 1.5, delays: 1, score: 92.5 });
    const bad = await api.call('POST', '/v1/feeds/excel-stc/products/import', {
      as: cityHr,
      rawBody: `${header}\r\nstc-gia-01,${period},CSV-2,Tờ trình,abc,,,0,0\r\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('row 2');
    const outside = await api.call('POST', '/v1/feeds/excel-stc/products/import', {
      as: sgdHr,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(outside.status).toBe(403);
    expect(
      (
        await api.call('POST', '/v1/feeds/excel-stc/products/import', {
          as: 'stc-ns-03',
          rawBody: csv,
          headers: { 'content-type': 'text/csv' },
        })
      ).status,
    ).toBe(403);
  });
});

describe('the task score from the fed products', () => {
  it('is computed, seen by the employee, taken by the self-assessment and the review, never typed', async () => {
    const fed = await api.call('POST', FEED, {
      asClient: stcSystem,
      body: {
        items: [
          product('stc-ns-03', 'T-1', { weight: 1.5, majorErrors: 1 }),
          product('stc-ns-03', 'T-2', { weight: 0.5 }),
        ],
      },
    });
    expect(fed.status).toBe(200);
    // (1.5 × 92.5 + 0.5 × 100) / 2 = 94.375% of 70 = 66.0625 → 66.06
    const seen = await products('stc-ns-03');
    expect(seen.body).toMatchObject({
      open: true,
      scoring: 'computed',
      taskScore: { criterionId: 'tasks', value: 66.06, max: 70 },
    });
    const saved = await api.call('PUT', `/v1/evaluations/stc-ns-03/${period}/self-assessment`, {
      as: 'stc-ns-03',
      body: { scores: general },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.selfAssessment.scores.tasks).toBe(66.06);
    const typed = await api.call('PUT', `/v1/evaluations/stc-ns-03/${period}/self-assessment`, {
      as: 'stc-ns-03',
      body: { scores: { ...general, tasks: 70 } },
    });
    expect(typed.status).toBe(400);
    expect(typed.body.error.details[0].path).toBe('scores.tasks');
    expect(
      (await api.call('POST', `/v1/evaluations/stc-ns-03/${period}/submit`, { as: 'stc-ns-03' })).status,
    ).toBe(200);
  });

  it('the employee comments on a product; the reviewer excuses an error with an objective cause and the score rises', async () => {
    const id = productIdOf('qlvb-stc', 'T-1');
    const url = `/v1/evaluations/stc-ns-03/${period}/products/${id}`;
    const commented = await api.call('PUT', `${url}/comment`, {
      as: 'stc-ns-03',
      body: { comment: 'Lỗi do văn bản gốc của đơn vị khác gửi sai số liệu.' },
    });
    expect(commented.status).toBe(200);
    expect(commented.body.comment).toContain('văn bản gốc');
    expect(
      (await api.call('PUT', `${url}/comment`, { as: 'stc-ns-pp', body: { comment: 'x' } })).status,
    ).toBe(403);
    // The employee cannot excuse their own errors; the reviewer must give the cause and cannot excuse more than there are.
    expect(
      (
        await api.call('PUT', `${url}/excuse`, {
          as: 'stc-ns-03',
          body: { errorsExcused: 1, delaysExcused: 0, note: 'x' },
        })
      ).status,
    ).toBe(403);
    const noNote = await api.call('PUT', `${url}/excuse`, {
      as: 'stc-ns-pp',
      body: { errorsExcused: 1, delaysExcused: 0 },
    });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.details[0].path).toBe('body.note');
    const tooMany = await api.call('PUT', `${url}/excuse`, {
      as: 'stc-ns-pp',
      body: { errorsExcused: 2, delaysExcused: 1, note: 'Số liệu gốc sai' },
    });
    expect(tooMany.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'body.errorsExcused',
      'body.delaysExcused',
    ]);
    const excused = await api.call('PUT', `${url}/excuse`, {
      as: 'stc-ns-pp',
      body: {
        errorsExcused: 1,
        delaysExcused: 0,
        note: 'Số liệu gốc do Sở Kế hoạch gửi sai (công văn 123).',
      },
    });
    expect(excused.status, JSON.stringify(excused.body)).toBe(200);
    expect(excused.body.taskScore.value).toBe(70);
    const t1 = excused.body.items.find((p: { sourceId: string }) => p.sourceId === 'T-1');
    expect(t1).toMatchObject({ errorsExcused: 1, excusedBy: 'stc-ns-pp', score: 100 });
    // The review takes the computed score; typing another is refused on the field.
    const typed = await api.call('POST', `/v1/evaluations/stc-ns-03/${period}/review`, {
      as: 'stc-ns-pp',
      body: { scores: { ...general, tasks: 60 } },
    });
    expect(typed.status).toBe(400);
    expect(typed.body.error.details[0].path).toBe('scores.tasks');
    const reviewed = await api.call('POST', `/v1/evaluations/stc-ns-03/${period}/review`, {
      as: 'stc-ns-pp',
      body: { scores: general, comment: 'Hoàn thành tốt.' },
    });
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    expect(reviewed.body.review.scores.tasks).toBe(70);
    expect(reviewed.body.review.total).toBe(98);
    const log = await api.call('GET', `/v1/evaluations/stc-ns-03/${period}/products/history`, {
      as: 'stc-ns-tp',
    });
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['feed', 'comment', 'excuse']);
    expect(log.body.items[2]).toMatchObject({
      actorId: 'stc-ns-pp',
      changes: { errorsExcused: { from: 0, to: 1 } },
    });
  });

  it('once reviewed, a feed, a comment and an excuse are refused, and nothing is written', async () => {
    const before = await products('stc-ns-03');
    const late = await api.call('POST', FEED, {
      asClient: stcSystem,
      body: { items: [product('stc-ns-01', 'L-1'), product('stc-ns-03', 'T-1', { majorErrors: 3 })] },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('INVALID_TRANSITION');
    expect(late.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.items.1']);
    // All or nothing: stc-ns-01's product was not written either.
    expect((await products('stc-ns-01')).body.items).toEqual([]);
    expect((await products('stc-ns-03')).body).toEqual({ ...before.body, open: false });
    const url = `/v1/evaluations/stc-ns-03/${period}/products/${productIdOf('qlvb-stc', 'T-2')}`;
    expect(
      (await api.call('PUT', `${url}/comment`, { as: 'stc-ns-03', body: { comment: 'muộn' } })).status,
    ).toBe(409);
    expect(
      (
        await api.call('PUT', `${url}/excuse`, {
          as: 'stc-ns-pp',
          body: { errorsExcused: 0, delaysExcused: 0 },
        })
      ).status,
    ).toBe(409);
    // Returned to the reviewer, the products open again.
    const returned = await api.call('POST', `/v1/evaluations/stc-ns-03/${period}/return`, {
      as: 'stc-ns-tp',
      body: { comment: 'Đề nghị xem lại sản phẩm T-2.' },
    });
    expect(returned.status).toBe(200);
    expect((await products('stc-ns-03')).body.open).toBe(true);
  });

  it('without fed products the task criterion is scored by hand', async () => {
    const sa = await api.call('PUT', `/v1/evaluations/stc-ns-02/${period}/self-assessment`, {
      as: 'stc-ns-02',
      body: { scores: { ...general, tasks: 61.5 } },
    });
    expect(sa.status).toBe(200);
    expect(sa.body.selfAssessment.scores.tasks).toBe(61.5);
    expect((await products('stc-ns-02')).body).toMatchObject({
      scoring: 'manual',
      taskScore: null,
      items: [],
    });
  });

  it('a feed racing the review never leaves a review on products other than those stored', async () => {
    const who = 'stc-ns-01';
    await api.call('PUT', `/v1/evaluations/${who}/${period}/self-assessment`, {
      as: who,
      body: { scores: general },
    });
    await api.call('POST', FEED, {
      asClient: stcSystem,
      body: { items: [product(who, 'C-0', { majorErrors: 2 })] },
    });
    expect((await api.call('POST', `/v1/evaluations/${who}/${period}/submit`, { as: who })).status).toBe(200);
    const [feed, review] = await Promise.all([
      api.call('POST', FEED, {
        asClient: stcSystem,
        body: { items: Array.from({ length: 20 }, (_, i) => product(who, `C-${i + 1}`)) },
      }),
      api.call('POST', `/v1/evaluations/${who}/${period}/review`, {
        as: 'stc-ns-pp',
        body: { scores: general },
      }),
    ]);
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    expect([200, 409]).toContain(feed.status);
    const stored = await products(who);
    // Whatever the order, the reviewed task score is the one the stored products give.
    expect(review.body.review.scores.tasks).toBe(stored.body.taskScore.value);
    expect(stored.body.items.length).toBe(feed.status === 200 ? 21 : 1);
  });
});
