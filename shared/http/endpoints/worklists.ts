/** The caller's own work: who they are, their pending work, their review and approval inboxes. */
import * as z from 'zod';
import { readPendingAppeals } from '../../app/appeals.ts';
import { meQuery, periodSchema } from '../../app/inputs.ts';
import { readApprovals, readMe, readReviews } from '../../app/worklists.ts';
import { endpoint } from '../endpoint.ts';

const periodQuery = z.strictObject({ period: periodSchema });

export const worklistEndpoints = [
  endpoint({
    method: 'GET',
    path: '/v1/me',
    function: 'worklists',
    access: 'read',
    summary:
      'The caller, roles and pending work (?include=current: also the month’s evaluation, rubric, history)',
    query: meQuery,
    authorization: { who: 'anyone' },
    handler: async (req) => ({
      body: await readMe(req.caller, { current: req.query.include === 'current', period: req.query.period }),
    }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/reviews',
    function: 'worklists',
    access: 'read',
    summary: "The caller's reviews for a period",
    query: periodQuery,
    authorization: { who: 'anyone' },
    handler: async (req) => ({ body: await readReviews(req.caller, req.query.period) }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/approvals',
    function: 'worklists',
    access: 'read',
    summary: "The caller's approvals for a period",
    query: periodQuery,
    authorization: { who: 'anyone' },
    handler: async (req) => ({ body: await readApprovals(req.caller, req.query.period) }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/appeals',
    function: 'worklists',
    access: 'read',
    summary: 'Pending appeals of a period that the caller may decide (admins: all, deciding none)',
    query: periodQuery,
    authorization: { who: 'anyone' },
    handler: async (req) => ({ body: await readPendingAppeals(req.caller, req.query.period) }),
  }),
];
