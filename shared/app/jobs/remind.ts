/**
 * remind (daily, 08:00): during the last days before each deadline, everybody who still has to act gets one
 * message a day listing what to do: their own self-assessment, the evaluations waiting for their review, those
 * waiting for their approval, each with its deadline. One outbox item per (day, person), written only if
 * absent: never two messages for the same day, whatever reruns or retries happen.
 *
 * Reads: for each open period with a reminder window today, the unit's evaluations (one Query per unit on the
 * unit index) and the recipients' employee records (BatchGet). A rerun reads again (reads change nothing) and
 * finds the outbox items already there; that is its checkpoint, per person.
 */
import {
  addDays,
  formatVietnamTime,
  isAfter,
  isValidCivilDate,
  periodLabel,
  vietnamDateOf,
} from '../../domain/calendar.ts';
import type { Deadlines, EvaluationStatus } from '../../domain/types.ts';
import type { OutboxMessage, ReminderTask, StoredEvaluation } from '../../store/entities.ts';
import { inParallel } from '../parallel.ts';
import { deliver } from './outbox.ts';
import { beginRun, finishRun } from './runs.ts';
import type { JobContext, RunReport } from './types.ts';

/** Reminders start this many days before a deadline's day and run up to that day. */
export const REMINDER_LEAD_DAYS = 2;
/** The one daily reminder per person: its key in the outbox. */
export const DAILY_REMINDER = 'worklist';
const RUN_TTL_SECONDS = 40 * 24 * 3600;

type Kind = ReminderTask['kind'];
const DEADLINE_OF: Record<Kind, keyof Deadlines> = {
  self: 'selfAssessment',
  review: 'review',
  approve: 'approval',
};

/** Whether `day` is in the reminder window of a deadline: from LEAD days before its day up to its day. */
export function inWindow(deadline: string, day: string): boolean {
  const last = vietnamDateOf(deadline);
  if (last === null) return false;
  return addDays(last, -REMINDER_LEAD_DAYS) <= day && day <= last;
}

const FINAL: readonly EvaluationStatus[] = ['APPROVED', 'EXPIRED'];

/**
 * Who has to act on an evaluation now, and for which step (DOMAIN.md: after the self-assessment deadline the
 * reviewer may review the draft as it is; after the review deadline the approver may review and approve).
 */
export function dueAction(
  e: Pick<
    StoredEvaluation,
    'status' | 'returnedTo' | 'employeeId' | 'reviewerId' | 'approverId' | 'deadlines'
  >,
  now: string,
): { kind: Kind; recipientId: string } | null {
  if (FINAL.includes(e.status)) return null;
  const past = (k: keyof Deadlines) => isAfter(now, e.deadlines[k]);
  if (past('approval')) return null;
  const withEmployee = e.status === 'DRAFT' || (e.status === 'RETURNED' && e.returnedTo === 'employee');
  const withReviewer = e.status === 'SUBMITTED' || (e.status === 'RETURNED' && e.returnedTo === 'reviewer');
  if (withEmployee && !past('selfAssessment')) return { kind: 'self', recipientId: e.employeeId };
  if ((withEmployee || withReviewer) && !past('review')) return { kind: 'review', recipientId: e.reviewerId };
  return { kind: 'approve', recipientId: e.approverId };
}

/** `tháng 03/2026`, `quý I/2026`. */
const periodText = (period: string) => periodLabel(period);

function taskLine(t: ReminderTask): string {
  const deadline = `hạn ${formatVietnamTime(t.deadline)}`;
  switch (t.kind) {
    case 'self':
      return `- Tự đánh giá, chấm điểm kết quả công tác ${periodText(t.period)} và gửi cho người nhận xét — ${deadline}.`;
    case 'review':
      return `- Nhận xét, chấm điểm ${t.count} phiếu đánh giá ${periodText(t.period)} đang chờ đồng chí — ${deadline}.`;
    case 'approve':
      return `- Phê duyệt, quyết định xếp loại ${t.count} phiếu đánh giá ${periodText(t.period)} đang chờ đồng chí — ${deadline}.`;
  }
}

const ORDER: Record<Kind, number> = { self: 0, review: 1, approve: 2 };

/** The message in Vietnamese: what to do, by when, and what happens otherwise. */
export function composeReminder(
  name: string,
  day: string,
  tasks: ReminderTask[],
): { subject: string; text: string } {
  const sorted = [...tasks].sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.period.localeCompare(b.period));
  const date = `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
  return {
    subject: `Nhắc việc đánh giá, xếp loại chất lượng hằng tháng — ngày ${date}`,
    text: [
      `Kính gửi đồng chí ${name},`,
      '',
      'Hệ thống đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức, người lao động hằng tháng nhắc đồng chí các việc cần hoàn thành:',
      ...sorted.map(taskLine),
      '',
      'Đồng chí vui lòng đăng nhập hệ thống để thực hiện. Khi kỳ đánh giá đóng, phiếu chưa được phê duyệt sẽ hết hạn và không được xếp loại.',
      'Đây là thư tự động, vui lòng không trả lời thư này.',
    ].join('\n'),
  };
}

export async function startRemind(ctx: JobContext, target?: string): Promise<RunReport[]> {
  const day = target ?? vietnamDateOf(ctx.now.toISOString());
  if (!day || !isValidCivilDate(day)) throw new Error(`not a day (YYYY-MM-DD): ${String(target)}`);
  const { run, state } = await beginRun(ctx.store, {
    job: 'remind',
    scope: day,
    trigger: ctx.trigger,
    at: ctx.now,
    repeatable: false,
    ttlSeconds: RUN_TTL_SECONDS,
  });
  if (state === 'done') {
    return [
      {
        job: 'remind',
        scope: day,
        runId: run.runId,
        state,
        status: run.status,
        queued: 0,
        summary: run.summary,
      },
    ];
  }
  const now = ctx.now.toISOString();
  const periods = (await ctx.store.periods.list()).filter(
    (p) =>
      p.status === 'OPEN' &&
      (Object.values(DEADLINE_OF) as (keyof Deadlines)[]).some((k) => inWindow(p.deadlines[k], day)),
  );

  // recipient → "kind period" → task
  const worklists = new Map<string, Map<string, ReminderTask>>();
  if (periods.length > 0) {
    const units = await ctx.store.org.listUnits();
    for (const period of periods) {
      await inParallel(units, ctx.concurrency, async (unit) => {
        ctx.budget.check();
        for (const e of await ctx.store.evaluations.listByUnit(unit.id, period.period)) {
          const action = dueAction(e, now);
          if (!action) continue;
          const deadline = e.deadlines[DEADLINE_OF[action.kind]];
          if (!inWindow(deadline, day)) continue;
          let tasks = worklists.get(action.recipientId);
          if (!tasks) {
            tasks = new Map();
            worklists.set(action.recipientId, tasks);
          }
          const key = `${action.kind} ${e.period}`;
          const task = tasks.get(key);
          if (task) task.count++;
          else tasks.set(key, { kind: action.kind, period: e.period, count: 1, deadline });
        }
      });
    }
  }

  const employees = await ctx.store.org.getEmployees([...worklists.keys()]);
  let queued = 0;
  let already = 0;
  let noAddress = 0;
  await inParallel([...worklists], ctx.concurrency, async ([recipientId, tasks]) => {
    const employee = employees.get(recipientId);
    // Someone who has left (or is not in the org data) is not written to; their work shows up for HR instead.
    if (!employee?.active) return;
    ctx.budget.check();
    const { subject, text } = composeReminder(employee.name, day, [...tasks.values()]);
    const message: OutboxMessage = {
      day,
      recipientId,
      reminder: DAILY_REMINDER,
      to: employee.email,
      subject,
      text,
      tasks: [...tasks.values()],
      status: employee.email ? 'PENDING' : 'NO_ADDRESS',
      channel: null,
      createdAt: now,
      sentAt: null,
    };
    const outcome = await ctx.store.outbox.enqueue(message);
    if (outcome === 'queued') queued++;
    else already++;
    if (outcome === 'queued' && !employee.email) noAddress++;
  });

  // Everything still PENDING today, including what an interrupted run queued but did not send.
  const pending = (await ctx.store.outbox.listDay(day)).filter((m) => m.status === 'PENDING');
  let sent = 0;
  let failed = 0;
  await inParallel(pending, Math.min(ctx.concurrency, 4), async (message) => {
    ctx.budget.check();
    const status = await deliver(ctx.store, ctx.mailer, message, () => new Date());
    if (status === 'SENT') sent++;
    if (status === 'FAILED') failed++;
  });
  const summary = {
    day,
    periods: periods.map((p) => p.period),
    recipients: worklists.size,
    queued,
    alreadyQueued: already,
    noAddress,
    sent,
    failed,
    channel: ctx.mailer.channel,
  };
  await finishRun(ctx.store, run, summary);
  ctx.log('reminders done', { runId: run.runId, ...summary });
  return [{ job: 'remind', scope: day, runId: run.runId, state, status: 'DONE', queued, summary }];
}
