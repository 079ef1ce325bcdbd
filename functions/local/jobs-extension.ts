/**
 * The jobs inside the local server (`npm start`), which owns the DynamoDB Local data folder:
 * - `GET  /local/jobs`            the schedule table with each job's next local run;
 * - `POST /local/jobs/<name>`     runs a job now, to completion, `{target?, at?, fresh?}` → the run report
 *                                 (`npm run job` uses this when the server answers, since two processes cannot
 *                                 open the same data folder);
 * - `GET  /local/outbox?day=`     the reminders of a day (default today in Vietnam) as the outbox holds them
 *                                 (status, tasks, text); what was actually sent is in the SES emulator's viewer;
 * - a scheduler firing each job on its cron of the schedule table, in Asia/Ho_Chi_Minh, as EventBridge would.
 * Local only, like `/local/token`: never part of a Lambda.
 */
import type { IncomingMessage } from 'node:http';
import * as z from 'zod';
import { type RunOptions, runJobInline } from '../../shared/app/jobs/runner.ts';
import type { JobReport, Mailer } from '../../shared/app/jobs/types.ts';
import { isValidCivilDate, vietnamDateOf } from '../../shared/domain/calendar.ts';
import { isServiceUnavailable } from '../../shared/http/errors.ts';
import { nextFireTime, parseCron } from '../../shared/jobs/cron.ts';
import { JOBS, type JobName, schedules } from '../../shared/jobs/schedules.ts';
import type { Store } from '../../shared/store/store.ts';
import type { LocalExtension } from './server.ts';

export const runRequestSchema = z.strictObject({
  target: z.string().max(16).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
  fresh: z.boolean().optional(),
});
export type RunRequest = z.output<typeof runRequestSchema>;

export interface LocalJobs {
  extension: LocalExtension;
  run(job: JobName, options?: RunOptions): Promise<JobReport>;
  /** Starts firing the jobs on their schedules; returns a function that stops it. */
  startScheduler(options?: { now?: () => Date }): () => void;
}

const isJob = (name: string): name is JobName => (JOBS as readonly string[]).includes(name);
const error = (status: number, code: string, message: string) => ({
  status,
  body: { error: { code, message, details: [] } },
});
/** setTimeout cannot wait longer than ~24.8 days; waking up sooner and looking again is harmless. */
const MAX_WAIT_MS = 6 * 60 * 60 * 1000;

export function localJobs(options: {
  store: Store;
  /** The reminders' mailer: the SES client, against the emulator. */
  mailer?: Mailer;
  /** The emulator's viewer, named in `GET /local/outbox`. */
  viewer?: string;
  log?: (line: string) => void;
}): LocalJobs {
  const log = options.log ?? ((line: string) => console.log(line));
  const running = new Set<JobName>();

  const run = async (job: JobName, runOptions: RunOptions = {}): Promise<JobReport> => {
    if (running.has(job)) throw Object.assign(new Error(`${job} is already running`), { busy: true });
    running.add(job);
    try {
      return await runJobInline(options.store, job, {
        ...(options.mailer ? { mailer: options.mailer } : {}),
        ...runOptions,
      });
    } finally {
      running.delete(job);
    }
  };

  const extension: LocalExtension = async (req: IncomingMessage, url: URL, body: string) => {
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === '/local/outbox' && method === 'GET') {
      const day = url.searchParams.get('day') ?? vietnamDateOf(new Date().toISOString()) ?? '';
      if (!isValidCivilDate(day))
        return error(400, 'VALIDATION_FAILED', 'Tham số day phải có dạng YYYY-MM-DD.');
      const items = await options.store.outbox.listDay(day);
      return { status: 200, body: { day, ...(options.viewer ? { viewer: options.viewer } : {}), items } };
    }
    if (url.pathname === '/local/jobs' && method === 'GET') {
      const now = new Date();
      return {
        status: 200,
        body: {
          jobs: schedules.map((s) => ({
            job: s.job,
            cron: s.cron,
            timeZone: s.timeZone,
            description: s.description,
            fanOut: s.fanOut,
            running: running.has(s.job),
            nextRun: nextFireTime(parseCron(s.cron), now)?.toISOString() ?? null,
          })),
        },
      };
    }
    const match = /^\/local\/jobs\/([a-z-]+)$/.exec(url.pathname);
    if (!match || method !== 'POST') return null;
    const name = match[1] ?? '';
    if (!isJob(name))
      return error(404, 'NOT_FOUND', `Không có tác vụ "${name}". Các tác vụ: ${JOBS.join(', ')}.`);
    let parsed: unknown;
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return error(400, 'VALIDATION_FAILED', 'Nội dung không phải JSON hợp lệ.');
    }
    const request = runRequestSchema.safeParse(parsed);
    if (!request.success)
      return error(400, 'VALIDATION_FAILED', 'Yêu cầu phải có dạng {target?, at?, fresh?}.');
    try {
      const report = await run(name, {
        ...(request.data.target ? { target: request.data.target } : {}),
        ...(request.data.at ? { now: new Date(request.data.at) } : {}),
        fresh: request.data.fresh ?? false,
      });
      return { status: 200, body: report };
    } catch (e) {
      if (e instanceof Error && 'busy' in e)
        return error(409, 'CONFLICT', `Tác vụ ${name} đang chạy; thử lại sau.`);
      if (isServiceUnavailable(e)) {
        return {
          ...error(
            503,
            'SERVICE_UNAVAILABLE',
            `Tác vụ ${name} dừng giữa chừng vì cơ sở dữ liệu không trả lời; chạy lại sẽ tiếp từ điểm dừng.`,
          ),
          headers: { 'retry-after': '3' },
        };
      }
      // Local and for the developer: the reason helps, and holds no personal data.
      return error(
        500,
        'INTERNAL_ERROR',
        `Tác vụ ${name} thất bại: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  };

  const startScheduler = (schedulerOptions: { now?: () => Date } = {}) => {
    const now = schedulerOptions.now ?? (() => new Date());
    const timers = new Map<JobName, NodeJS.Timeout>();
    let stopped = false;
    const arm = (job: JobName, cron: ReturnType<typeof parseCron>, due: Date | null) => {
      if (stopped || due === null) return;
      const wait = Math.max(0, Math.min(due.getTime() - now().getTime(), MAX_WAIT_MS));
      const timer = setTimeout(async () => {
        if (now().getTime() < due.getTime()) return arm(job, cron, due);
        const scheduledTime = due.toISOString();
        if (running.has(job)) log(`[lịch] ${job} ${scheduledTime}: lần chạy trước chưa xong, bỏ qua lần này`);
        else {
          try {
            const report = await run(job, { now: due, trigger: { kind: 'scheduled', id: scheduledTime } });
            const runs = report.runs.map(
              (r) => `${r.scope}: ${r.state}${r.summary ? ` ${JSON.stringify(r.summary)}` : ''}`,
            );
            log(`[lịch] ${job} ${scheduledTime}: ${runs.join('; ') || 'không có việc'}`);
          } catch (e) {
            log(`[lịch] ${job} ${scheduledTime}: lỗi ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        arm(job, cron, nextFireTime(cron, due));
      }, wait);
      // The scheduler alone must not keep the process alive.
      timer.unref();
      timers.set(job, timer);
    };
    for (const s of schedules) {
      const cron = parseCron(s.cron);
      arm(s.job, cron, nextFireTime(cron, now()));
    }
    return () => {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
    };
  };

  return { extension, run, startScheduler };
}
