/**
 * remind (daily, 08:00): during the last days before each deadline, everybody who still has to act gets one
 * message a day listing what to do: their own self-assessment, the evaluations waiting for their review, those
 * waiting for their approval, each with its deadline and a link. The job only queues: one outbox item per
 * (day, person), written only if absent (never two messages for the same day, whatever reruns happen), and a
 * `deliver` step per item on the job's queue; the consumers send them at the rate SES allows
 * (shared/app/jobs/delivery.ts).
 *
 * Nothing is dropped: what an earlier day left unsent (the quota was spent, SES was paused) is folded into today's
 * message for the same person (FOLDED, today's message says what is due now), or, when that person has no
 * message today, queued again as it is. A rerun of the day queues again whatever is still unsent.
 *
 * Reads: for each open period with a reminder window today, the unit's evaluations (one Query per unit on the unit
 * index, only the attributes needed), the recipients' employee records (BatchGet), and the outbox of the last
 * days (one Query per day, unsent filtered).
 */
import { addDays, isAfter, isValidCivilDate, vietnamDateOf } from '../../domain/calendar.ts';
import type { Deadlines, EvaluationStatus } from '../../domain/types.ts';
import type { OutboxMessage, ReminderRow, ReminderTask } from '../../store/entities.ts';
import { inParallel } from '../../store/parallel.ts';
import { DAILY_REMINDER, deliverySettingsFromConfig } from './delivery.ts';
import { composeReminder } from './reminder-content.ts';
import { beginRun, finishRun } from './runs.ts';
import type { JobContext, RunReport, StepMessage } from './types.ts';

export { DAILY_REMINDER };

/** Earlier days whose unsent messages a run folds or queues again. */
export const CARRY_OVER_DAYS = 7;
const RUN_TTL_SECONDS = 40 * 24 * 3600;
/** Outbox writes in flight at once (each a conditional put). */
const WRITE_CONCURRENCY = 32;
const SEND_SLICE = 1_000;

type Kind = ReminderTask['kind'];
const DEADLINE_OF: Record<Kind, keyof Deadlines> = {
  self: 'selfAssessment',
  review: 'review',
  approve: 'approval',
};

/** Whether `day` is in the reminder window of a deadline: from `leadDays` days before its day up to its day. */
export function inWindow(deadline: string, day: string, leadDays: number): boolean {
  const last = vietnamDateOf(deadline);
  if (last === null) return false;
  return addDays(last, -leadDays) <= day && day <= last;
}

const FINAL: readonly EvaluationStatus[] = ['APPROVED', 'EXPIRED'];

/**
 * Who has to act on an evaluation now, and for which step (DOMAIN.md: after the self-assessment deadline the
 * reviewer may review the draft as it is; after the review deadline the approver may review and approve).
 */
export function dueAction(
  e: Pick<ReminderRow, 'status' | 'returnedTo' | 'employeeId' | 'reviewerId' | 'approverId' | 'deadlines'>,
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

const deliverStep = (day: string, runId: string, at: string, recipient: string): StepMessage => ({
  v: 1,
  job: 'remind',
  scope: day,
  runId,
  at,
  step: 'deliver',
  recipient,
});

/** Today's worklist of each person: recipient → "kind period" → task. */
async function worklists(ctx: JobContext, day: string, now: string, leadDays: number) {
  const periods = (await ctx.store.periods.list()).filter(
    (p) =>
      p.status === 'OPEN' &&
      (Object.values(DEADLINE_OF) as (keyof Deadlines)[]).some((k) =>
        inWindow(p.deadlines[k], day, leadDays),
      ),
  );
  const lists = new Map<string, Map<string, ReminderTask>>();
  const units = periods.length > 0 ? await ctx.store.org.listUnits() : [];
  for (const period of periods) {
    await inParallel(units, ctx.concurrency, async (unit) => {
      ctx.budget.check();
      for (const e of await ctx.store.evaluations.reminderRows(unit.id, period.period)) {
        const action = dueAction(e, now);
        if (!action) continue;
        const deadline = e.deadlines[DEADLINE_OF[action.kind]];
        if (!inWindow(deadline, day, leadDays)) continue;
        let tasks = lists.get(action.recipientId);
        if (!tasks) {
          tasks = new Map();
          lists.set(action.recipientId, tasks);
        }
        const key = `${action.kind} ${e.period}`;
        const task = tasks.get(key);
        if (task) task.count++;
        else tasks.set(key, { kind: action.kind, period: e.period, count: 1, deadline });
      }
    });
  }
  return {
    periods: periods.map((p) => p.period),
    lists,
    unitNames: new Map(units.map((u) => [u.id, u.name])),
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
  const now = ctx.now.toISOString();
  const { appUrl, leadDays } = ctx.delivery ?? deliverySettingsFromConfig();
  const toDeliver = new Set<string>();
  let summary: Record<string, unknown> = run.summary ?? {};
  let todays = new Set<string>();

  if (state !== 'done') {
    const { periods, lists, unitNames } = await worklists(ctx, day, now, leadDays);
    todays = new Set(lists.keys());
    const employees = await ctx.store.org.getEmployees([...lists.keys()]);
    let queued = 0;
    let already = 0;
    let noAddress = 0;
    await inParallel([...lists], WRITE_CONCURRENCY, async ([recipientId, tasks]) => {
      const employee = employees.get(recipientId);
      // Someone who has left (or is not in the org data) is not written to; their work shows up for HR instead.
      if (!employee?.active) return;
      ctx.budget.check();
      const content = composeReminder({
        name: employee.name,
        unitName: unitNames.get(employee.unitId) ?? null,
        tasks: [...tasks.values()],
        appUrl,
      });
      const message: OutboxMessage = {
        day,
        recipientId,
        reminder: DAILY_REMINDER,
        to: employee.email,
        ...content,
        tasks: [...tasks.values()],
        status: employee.email ? 'PENDING' : 'NO_ADDRESS',
        channel: null,
        createdAt: now,
        sentAt: null,
      };
      const outcome = await ctx.store.outbox.enqueue(message);
      if (outcome === 'queued') {
        queued++;
        if (employee.email) toDeliver.add(recipientId);
        else noAddress++;
      } else already++;
    });
    summary = { day, periods, recipients: lists.size, queued, alreadyQueued: already, noAddress };
  }

  // What an interrupted or earlier run of today queued and did not send yet.
  if (state !== 'new') {
    for (const m of await ctx.store.outbox.listDay(day, { unsentOnly: true })) toDeliver.add(m.recipientId);
  }

  // Earlier days: folded into today's message for the same person, or queued again.
  let carriedOver = 0;
  let folded = 0;
  const again: { day: string; recipientId: string }[] = [];
  for (let back = 1; back <= CARRY_OVER_DAYS; back++) {
    const earlier = addDays(day, -back);
    for (const m of await ctx.store.outbox.listDay(earlier, { unsentOnly: true })) {
      carriedOver++;
      if (todays.has(m.recipientId) && (await ctx.store.outbox.settle(m, 'FOLDED', { foldedInto: day })))
        folded++;
      else again.push({ day: earlier, recipientId: m.recipientId });
    }
  }
  ctx.metric?.('ReminderBacklog', carriedOver);

  const steps = [
    ...[...toDeliver].map((r) => deliverStep(day, run.runId, now, r)),
    ...again.map((m) => deliverStep(m.day, run.runId, now, m.recipientId)),
  ];
  // In slices: a city's 170,000 steps are too many arguments for one call (and SQS takes 10 at a time anyway).
  for (let i = 0; i < steps.length; i += SEND_SLICE) await ctx.fanOut.send(steps.slice(i, i + SEND_SLICE));
  const report = { ...summary, delivering: steps.length, carriedOver, folded };
  if (state !== 'done') await finishRun(ctx.store, run, report);
  ctx.log('reminders queued', { runId: run.runId, ...report });
  return [
    {
      job: 'remind',
      scope: day,
      runId: run.runId,
      state,
      status: 'DONE',
      queued: steps.length,
      summary: state === 'done' ? (run.summary ?? null) : report,
    },
  ];
}
