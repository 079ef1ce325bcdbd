/**
 * remind on a small generated city with an open month: who gets a message on which day and what it says, one
 * message per person per day whatever reruns or concurrent runs happen, and nothing outside the windows.
 * The mailer here records what SES would be asked to send.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dueAction, inWindow } from '../../../shared/app/jobs/remind.ts';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import type { Mail, Mailer } from '../../../shared/app/jobs/types.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import type { StoredEvaluation } from '../../../shared/store/entities.ts';
import { dump, ofType, type SmallCity, smallCity } from './support.ts';

const PERIOD = '2026-03';
const D = deadlinesFor(PERIOD);
const at8 = (day: string) => new Date(`${day}T08:00:00.000+07:00`);

function recorder(fail = false): Mailer & { sent: Mail[] } {
  const sent: Mail[] = [];
  return {
    channel: 'ses',
    sent,
    send: async (mail) => {
      if (fail) throw Object.assign(new Error('MessageRejected'), { name: 'MessageRejected' });
      sent.push(mail);
    },
  };
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
    if (!inWindow(deadline, day)) continue;
    const tasks = out.get(action.recipientId) ?? new Map<string, number>();
    tasks.set(action.kind, (tasks.get(action.kind) ?? 0) + 1);
    out.set(action.recipientId, tasks);
  }
  return new Map([...out].map(([id, t]) => [id, [...t].map(([k, n]) => `${k}:${n}`).sort()]));
}

beforeAll(async () => {
  city = await smallCity('remind', { staff: 420, units: 20, lastPeriod: PERIOD });
  evaluations = (await dump(city.db, ofType('Evaluation'))) as unknown as StoredEvaluation[];
});

describe('remind', () => {
  it('in the self-assessment window, tells each employee with a draft what to do and by when, in Vietnamese', async () => {
    const day = '2026-04-02';
    const mailer = recorder();
    const report = await runJobInline(city.store, 'remind', { now: at8(day), mailer });
    const drafts = evaluations.filter((e) => e.status === 'DRAFT');
    expect(drafts.length).toBeGreaterThan(0);
    const outbox = await city.store.outbox.listDay(day);
    expect(outbox.map((m) => m.recipientId).sort()).toEqual(drafts.map((e) => e.employeeId).sort());
    expect(
      outbox.every((m) => m.tasks.length === 1 && m.tasks[0]?.kind === 'self' && m.status === 'SENT'),
    ).toBe(true);
    const one = outbox[0];
    expect(one?.text).toContain('Kính gửi đồng chí');
    expect(one?.text).toContain('Tự đánh giá, chấm điểm kết quả công tác tháng 03/2026');
    expect(one?.text).toContain('hạn 23:59 ngày 03/04/2026');
    expect(one?.subject).toBe('Nhắc việc đánh giá, xếp loại chất lượng hằng tháng — ngày 02/04/2026');
    expect(mailer.sent).toHaveLength(outbox.length);
    expect(report.runs[0]?.summary).toMatchObject({ queued: outbox.length, sent: outbox.length });
  });

  it('never notifies anyone twice on the same day: reruns and concurrent runs find the outbox', async () => {
    const day = '2026-04-02';
    const before = await city.store.outbox.listDay(day);
    const mailer = recorder();
    const again = await runJobInline(city.store, 'remind', { now: at8(day), mailer });
    expect(again.runs[0]?.state).toBe('done');
    const fresh = await Promise.all([
      runJobInline(city.store, 'remind', { now: at8(day), mailer, fresh: true }),
      runJobInline(city.store, 'remind', { now: at8(day), mailer, fresh: true }),
    ]);
    expect(fresh.map((r) => r.runs[0]?.summary?.queued)).toEqual([0, 0]);
    expect(mailer.sent).toHaveLength(0);
    expect(await city.store.outbox.listDay(day)).toEqual(before);
  });

  it('on the review deadline, one message per person with every review and approval waiting for them', async () => {
    const day = '2026-04-06';
    // Two runs at once, the very first of the day: still one message per person, each sent once.
    const mailer = recorder();
    await Promise.all([
      runJobInline(city.store, 'remind', { now: at8(day), mailer }),
      runJobInline(city.store, 'remind', { now: at8(day), mailer, fresh: true }),
    ]);
    const outbox = await city.store.outbox.listDay(day);
    const got = new Map(
      outbox.map((m) => [m.recipientId, m.tasks.map((t) => `${t.kind}:${t.count}`).sort()]),
    );
    expect(got).toEqual(expected(day));
    expect([...got.values()].flat().some((t) => t.startsWith('approve:'))).toBe(true);
    expect([...got.values()].flat().some((t) => t.startsWith('review:'))).toBe(true);
    const recipients = mailer.sent.map((m) => m.to);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toHaveLength(outbox.length);
    const approver = outbox.find((m) => m.tasks.some((t) => t.kind === 'approve'));
    expect(approver?.text).toMatch(/Phê duyệt, quyết định xếp loại \d+ phiếu đánh giá tháng 03\/2026/);
  });

  it('sends nothing outside the windows', async () => {
    const report = await runJobInline(city.store, 'remind', { now: at8('2026-04-20'), mailer: recorder() });
    expect(report.runs[0]?.summary).toMatchObject({ recipients: 0, queued: 0, periods: [] });
    expect(await city.store.outbox.listDay('2026-04-20')).toEqual([]);
  });

  it('records a refused message as FAILED and does not retry it the same day', async () => {
    const day = '2026-04-07';
    const failing = await runJobInline(city.store, 'remind', { now: at8(day), mailer: recorder(true) });
    expect(failing.runs[0]?.summary).toMatchObject({ sent: 0 });
    const outbox = await city.store.outbox.listDay(day);
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.every((m) => m.status === 'FAILED' && m.error === 'MessageRejected')).toBe(true);
    const mailer = recorder();
    await runJobInline(city.store, 'remind', { now: at8(day), mailer, fresh: true });
    expect(mailer.sent).toHaveLength(0);
  });
});
