/** Units, employees, the org import, acting heads. */
import * as z from 'zod';
import {
  actingHeadBody,
  employeeBody,
  idSchema,
  importBody,
  importQuery,
  unitBody,
  unitEmployeesQuery,
} from '../../app/inputs.ts';
import {
  nameActingHead,
  readActingHeads,
  readEmployee,
  readUnits,
  upsertEmployee,
  upsertUnit,
} from '../../app/org.ts';
import { importOrg } from '../../app/org-import.ts';
import { readUnitEmployees } from '../../app/unit-staff.ts';
import { endpoint } from '../endpoint.ts';

const unitParams = z.strictObject({ unitId: idSchema });
const employeeParams = z.strictObject({ employeeId: idSchema });

export const orgEndpoints = [
  endpoint({
    method: 'PUT',
    path: '/v1/units/{unitId}',
    function: 'org',
    access: 'write',
    summary: 'Create or replace a unit',
    params: unitParams,
    body: unitBody,
    authorization: { who: 'hr-or-admin' },
    example: { body: { name: 'Phòng Quản lý ngân sách', parentId: 'stc', outstanding: false } },
    handler: async (req) => ({ body: await upsertUnit(req.caller, req.params.unitId, req.body) }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/units',
    function: 'org',
    access: 'read',
    summary: 'List units',
    authorization: { who: 'hr-or-admin' },
    handler: async (req) => ({ body: await readUnits(req.caller) }),
  }),
  endpoint({
    method: 'PUT',
    path: '/v1/employees/{employeeId}',
    function: 'org',
    access: 'write',
    summary: 'Create or replace an employee',
    params: employeeParams,
    body: employeeBody,
    authorization: { who: 'hr-or-admin' },
    example: {
      body: {
        name: 'Nguyễn Thị Bích Ngọc',
        unitId: 'stc-ns',
        category: 'civil_servant',
        supervisorId: 'stc-ns-pp',
        email: 'ngoc.ntb@stc.example.gov.vn',
      },
    },
    handler: async (req) => ({ body: await upsertEmployee(req.caller, req.params.employeeId, req.body) }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/employees/{employeeId}',
    function: 'org',
    access: 'read',
    summary: 'Read an employee',
    params: employeeParams,
    authorization: {
      who: 'scoped',
      rule: 'the employee, their direct supervisor, heads of their unit or above, HR in scope, admins (404 otherwise)',
    },
    handler: async (req) => ({ body: await readEmployee(req.caller, req.params.employeeId) }),
  }),
  endpoint({
    method: 'POST',
    path: '/v1/org/import',
    function: 'org',
    access: 'write',
    summary: 'Import units and employees (CSV or JSON), all or nothing; ?dryRun=true says what would change',
    query: importQuery,
    body: importBody,
    csvBody: true,
    authorization: { who: 'hr-or-admin' },
    example: {
      body: {
        units: [],
        employees: [
          {
            id: 'stc-ns-03',
            name: 'Nguyễn Thị Bích Ngọc',
            unitId: 'stc-ns',
            category: 'civil_servant',
            supervisorId: 'stc-ns-pp',
          },
        ],
      },
      csv:
        'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email\r\n' +
        'employee,stc-ns-03,Nguyễn Thị Bích Ngọc,,stc-ns,civil_servant,stc-ns-pp,,\r\n',
    },
    handler: async (req) => ({
      body: await importOrg(req.caller, req.csv === null ? req.body : null, req.csv, {
        dryRun: req.query.dryRun,
      }),
    }),
  }),
  endpoint({
    method: 'PUT',
    path: '/v1/units/{unitId}/acting-heads/{employeeId}',
    function: 'org',
    access: 'write',
    summary: 'Name an acting head',
    params: z.strictObject({ unitId: idSchema, employeeId: idSchema }),
    body: actingHeadBody,
    authorization: { who: 'scoped', rule: 'the head of the unit, or an admin' },
    example: {
      body: {
        from: '2026-01-01T00:00:00+07:00',
        to: '2030-01-01T00:00:00+07:00',
        reason: 'Trưởng phòng đi học.',
      },
    },
    handler: async (req) => ({
      body: await nameActingHead(req.caller, req.params.unitId, req.params.employeeId, req.body),
    }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/units/{unitId}/acting-heads',
    function: 'org',
    access: 'read',
    summary: 'List acting heads of a unit',
    params: unitParams,
    authorization: { who: 'scoped', rule: 'heads of the unit or above, HR in scope, admins' },
    handler: async (req) => ({ body: await readActingHeads(req.caller, req.params.unitId) }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/units/{unitId}/employees',
    function: 'org',
    access: 'read',
    summary:
      "A unit's own employees by name, a page at a time (?includeInactive=true for those who left too)",
    params: unitParams,
    query: unitEmployeesQuery,
    authorization: { who: 'scoped', rule: 'HR in scope, admins, the head of the unit' },
    handler: async (req) => ({
      body: await readUnitEmployees(req.caller, req.params.unitId, req.query),
    }),
  }),
];
