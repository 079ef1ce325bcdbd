/** Unit rankings (JSON or CSV), sub-unit league tables, the annual report (JSON or CSV). */
import * as z from 'zod';
import { idSchema, periodSchema, yearSchema } from '../../app/inputs.ts';
import {
  readAnnual,
  readAnnualCsv,
  readRanking,
  readRankingCsv,
  readSubunitRanking,
} from '../../app/reports.ts';
import { csvReply, endpoint } from '../endpoint.ts';

export const unitPeriodParams = z.strictObject({ unitId: idSchema, period: periodSchema });
export const annualParams = z.strictObject({ year: yearSchema });
export const annualQuery = z.strictObject({ unitId: idSchema.optional() });
export const REPORT_READERS = 'heads of the unit or above, HR in scope, admins';

export const reportEndpoints = [
  endpoint({
    method: 'GET',
    path: '/v1/units/{unitId}/rankings/{period}',
    function: 'reports',
    access: 'read',
    summary: 'Unit ranking (JSON or CSV)',
    params: unitPeriodParams,
    csvResponse: true,
    authorization: { who: 'scoped', rule: `${REPORT_READERS}; the unit's staff once the period is closed` },
    handler: async (req) =>
      req.wantsCsv
        ? csvReply(
            await readRankingCsv(req.caller, req.params.unitId, req.params.period),
            `xep-hang-${req.params.unitId}-${req.params.period}.csv`,
          )
        : { body: await readRanking(req.caller, req.params.unitId, req.params.period) },
  }),
  endpoint({
    method: 'GET',
    path: '/v1/units/{unitId}/subunit-rankings/{period}',
    function: 'reports',
    access: 'read',
    summary: 'Sub-units ranked by mean total',
    params: unitPeriodParams,
    authorization: { who: 'scoped', rule: REPORT_READERS },
    handler: async (req) => ({
      body: await readSubunitRanking(req.caller, req.params.unitId, req.params.period),
    }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/reports/annual/{year}',
    function: 'reports',
    access: 'read',
    summary: 'Annual results (JSON or CSV)',
    params: annualParams,
    query: annualQuery,
    csvResponse: true,
    authorization: { who: 'scoped', rule: REPORT_READERS },
    handler: async (req) =>
      req.wantsCsv
        ? csvReply(
            await readAnnualCsv(req.caller, req.params.year, req.query.unitId),
            `bao-cao-nam-${req.params.year}.csv`,
          )
        : { body: await readAnnual(req.caller, req.params.year, req.query.unitId) },
  }),
];
