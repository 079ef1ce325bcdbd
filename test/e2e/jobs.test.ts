/**
 * The jobs end to end on the local server, as a developer uses them: run over `POST /local/jobs/<name>` (and by
 * `npm run job`, both through the server and in its own process), read the results through the API, the XLSX
 * exports and `GET /local/outbox`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemo } from '../../functions/local/demo-data.ts';
import { localJobs } from '../../functions/local/jobs-extension.ts';
import { issueLocalToken, loadLocalTokenKey } from '../../functions/local/local-auth.ts';
import { type RunningServer, startLocalServer } from '../../functions/local/server.ts';
import { type RunningSes, startSesLocal } from '../../functions/local/ses-local.ts';
import type { Group } from '../../shared/app/caller.ts';
import type { JobReport } from '../../shared/app/jobs/types.ts';
import { deadlinesFor } from '../../shared/domain/calendar.ts';
import { nextFireTime, parseCron } from '../../shared/jobs/cron.ts';
import { SesMailer } from '../../shared/jobs/ses-mailer.ts';
import type { OutboxMessage } from '../../shared/store/entities.ts';
import type { Store } from '../../shared/store/store.ts';
import { freshTable } from '../support/table.ts';

const run = promisify(execFile);
const PERIOD = '2026-03';
const key = loadLocalTokenKey(null);
let store: Store;
let tableName: string;
let server: RunningServer;
let ses: RunningSes;

async function call<T = JobReport>(
  method: string,
  path: string,
  options: { as?: string; groups?: Group[]; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  if (options.as)
    headers.authorization = `Bearer ${await issueLocalToken(key, options.as, options.groups ?? [])}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // binary
  }
  return { status: res.status, headers: res.headers, bytes, json: json as T };
}

async function workbook(bytes: Uint8Array) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return book;
}

const rowValues = (sheet: ExcelJS.Worksheet | undefined, n: number) =>
  ((sheet?.getRow(n).values ?? []) as unknown[]).slice(1);

beforeAll(async () => {
  const table = await freshTable('e2e-jobs');
  store = table.store;
  tableName = table.db.tableName;
  await seedDemo(store, new Date('2026-03-20T10:00:00+07:00'));
  ses = await startSesLocal();
  const mailer = new SesMailer({ sender: 'nhac-viec@e2e.test', endpoint: ses.endpoint });
  server = await startLocalServer({
    port: 0,
    tokenKey: key,
    extensions: [localJobs({ store, mailer, viewer: ses.viewer, log: () => undefined }).extension],
  });
});
afterAll(async () => {
  await server?.close();
  await ses?.stop();
});

describe('jobs on the local server', () => {
  it('computes rankings on demand; the API serves them; HR downloads them as XLSX with Vietnamese headers', async () => {
    const at = '2026-03-21T01:00:00.000+07:00';
    const ran = await call('POST', '/local/jobs/compute-rankings', { body: { target: PERIOD, at } });
    expect(ran.status).toBe(200);
    expect(ran.json.runs[0]).toMatchObject({ scope: PERIOD, status: 'DONE' });

    const ranking = await call<{ computedAt: string; entries: { employeeId: string }[] }>(
      'GET',
      `/v1/units/stc-ns/rankings/${PERIOD}`,
      { as: 'stc-ns-tp' },
    );
    expect(ranking.status).toBe(200);
    expect(ranking.json.computedAt).toBe(new Date(at).toISOString());
    expect(ranking.json.entries.map((e) => e.employeeId)).toEqual(['stc-ns-02']);

    const xlsx = await call('GET', `/v1/exports/units/stc-ns/rankings/${PERIOD}`, { as: 'stc-ns-tp' });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(xlsx.headers.get('content-disposition')).toContain(`xep-hang-stc-ns-${PERIOD}.xlsx`);
    const book = await workbook(xlsx.bytes);
    const sheet = book.getWorksheet('Xếp hạng');
    expect(rowValues(sheet, 1)[0]).toBe('BẢNG XẾP HẠNG KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG 03/2026');
    expect(rowValues(sheet, 5)).toEqual([
      'Hạng',
      'Mã nhân sự',
      'Họ và tên',
      'Tổng điểm',
      'Xếp loại',
      'Mức xếp loại',
    ]);
    expect(rowValues(sheet, 6)).toEqual([
      1,
      'stc-ns-02',
      'Lương Văn Đức',
      78,
      'B',
      'Hoàn thành tốt nhiệm vụ',
    ]);
    expect(book.getWorksheet('Tổng hợp')).toBeDefined();

    // The same authorization as the JSON report: a colleague may not download the unit's ranking.
    expect(
      (await call('GET', `/v1/exports/units/stc-ns/rankings/${PERIOD}`, { as: 'stc-ns-01' })).status,
    ).toBe(403);

    const annual = await call('GET', '/v1/exports/annual/2026?unitId=stc-ns', {
      as: 'hn-hr',
      groups: ['hr'],
    });
    expect(annual.status).toBe(200);
    const year = (await workbook(annual.bytes)).getWorksheet('Năm 2026');
    expect(rowValues(year, 5)).toEqual([
      'Mã nhân sự',
      'Họ và tên',
      'Điểm trung bình',
      'Số tháng được đánh giá',
      'Xếp loại',
      'Mức xếp loại',
    ]);
    const rows = Array.from({ length: 7 }, (_, i) => rowValues(year, 6 + i));
    expect(rows.find((r) => r[0] === 'stc-ns-02')).toEqual([
      'stc-ns-02',
      'Lương Văn Đức',
      78,
      1,
      // Not classified: the grade cell is left empty.
      undefined,
      'Không xếp loại (dưới 6 tháng)',
    ]);
  });

  it('reminds on the deadline day through the SES emulator; the outbox at GET /local/outbox names its viewer', async () => {
    // The self-assessment deadline's day (03/04/2026 23:59): with the default window (REMINDER_LEAD_DAYS 0) the
    // reminders go out that morning, and not the day before.
    const before = await call('POST', '/local/jobs/remind', {
      body: { at: '2026-04-02T08:00:00.000+07:00' },
    });
    expect(before.json.runs[0]?.summary).toMatchObject({ recipients: 0, queued: 0 });
    const at = '2026-04-03T08:00:00.000+07:00';
    const first = await call('POST', '/local/jobs/remind', { body: { at } });
    expect(first.status).toBe(200);
    const outbox = await call<{ items: OutboxMessage[]; viewer: string }>(
      'GET',
      '/local/outbox?day=2026-04-03',
    );
    expect(outbox.json.viewer).toBe(ses.viewer);
    const items = outbox.json.items;
    expect((await ses.emails()).filter((e) => e.from === 'nhac-viec@e2e.test')).toHaveLength(items.length);
    // The demo's drafts: everyone in the month but those who already submitted.
    expect(items.length).toBeGreaterThan(20);
    const mine = items.find((i) => i.recipientId === 'stc-ns-03');
    expect(mine?.text).toContain('Tự đánh giá, chấm điểm kết quả công tác tháng 03/2026');
    expect(mine?.to).toBe('stc-ns-03@demo.hanoi.gov.vn');
    expect(mine?.status).toBe('SENT');
    const again = await call('POST', '/local/jobs/remind', { body: { at, fresh: true } });
    expect(again.json.runs[0]?.summary).toMatchObject({ queued: 0, alreadyQueued: items.length });
    expect((await ses.emails()).filter((e) => e.from === 'nhac-viec@e2e.test')).toHaveLength(items.length);
    expect(
      (await call<{ items: OutboxMessage[] }>('GET', '/local/outbox?day=2026-04-03')).json.items,
    ).toHaveLength(items.length);
    expect((await call('GET', '/local/outbox?day=02-04-2026')).status).toBe(400);
  });

  it('closes the period once its close time has come', async () => {
    const early = await call('POST', '/local/jobs/close-period', {
      body: { target: PERIOD, at: '2026-04-08T12:00:00+07:00' },
    });
    expect(early.json.runs[0]?.state).toBe('skipped');
    const closes = deadlinesFor(PERIOD).closesAt;
    const closed = await call('POST', '/local/jobs/close-period', { body: { at: closes } });
    expect(closed.json.runs[0]).toMatchObject({ scope: PERIOD, status: 'DONE' });
    const period = await call<{ status: string; counts: Record<string, number> }>(
      'GET',
      `/v1/periods/${PERIOD}`,
      {
        as: 'admin',
        groups: ['admin'],
      },
    );
    expect(period.json.status).toBe('CLOSED');
    expect(period.json.counts.EXPIRED).toBeGreaterThan(30);
    expect(period.json.counts.APPROVED).toBe(2);
  });

  it('lists the schedule and refuses unknown jobs', async () => {
    const list = await call<{ jobs: { job: string }[] }>('GET', '/local/jobs');
    expect(list.json.jobs.map((j) => j.job)).toEqual([
      'open-period',
      'remind',
      'close-period',
      'compute-rankings',
      'annual-rollup',
    ]);
    expect((await call('POST', '/local/jobs/nope', { body: {} })).status).toBe(404);
    expect((await call('POST', '/local/jobs/remind', { body: { period: 'x' } })).status).toBe(400);
  });

  it('fires the jobs on their cron, in Vietnam time, inside the server', async () => {
    const lines: string[] = [];
    const jobs = localJobs({ store, log: (line) => lines.push(line) });
    // A clock 0.4 s before the next 00:30 in Hanoi: close-period's schedule.
    const fire = nextFireTime(parseCron('cron(30 0 * * ? *)'), new Date());
    if (!fire) throw new Error('no next firing');
    const offset = fire.getTime() - 400 - Date.now();
    const stop = jobs.startScheduler({ now: () => new Date(Date.now() + offset) });
    try {
      for (let i = 0; i < 60 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      stop();
    }
    expect(lines[0]).toContain(`[lịch] close-period ${fire.toISOString()}`);
  });

  it('npm run job goes through the running server, or runs in its own process against the engine', async () => {
    const port = new URL(server.url).port;
    const cli = ['--import', 'tsx', 'functions/local/run-job.ts', 'annual-rollup', '2026'];
    const viaServer = await run('node', cli, { env: { ...process.env, PORT: port } });
    expect(viaServer.stdout).toContain('chạy trong npm start');
    expect(viaServer.stdout).toContain('2026: chạy mới → DONE');
    const own = await run('node', [...cli, '--in-process'], {
      env: {
        ...process.env,
        PORT: port,
        DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
        TABLE_NAME: tableName,
        SEED: 'none',
      },
    });
    expect(own.stdout).toContain(`bảng ${tableName}`);
    expect(own.stdout).toContain('2026: chạy mới → DONE');
  }, 60_000);
});
