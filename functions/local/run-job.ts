/**
 * `npm run job -- <name> [target] [--at <ISO time>] [--fresh] [--in-process]`: runs a scheduled job now, to
 * completion, against the same engine as `npm start`.
 *
 * - When `npm start` is running (its server answers on PORT), the job runs inside it (`POST /local/jobs/<name>`):
 *   only one process may run DynamoDB Local on a data folder (its lock file refuses a second one).
 * - Otherwise the job starts the engine itself (LOCAL_DATA_DIR, or DYNAMODB_ENDPOINT / TABLE_NAME), exactly as
 *   `npm start` would, runs, and stops it.
 *
 * target: a period `YYYY-MM` or `YYYY-Qn` (open-period, close-period, compute-rankings), a year (annual-rollup) or a day
 * `YYYY-MM-DD` (remind); by default what the schedule would pick at the run's time. `--at` sets that time (e.g.
 * to close a period as on day 9: `npm run job -- close-period --at 2026-04-09T00:30:00+07:00`). `--fresh` starts
 * over instead of resuming an interrupted run.
 */
import { runJobInline } from '../../shared/app/jobs/runner.ts';
import type { JobReport } from '../../shared/app/jobs/types.ts';
import { JOBS, type JobName, onDemandJobs, schedules } from '../../shared/jobs/schedules.ts';
import { DataDirInUseError } from './data-dir-lock.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { type RunRequest, runRequestSchema } from './jobs-extension.ts';
import { readLocalEnv, startLocalRuntime } from './runtime.ts';

function usage(): never {
  console.error(`Cách dùng: npm run job -- <tác vụ> [kỳ|năm|ngày] [--at <thời điểm ISO>] [--fresh] [--in-process]
Tác vụ:
${[
  ...schedules.map((s) => `  ${s.job.padEnd(17)} ${s.cron.padEnd(22)} ${s.description}`),
  ...onDemandJobs.map((s) => `  ${s.job.padEnd(17)} ${'(theo yêu cầu)'.padEnd(22)} ${s.description}`),
].join('\n')}`);
  process.exit(2);
}

function parseArgs(argv: string[]): { job: JobName; request: RunRequest; inProcess: boolean } {
  const [name, ...rest] = argv;
  if (!name || !(JOBS as readonly string[]).includes(name)) usage();
  const request: Record<string, unknown> = {};
  let inProcess = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (arg === '--fresh') request.fresh = true;
    else if (arg === '--in-process') inProcess = true;
    else if (arg === '--at') request.at = rest[++i];
    else if (!arg.startsWith('--') && request.target === undefined) request.target = arg;
    else usage();
  }
  const parsed = runRequestSchema.safeParse(request);
  if (!parsed.success) {
    console.error(
      'Tham số không hợp lệ:',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
    process.exit(2);
  }
  return { job: name as JobName, request: parsed.data, inProcess };
}

function print(report: JobReport, where: string): void {
  console.log(`Tác vụ ${report.job} (${where}), thời điểm ${report.at}:`);
  if (report.runs.length === 0) console.log('  không có việc cần làm (không có kỳ nào đến hạn).');
  for (const r of report.runs) {
    const state = {
      new: 'chạy mới',
      resumed: 'chạy tiếp từ điểm dừng',
      done: 'đã xong từ trước',
      skipped: 'bỏ qua',
    }[r.state];
    console.log(`  - ${r.scope}: ${state}${r.status ? ` → ${r.status}` : ''}${r.note ? ` — ${r.note}` : ''}`);
    if (r.summary) console.log(`    ${JSON.stringify(r.summary)}`);
  }
}

/** The server of `npm start`, if it answers on PORT. */
async function serverUrl(port: number): Promise<string | null> {
  const url = `http://127.0.0.1:${port}`;
  try {
    const res = await fetch(`${url}/local/jobs`, { signal: AbortSignal.timeout(1500) });
    if (!res.ok) return null;
    const body = (await res.json()) as { jobs?: unknown };
    return Array.isArray(body.jobs) ? url : null;
  } catch {
    return null;
  }
}

async function main() {
  const { job, request, inProcess } = parseArgs(process.argv.slice(2));
  const env = readLocalEnv();
  const url = inProcess ? null : await serverUrl(env.PORT);
  if (url) {
    const res = await fetch(`${url}/local/jobs/${job}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as JobReport & { error?: { message: string } };
    if (!res.ok) {
      console.error(`Máy chủ cục bộ trả lời ${res.status}: ${body.error?.message ?? ''}`);
      process.exit(1);
    }
    return print(body, `chạy trong npm start tại ${url}`);
  }
  const started = Date.now();
  const runtime = await startLocalRuntime(env, { command: 'npm run job' });
  try {
    const report = await runJobInline(runtime.store, job, {
      ...(request.target ? { target: request.target } : {}),
      ...(request.at ? { now: new Date(request.at) } : {}),
      fresh: request.fresh ?? false,
      mailer: runtime.mailer,
      log: (message, fields) => console.error(`  · ${message} ${JSON.stringify(fields ?? {})}`),
    });
    const engine = env.DYNAMODB_ENDPOINT ?? `DynamoDB Local, dữ liệu ${env.LOCAL_DATA_DIR}`;
    print(report, `${engine}, bảng ${env.TABLE_NAME}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await runtime.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError || error instanceof DataDirInUseError) console.error(error.message);
  else {
    console.error('Tác vụ thất bại:', error);
    console.error(
      'Nếu npm start đang chạy trên một cổng khác, đặt PORT cho đúng: hai tiến trình không mở được cùng một thư mục dữ liệu DynamoDB Local.',
    );
  }
  process.exit(1);
});
