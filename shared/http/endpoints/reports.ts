/** Unit rankings (JSON or CSV), sub-unit league tables, the annual report (JSON or CSV). */
import * as z from 'zod';
import { type IncomeSpan, readIncome, readIncomeCsv } from '../../app/income.ts';
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
export const INCOME_READERS = 'HR whose scope holds the unit, admins';

/** A period (`2026-03`, `2026-Q1`) or a year (`2026`): what an income report covers. */
export const incomeParams = z.strictObject({
  period: z
    .string()
    .regex(
      /^(20|21)\d{2}(-(0[1-9]|1[0-2]|Q[1-4]))?$/,
      'Có dạng YYYY-MM (tháng), YYYY-Qn (quý) hoặc YYYY (năm), ví dụ 2026-Q1.',
    )
    .transform(
      (v): IncomeSpan => (v.length === 4 ? { kind: 'year', year: Number(v) } : { kind: 'period', period: v }),
    ),
});
export const incomeQuery = z.strictObject({ unitId: idSchema.optional() });
export const incomeFileName = (unitId: string, span: IncomeSpan, ext: string) =>
  `thu-nhap-${unitId}-${span.kind === 'year' ? span.year : span.period}.${ext}`;

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
  endpoint({
    method: 'GET',
    path: '/v1/reports/income/{period}',
    function: 'reports',
    access: 'read',
    summary:
      'Extra income and bonus per person for a period or a year, from the configured table (JSON or CSV)',
    params: incomeParams,
    query: incomeQuery,
    csvResponse: true,
    authorization: { who: 'scoped', rule: INCOME_READERS },
    async handler(req) {
      if (!req.wantsCsv) return { body: await readIncome(req.caller, req.params.period, req.query.unitId) };
      const { report, csv } = await readIncomeCsv(req.caller, req.params.period, req.query.unitId);
      return csvReply(csv, incomeFileName(report.unitId, req.params.period, 'csv'));
    },
  }),
];
