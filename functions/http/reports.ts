/** Lambda (read-only): unit rankings (JSON or CSV), sub-unit league tables, the annual report. */
import {
  readAnnual,
  readAnnualCsv,
  readRanking,
  readRankingCsv,
  readSubunitRanking,
} from '../../shared/app/rankings.ts';
import { csvReply, httpHandler } from '../../shared/http/handler.ts';

export const handler = httpHandler({
  'GET /v1/units/{unitId}/rankings/{period}': async (req) =>
    req.wantsCsv
      ? csvReply(
          await readRankingCsv(req, req.params.unitId, req.params.period),
          `xep-hang-${req.params.unitId}-${req.params.period}.csv`,
        )
      : { body: await readRanking(req, req.params.unitId, req.params.period) },
  'GET /v1/units/{unitId}/subunit-rankings/{period}': async (req) => ({
    body: await readSubunitRanking(req, req.params.unitId, req.params.period),
  }),
  'GET /v1/reports/annual/{year}': async (req) =>
    req.wantsCsv
      ? csvReply(
          await readAnnualCsv(req, req.params.year, req.query.unitId),
          `bao-cao-nam-${req.params.year}.csv`,
        )
      : { body: await readAnnual(req, req.params.year, req.query.unitId) },
});
