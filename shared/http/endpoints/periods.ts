/** Open, read and close periods; start a recomputation of the rankings and follow it. */
import * as z from 'zod';
import { emptyBody, openPeriodBody, periodSchema, reopenPeriodBody } from '../../app/inputs.ts';
import {
  closePeriodForCaller,
  computeRankingsForCaller,
  openPeriodForCaller,
  readPeriod,
  readRankingRun,
} from '../../app/periods/periods.ts';
import { reopenPeriodForCaller } from '../../app/periods/reopen.ts';
import { endpoint } from '../endpoint.ts';

const periodParams = z.strictObject({ period: periodSchema });

/** 202 when the job's own function does the work (AWS), 200 when it was done in this request (locally). */
const accepted = (result: { handedOff: boolean; period: unknown }) => ({
  status: result.handedOff ? 202 : 200,
  body: result.period,
});

export const periodEndpoints = [
  endpoint({
    method: 'POST',
    path: '/v1/periods/{period}/open',
    function: 'periods',
    access: 'write',
    summary: 'Open a period and create drafts (202 when the drafts are being created in the background)',
    params: periodParams,
    body: openPeriodBody,
    authorization: { who: 'period-manager' },
    example: {
      body: {
        deadlines: {
          selfAssessment: '2026-12-03T23:59:59+07:00',
          review: '2026-12-07T23:59:59+07:00',
          approval: '2026-12-09T23:59:59+07:00',
        },
      },
    },
    handler: async (req) =>
      accepted(await openPeriodForCaller(req.caller, req.params.period, req.body.deadlines)),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/periods/{period}',
    function: 'periods',
    access: 'read',
    summary: 'Period status and counts',
    params: periodParams,
    authorization: { who: 'hr-or-admin' },
    handler: async (req) => ({ body: await readPeriod(req.caller, req.params.period) }),
  }),
  endpoint({
    method: 'POST',
    path: '/v1/periods/{period}/close',
    function: 'periods',
    access: 'write',
    summary: 'Close a period: expire, rank, publish (202 when the close continues in the background)',
    params: periodParams,
    body: emptyBody,
    authorization: { who: 'period-manager' },
    handler: async (req) => accepted(await closePeriodForCaller(req.caller, req.params.period)),
  }),
  endpoint({
    method: 'POST',
    path: '/v1/periods/{period}/rankings',
    function: 'periods',
    access: 'write',
    summary: 'Start computing every ranking of the period (202, with the run to follow)',
    params: periodParams,
    body: emptyBody,
    authorization: { who: 'hr-or-admin' },
    handler: async (req) => ({
      status: 202,
      body: await computeRankingsForCaller(req.caller, req.params.period),
    }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/periods/{period}/rankings/runs/{runId}',
    function: 'periods',
    access: 'read',
    summary: 'The state of a rankings computation started with POST …/rankings',
    params: z.strictObject({ period: periodSchema, runId: z.uuid() }),
    authorization: { who: 'hr-or-admin' },
    handler: async (req) => ({ body: await readRankingRun(req.caller, req.params.period, req.params.runId) }),
  }),
  endpoint({
    method: 'POST',
    path: '/v1/periods/{period}/reopen',
    function: 'periods',
    access: 'write',
    summary:
      'Reopen a period closed by mistake: what the close expired comes back (202 when it continues in the background)',
    params: periodParams,
    body: reopenPeriodBody,
    authorization: { who: 'admin' },
    example: { body: { reason: 'Đóng kỳ nhầm trước hạn phê duyệt; mở lại theo đề nghị của Sở Nội vụ.' } },
    handler: async (req) =>
      accepted(
        await reopenPeriodForCaller(req.caller, req.params.period, {
          reason: req.body.reason,
          deadlines: req.body.deadlines,
        }),
      ),
  }),
];
