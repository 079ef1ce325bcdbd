/** Lambda: open, read and close periods; compute rankings on demand. */
import {
  closePeriodForCaller,
  computeRankingsForCaller,
  openPeriodForCaller,
  readPeriod,
} from '../../shared/app/periods.ts';
import { httpHandler } from '../../shared/http/handler.ts';

export const handler = httpHandler({
  'POST /v1/periods/{period}/open': async (req) => ({
    body: await openPeriodForCaller(req, req.params.period, req.body.deadlines),
  }),
  'GET /v1/periods/{period}': async (req) => ({ body: await readPeriod(req, req.params.period) }),
  'POST /v1/periods/{period}/close': async (req) => ({
    body: await closePeriodForCaller(req, req.params.period),
  }),
  'POST /v1/periods/{period}/rankings': async (req) => ({
    body: await computeRankingsForCaller(req, req.params.period),
  }),
});
