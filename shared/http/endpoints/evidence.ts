/**
 * Evidence files of an evaluation: ask for an upload (a presigned POST straight to the bucket), confirm it, list,
 * get a short-lived download link, remove. No file passes through a function.
 */
import * as z from 'zod';
import {
  confirmUpload,
  downloadLink,
  listAttachments,
  removeAttachment,
  requestUpload,
} from '../../app/evidence.ts';
import { attachmentBody, attachmentIdSchema, emptyBody, idSchema, periodSchema } from '../../app/inputs.ts';
import { endpoint } from '../endpoint.ts';

const evaluationParams = z.strictObject({ employeeId: idSchema, period: periodSchema });
const attachmentParams = evaluationParams.extend({ attachmentId: attachmentIdSchema });
const A = '/v1/evaluations/{employeeId}/{period}/attachments';
const OWNER =
  'the employee who uploaded it (403 for the other parties of an available file, 404 for anyone else)';

export const evidenceEndpoints = [
  endpoint({
    method: 'GET',
    path: A,
    function: 'evidence',
    access: 'read',
    summary: "An evaluation's evidence files",
    params: evaluationParams,
    authorization: { who: 'evaluation' },
    handler: async (req) => ({
      body: await listAttachments(req.caller, req.params.employeeId, req.params.period),
    }),
  }),
  endpoint({
    method: 'POST',
    path: A,
    function: 'evidence',
    access: 'write',
    summary: 'Ask to upload an evidence file (a presigned POST to the bucket)',
    params: evaluationParams,
    body: attachmentBody,
    authorization: {
      who: 'scoped',
      rule: 'the employee of the evaluation (403 for its other parties, 404 for anyone else)',
    },
    example: {
      body: {
        name: 'bao-cao-thang.pdf',
        contentType: 'application/pdf',
        size: 182_304,
        criterionId: 'duties',
      },
    },
    handler: async (req) => ({
      body: await requestUpload(req.caller, req.params.employeeId, req.params.period, req.body),
    }),
  }),
  endpoint({
    method: 'POST',
    path: `${A}/{attachmentId}/confirm`,
    function: 'evidence',
    access: 'write',
    summary: 'Confirm an upload: the stored file is checked (size, type) and becomes available',
    params: attachmentParams,
    body: emptyBody,
    authorization: { who: 'scoped', rule: OWNER },
    handler: async (req) => ({
      body: await confirmUpload(
        req.caller,
        req.params.employeeId,
        req.params.period,
        req.params.attachmentId,
      ),
    }),
  }),
  endpoint({
    method: 'GET',
    path: `${A}/{attachmentId}/download`,
    function: 'evidence',
    access: 'read',
    summary: 'A download link valid five minutes',
    params: attachmentParams,
    authorization: { who: 'evaluation' },
    handler: async (req) => ({
      body: await downloadLink(req.caller, req.params.employeeId, req.params.period, req.params.attachmentId),
    }),
  }),
  endpoint({
    method: 'DELETE',
    path: `${A}/{attachmentId}`,
    function: 'evidence',
    access: 'write',
    summary: 'Remove an evidence file',
    params: attachmentParams,
    authorization: { who: 'scoped', rule: OWNER },
    handler: async (req) => ({
      body: await removeAttachment(
        req.caller,
        req.params.employeeId,
        req.params.period,
        req.params.attachmentId,
      ),
    }),
  }),
];
