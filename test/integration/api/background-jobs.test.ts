/**
 * In AWS, opening or closing a period for a whole city is handed to the job's own function: the API records the
 * decision and returns, the job does the rest. The job's function is AWS's; here the invocation is observed and
 * the job is then run exactly as that function would run it (`{job, target}`), against DynamoDB Local.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../functions/local/demo-data.ts';
import { BACKGROUND_JOB_ENV } from '../../../shared/app/background-jobs.ts';
import { closePeriodForCaller, openPeriodForCaller, readPeriod } from '../../../shared/app/periods.ts';
import { runJobInline } from '../../../shared/jobs/runner.ts';
import type { Db } from '../../../shared/store/client.ts';
import { freshTable } from '../../support/table.ts';

let db: Db;
const admin = () => ({ db, principal: { employeeId: 'admin', groups: ['admin' as const] }, now: new Date() });
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

beforeAll(async () => {
  db = await freshTable('background');
  await seedDemo(db);
});
afterEach(() => {
  for (const env of Object.values(BACKGROUND_JOB_ENV)) delete process.env[env];
});

describe('period work too big for a request', () => {
  it('open: records the period, starts the job without waiting, and the job creates the drafts', async () => {
    process.env[BACKGROUND_JOB_ENV['open-period']] = 'danh-gia-prod-job-open-period';
    const invoked: [string, string][] = [];
    const opened = await openPeriodForCaller(admin(), '2027-01', undefined, async (fn, payload) => {
      invoked.push([fn, payload]);
    });
    expect(invoked).toEqual([
      ['danh-gia-prod-job-open-period', JSON.stringify({ job: 'open-period', target: '2027-01' })],
    ]);
    expect(opened).toMatchObject({ period: '2027-01', status: 'OPEN' });
    expect(total(opened.counts)).toBe(0);

    await runJobInline(db, 'open-period', { target: '2027-01' });
    const after = await readPeriod(admin(), '2027-01');
    expect(total(after.counts)).toBe(39);
  });

  it('close: marks the period closing, starts the job, and the job closes it before its close time', async () => {
    process.env[BACKGROUND_JOB_ENV['close-period']] = 'danh-gia-prod-job-close-period';
    const invoked: string[] = [];
    const closing = await closePeriodForCaller(admin(), '2027-01', async (_fn, payload) => {
      invoked.push(payload);
    });
    expect(invoked).toEqual([JSON.stringify({ job: 'close-period', target: '2027-01' })]);
    // To users the period is open until the close is done (it is CLOSING inside: the job will resume it).
    expect(closing.status).toBe('OPEN');

    await runJobInline(db, 'close-period', { target: '2027-01' });
    const closed = await readPeriod(admin(), '2027-01');
    expect(closed.status).toBe('CLOSED');
    expect(closed.counts.EXPIRED).toBe(39);
  });

  it('without a job function named (locally), does the work in the request', async () => {
    const opened = await openPeriodForCaller(admin(), '2027-02', undefined, async () => {
      throw new Error('must not be called');
    });
    expect(total(opened.counts)).toBe(39);
  });
});
