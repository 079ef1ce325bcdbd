/**
 * remind on a small generated city with an open month: who gets a message on which day and what it says (in
 * Vietnamese, the unit's name, deadlines in Vietnam time, a link to the page, a plain-text and an HTML part, no
 * score), one message per person per day whatever reruns or concurrent runs happen, and nothing outside the
 * windows. Sent through the SESv2Client to the SES v2 emulator; what counts is what it received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSes, startSesLocal } from '../../../functions/local/ses-local.ts';
import { Pacer } from '../../../shared/app/jobs/rate-limit.ts';
import { dueAction, inWindow } from '../../../shared/app/jobs/remind.ts';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import type { DeliverySettings } from '../../../shared/app/jobs/types.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { SesMailer } from '../../../shared/jobs/ses-mailer.ts';
import type { StoredEvaluation } from '../../../shared/store/entities.ts';
import { dump, ofType, type SmallCity, smallCity } from './support.ts';

const PERIOD = '2026-03';
const D = deadlinesFor(PERIOD);
const at8 = (day: string) => new Date(`${day}T08:00:00.000+07:00`);
const APP = 'https://danhgia.example.gov.vn';

let ses: RunningSes;
let mailer: SesMailer;
const delivery = (): DeliverySettings => ({
  pacer: new Pacer(500),
  dailyQuota: 50_000,
  leadDays: 2,
  claimMs: 2000,
  appUrl: APP,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
});
const run = (day: string, options: { fresh?: boolean } = {}) =>
  runJobInline(city.store, 'remind', { now: at8(day), mailer, delivery: delivery(), ...options });

/** The e-mails the emulator received for a day. */
async function inbox(day: string) {
  return (await ses.emails()).filter((e) =>
    e.headers?.some((h) => h.name === 'X-Danh-Gia-Ref' && h.value.startsWith(`${day}_`)),
  );
}

let city: SmallCity;
let evaluations: StoredEvaluation[];

/** What the rules say each person has to do on `day`, counted independently of the job's aggregation. */
function expected(day: string): Map<string, string[]> {
  const now = at8(day).toISOString();
  const out = new Map<string, Map<string, number>>();
  for (const e of evaluations) {
    const action = dueAction(e, now);
    if (!action) continue;
    const deadline = { self: D.selfAssessment, review: D.review, approve: D.approval }[action.kind];
    if (!inWindow(deadline, day, 2)) continue;
    const tasks = out.get(action.recipientId) ?? new Map<string, number>();
    tasks.set(action.kind, (tasks.get(action.kind) ?? 0) + 1);
    out.set(action.recipientId, tasks);
  }
  return new Map([...out].map(([id, t]) => [id, [...t].map(([k, n]) => `${k}:${n}`).sort()]));
}

afterAll(async () => ses?.stop());

beforeAll(async () => {
  ses = await startSesLocal();
  mailer = new SesMailer({ sender: 'nhac-viec@remind.test', endpoint: ses.endpoint });
  city = await smallCity('remind', { staff: 420, units: 20, lastPeriod: PERIOD });
  evaluations = (await dump(city.db, ofType('Evaluation'))) as unknown as StoredEvaluation[];
});

describe('remind', () => {
  it('in the self-assessment window, tells each employee with a draft what to do, by when and where, in Vietnamese', async () => {
    const day = '2026-04-02';
    const report = await run(day);
    const drafts = evaluations.filter((e) => e.status === 'DRAFT');
    expect(drafts.length).toBeGreaterThan(0);
    const outbox = await city.store.outbox.listDay(day);
    expect(outbox.map((m) => m.recipientId).sort()).toEqual(drafts.map((e) => e.employeeId).sort());
    expect(
      outbox.every((m) => m.tasks.length === 1 && m.tasks[0]?.kind === 'self' && m.status === 'SENT'),
    ).toBe(true);
    const sent = await inbox(day);
    expect(sent).toHaveLength(outbox.length);
    const one = sent[0];
    const who = outbox.find((m) => m.to === one?.destination.to[0]);
    const employee = city.city.employees.find((e) => e.id === who?.recipientId);
    const unit = city.city.units.find((u) => u.id === employee?.unitId);
    expect(one?.subject).toBe(
      `Nhắc việc đánh giá, xếp loại tháng 03/2026 — ${unit?.name} — hạn 03/04/2026 23:59`,
    );
    expect(one?.body.text).toContain(`Kính gửi đồng chí ${employee?.name},`);
    expect(one?.body.text).toContain(`(${unit?.name})`);
    expect(one?.body.text).toContain(
      '- Tự đánh giá, chấm điểm kết quả công tác tháng 03/2026 và gửi lãnh đạo trực tiếp nhận xét. Hạn: 03/04/2026 23:59 (giờ Việt Nam).',
    );
    expect(one?.body.text).toContain(`Thực hiện tại: ${APP}/danh-gia/2026-03`);
    expect(one?.body.html).toContain(`<a href="${APP}/danh-gia/2026-03">`);
    expect(one?.body.html).toContain('<li>Tự đánh giá');
    // No score, no grade: personal results stay in the app.
    for (const e of sent) {
      expect(e.body.text).not.toMatch(/điểm \d|\d+[.,]\d+ điểm|loại [ABCD]\b/);
    }
    expect(report.runs[0]?.summary).toMatchObject({ queued: outbox.length, delivering: outbox.length });
  });

  it('never notifies anyone twice on the same day: reruns and concurrent runs find the outbox', async () => {
    const day = '2026-04-02';
    const before = await city.store.outbox.listDay(day);
    const emails = (await inbox(day)).length;
    const again = await run(day);
    expect(again.runs[0]?.state).toBe('done');
    const fresh = await Promise.all([run(day, { fresh: true }), run(day, { fresh: true })]);
    expect(fresh.map((r) => r.runs[0]?.summary?.queued)).toEqual([0, 0]);
    expect(await inbox(day)).toHaveLength(emails);
    expect(await city.store.outbox.listDay(day)).toEqual(before);
  });

  it('on the review deadline, one message per person with every review and approval waiting for them', async () => {
    const day = '2026-04-06';
    // Two runs at once, the very first of the day: still one message per person, each sent once.
    await Promise.all([run(day), run(day, { fresh: true })]);
    const outbox = await city.store.outbox.listDay(day);
    const got = new Map(
      outbox.map((m) => [m.recipientId, m.tasks.map((t) => `${t.kind}:${t.count}`).sort()]),
    );
    expect(got).toEqual(expected(day));
    expect([...got.values()].flat().some((t) => t.startsWith('approve:'))).toBe(true);
    expect([...got.values()].flat().some((t) => t.startsWith('review:'))).toBe(true);
    const recipients = (await inbox(day)).map((m) => m.destination.to[0]);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toHaveLength(outbox.filter((m) => m.status === 'SENT').length);
    const approver = outbox.find((m) => m.tasks.some((t) => t.kind === 'approve'));
    expect(approver?.text).toMatch(/Phê duyệt, quyết định xếp loại \d+ phiếu đánh giá tháng 03\/2026/);
    expect(approver?.text).toContain(`${APP}/phe-duyet?ky=2026-03`);
  });

  it('sends nothing outside the windows', async () => {
    const report = await run('2026-04-20');
    expect(report.runs[0]?.summary).toMatchObject({ recipients: 0, queued: 0, periods: [] });
    expect(await city.store.outbox.listDay('2026-04-20')).toEqual([]);
  });

  it('records a message SES refuses for good as FAILED and does not send it again', async () => {
    const day = '2026-04-07';
    ses.controls.rejectAll = true;
    try {
      await run(day);
    } finally {
      ses.controls.rejectAll = false;
    }
    const outbox = (await city.store.outbox.listDay(day)).filter((m) => m.to !== null);
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.every((m) => m.status === 'FAILED' && m.error === 'MessageRejected')).toBe(true);
    await run(day, { fresh: true });
    expect(await inbox(day)).toEqual([]);
  });
});
