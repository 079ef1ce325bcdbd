/** Lambda: units, employees, org import, acting heads. */
import {
  importOrg,
  nameActingHead,
  readActingHeads,
  readEmployee,
  readUnits,
  upsertEmployee,
  upsertUnit,
} from '../../shared/app/org.ts';
import { httpHandler } from '../../shared/http/handler.ts';

export const handler = httpHandler({
  'PUT /v1/units/{unitId}': async (req) => ({ body: await upsertUnit(req, req.params.unitId, req.body) }),
  'GET /v1/units': async (req) => ({ body: await readUnits(req) }),
  'PUT /v1/employees/{employeeId}': async (req) => ({
    body: await upsertEmployee(req, req.params.employeeId, req.body),
  }),
  'GET /v1/employees/{employeeId}': async (req) => ({ body: await readEmployee(req, req.params.employeeId) }),
  'POST /v1/org/import': async (req) => ({
    body: await importOrg(req, req.csv === null ? req.body : null, req.csv),
  }),
  'PUT /v1/units/{unitId}/acting-heads/{employeeId}': async (req) => ({
    body: await nameActingHead(req, req.params.unitId, req.params.employeeId, req.body),
  }),
  'GET /v1/units/{unitId}/acting-heads': async (req) => ({
    body: await readActingHeads(req, req.params.unitId),
  }),
});
