/** Rubrics and their versions. */
import * as z from 'zod';
import { idSchema, rubricBody } from '../../app/inputs.ts';
import { createRubricVersion, readRubric, readRubrics, readRubricVersion } from '../../app/rubrics.ts';
import { endpoint } from '../endpoint.ts';

const rubricParams = z.strictObject({ rubricId: idSchema });

export const rubricEndpoints = [
  endpoint({
    method: 'GET',
    path: '/v1/rubrics',
    function: 'rubrics',
    access: 'read',
    summary: 'List rubrics',
    authorization: { who: 'anyone' },
    handler: async (req) => ({ body: await readRubrics(req.caller) }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/rubrics/{rubricId}',
    function: 'rubrics',
    access: 'read',
    summary: 'Read the current version of a rubric',
    params: rubricParams,
    authorization: { who: 'anyone' },
    handler: async (req) => ({ body: await readRubric(req.caller, req.params.rubricId) }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/rubrics/{rubricId}/versions/{version}',
    function: 'rubrics',
    access: 'read',
    summary: 'Read one version of a rubric (the one an evaluation is scored and graded with)',
    params: z.strictObject({
      rubricId: idSchema,
      version: z
        .string()
        .regex(/^[1-9]\d{0,5}$/, 'Phiên bản là số nguyên dương.')
        .transform(Number),
    }),
    authorization: { who: 'anyone' },
    handler: async (req) => ({
      body: await readRubricVersion(req.caller, req.params.rubricId, req.params.version),
    }),
  }),
  endpoint({
    method: 'PUT',
    path: '/v1/rubrics/{rubricId}',
    function: 'rubrics',
    access: 'write',
    summary: 'Make a new rubric version',
    params: rubricParams,
    body: rubricBody,
    authorization: { who: 'admin' },
    example: {
      body: {
        name: 'Bộ tiêu chí thử',
        categories: ['worker'],
        criteria: [{ id: 'all', label: 'Toàn bộ', max: 100 }],
        bands: [
          { grade: 'A', min: 90, label: 'Hoàn thành xuất sắc nhiệm vụ' },
          { grade: 'B', min: 70, label: 'Hoàn thành tốt nhiệm vụ' },
          { grade: 'C', min: 50, label: 'Hoàn thành nhiệm vụ' },
          { grade: 'D', min: 0, label: 'Không hoàn thành nhiệm vụ' },
        ],
        quota: { kind: 'shareOfEvaluated', percent: 30, outstandingPercent: 40 },
      },
    },
    handler: async (req) => ({ body: await createRubricVersion(req.caller, req.params.rubricId, req.body) }),
  }),
];
