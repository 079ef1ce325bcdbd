/**
 * In AWS, opening, closing or ranking a period for a whole city is handed to the job's own function: the API
 * records the decision and returns (202), the job does the rest. The job's function is AWS's; here the
 * invocation is observed and the job is then run exactly as that function would run it (`{job, target}`), against
 * DynamoDB Local. Locally, with no function named, the same job runs in the request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../functions/local/demo-data.ts';
import { inlineJobStarter, runJobInline } from '../../../shared/app/jobs/runner.ts';
import type { JobStarter } from '../../../shared/app/jobs/types.ts';
import {
  closePeriodForCaller,
  computeRankingsForCaller,
  openPeriodForCaller,
  readPeriod,
  readRankingRun,
} from '../../../shared/app/periods/periods.ts';
import { reopenPeriodForCaller } from '../../../shared/app/periods/reopen.ts';
import { lambdaJobStarter } from '../../../shared/http/background.ts';
import type { Store } from '../../../shared/store/store.ts';
import { freshTable } from '../../support/table.ts';

let store: Store;
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const FUNCTIONS = {
  'open-period': 'danh-gia-prod-job-open-period',
  'close-period': 'danh-gia-prod-job-close-period',
  'compute-rankings': 'danh-gia-prod-job-compute-rankings',
  'reopen-period': 'danh-gia-prod-job-reopen-period',
};

/** The API in AWS: every job named, each invocation recorded instead of sent. */
function inAws(invoked: [string, string][]): JobStarter {
  return lambdaJobStarter(FUNCTIONS, inlineJobStarter(store), async (fn, payload) => {
    invoked.push([fn, payload]);
  });
}
const admin = (jobs: JobStarter) => ({
  store,
  principal: { employeeId: 'admin', groups: ['admin' as const] },
  now: new Date(),
  jobs,
});

beforeAll(async () => {
  ({ store } = await freshTable('background'));
  await seedDemo(store);
});

describe('period work too big for a request', () => {
  it('open: records the period, starts the job without waiting, and the job creates the drafts', async () => {
    const invoked: [string, string][] = [];
    const opened = await openPeriodForCaller(admin(inAws(invoked)), '2027-01', undefined);
    expect(invoked).toEqual([
      [FUNCTIONS['open-period'], JSON.stringify({ job: 'open-period', target: '2027-01', fresh: true })],
    ]);
    expect(opened.handedOff).toBe(true);
    expect(opened.period).toMatchObject({ period: '2027-01', status: 'OPEN' });
    expect(total(opened.period.counts)).toBe(0);

    await runJobInline(store, 'open-period', { target: '2027-01', fresh: true });
    const after = await readPeriod(admin(inAws([])), '2027-01');
    // The demo's 40 staff: the city's own head too, evaluated by the top unit's HR (the default).
    expect(total(after.counts)).toBe(40);
  });

  it('close: marks the period closing, starts the job, and the job closes it before its close time', async () => {
    const invoked: [string, string][] = [];
    const closing = await closePeriodForCaller(admin(inAws(invoked)), '2027-01');
    expect(invoked).toEqual([
      [FUNCTIONS['close-period'], JSON.stringify({ job: 'close-period', target: '2027-01' })],
    ]);
    // To users the period is open until the close is done; `closing` says the close has begun.
    expect(closing.period).toMatchObject({ status: 'OPEN', closing: true });

    await runJobInline(store, 'close-period', { target: '2027-01' });
    const closed = await readPeriod(admin(inAws([])), '2027-01');
    expect(closed.status).toBe('CLOSED');
    expect(closed.counts.EXPIRED).toBe(40);
  });

  it('rankings: begins the run the API answers with, and the job function resumes that very run', async () => {
    const invoked: [string, string][] = [];
    const started = await computeRankingsForCaller(admin(inAws(invoked)), '2027-01');
    expect(invoked).toEqual([
      [FUNCTIONS['compute-rankings'], JSON.stringify({ job: 'compute-rankings', target: '2027-01' })],
    ]);
    expect(started).toMatchObject({ period: '2027-01', status: 'RUNNING' });
    const report = await runJobInline(store, 'compute-rankings', { target: '2027-01' });
    expect(report.runs[0]).toMatchObject({ runId: started.runId, state: 'resumed', status: 'DONE' });
    expect(await readRankingRun(admin(inAws([])), '2027-01', started.runId)).toMatchObject({
      status: 'DONE',
    });
  });

  it('reopen: records the decision, starts the job, and the job brings back what the close expired', async () => {
    const invoked: [string, string][] = [];
    const reason = 'Đóng kỳ nhầm; mở lại theo đề nghị của Sở Nội vụ.';
    const reopening = await reopenPeriodForCaller(admin(inAws(invoked)), '2027-01', { reason });
    expect(invoked).toEqual([
      [FUNCTIONS['reopen-period'], JSON.stringify({ job: 'reopen-period', target: '2027-01' })],
    ]);
    expect(reopening.handedOff).toBe(true);
    // Open to users at once (`reopening` until the job is done), publication withdrawn.
    expect(reopening.period).toMatchObject({ status: 'OPEN', reopening: true, publishedAt: null });
    await runJobInline(store, 'reopen-period', { target: '2027-01' });
    const reopened = await readPeriod(admin(inAws([])), '2027-01');
    expect(reopened).toMatchObject({ status: 'OPEN', reopening: false });
    expect(reopened.counts.EXPIRED).toBe(0);
    expect(reopened.counts.DRAFT).toBe(40);
  });

  it('without a job function named (locally), does the work in the request', async () => {
    const opened = await openPeriodForCaller(admin(inlineJobStarter(store)), '2027-02', undefined);
    expect(opened.handedOff).toBe(false);
    expect(total(opened.period.counts)).toBe(40);
  });
});

describe('closes that race', () => {
  it('ten closes and ten close jobs at once: the period closes once, each draft expires once', async () => {
    const opened = await openPeriodForCaller(admin(inlineJobStarter(store)), '2027-03', undefined);
    expect(total(opened.period.counts)).toBe(40);
    const invoked: [string, string][] = [];
    const closes = await Promise.allSettled(
      Array.from({ length: 10 }, () => closePeriodForCaller(admin(inAws(invoked)), '2027-03')),
    );
    // Every caller is told the close has begun (or already happened); none fails.
    for (const result of closes) expect(result.status).toBe('fulfilled');
    expect(invoked.length).toBeGreaterThanOrEqual(1);
    // The job function may be invoked more than once (each caller hands off); the runs must not double-apply.
    const jobs = await Promise.allSettled(
      Array.from({ length: 10 }, () => runJobInline(store, 'close-period', { target: '2027-03' })),
    );
    for (const job of jobs) expect(job.status).toBe('fulfilled');
    const closed = await readPeriod(admin(inAws([])), '2027-03');
    expect(closed.status).toBe('CLOSED');
    expect(closed.counts.EXPIRED).toBe(40);
    expect(total(closed.counts)).toBe(40);
    const units = await store.evaluations.periodCounters('2027-03');
    const evaluations = (
      await Promise.all(units.map((unit) => store.evaluations.listByUnit(unit.unitId, '2027-03')))
    ).flat();
    expect(evaluations).toHaveLength(40);
    for (const evaluation of evaluations) {
      const history = await store.evaluations.history(evaluation.employeeId, '2027-03');
      expect(history.filter((event) => event.action === 'expire')).toHaveLength(1);
    }
  }, 120_000);
});

describe('reopens that race', () => {
  it('ten reopens and ten reopen jobs at once: the period reopens once, each form comes back once', async () => {
    const period = '2027-04';
    await openPeriodForCaller(admin(inlineJobStarter(store)), period, undefined);
    await closePeriodForCaller(admin(inlineJobStarter(store)), period);
    const invoked: [string, string][] = [];
    const reason = 'Đóng kỳ nhầm trước hạn.';
    const reopens = await Promise.allSettled(
      Array.from({ length: 10 }, () => reopenPeriodForCaller(admin(inAws(invoked)), period, { reason })),
    );
    // The same request again joins the reopening under way: none fails.
    for (const result of reopens) expect(result.status).toBe('fulfilled');
    expect(invoked.length).toBeGreaterThanOrEqual(1);
    const jobs = await Promise.allSettled(
      Array.from({ length: 10 }, () => runJobInline(store, 'reopen-period', { target: period })),
    );
    for (const job of jobs) expect(job.status).toBe('fulfilled');
    const reopened = await readPeriod(admin(inAws([])), period);
    expect(reopened).toMatchObject({ status: 'OPEN', reopening: false });
    expect(reopened.counts).toMatchObject({ DRAFT: 40, EXPIRED: 0 });
    const units = await store.evaluations.periodCounters(period);
    const evaluations = (
      await Promise.all(units.map((unit) => store.evaluations.listByUnit(unit.unitId, period)))
    ).flat();
    expect(evaluations).toHaveLength(40);
    for (const evaluation of evaluations) {
      const history = await store.evaluations.history(evaluation.employeeId, period);
      expect(history.map((event) => event.action)).toEqual(['open', 'expire', 'reopen']);
      expect(evaluation).toMatchObject({ status: 'DRAFT', version: 3 });
    }
    // A retry once it is done: the period is open, nothing happens twice.
    const again = await reopenPeriodForCaller(admin(inAws([])), period, { reason }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'INVALID_TRANSITION' });
  });
});
