/**
 * Converted products fed by the work systems: the machine clients' feed and the same import for people (HR in
 * scope, admins), an evaluation's products with the task score they give, the employee's comments, the reviewer's
 * excuses, and the audit log of an evaluation's products and evidence.
 */
import * as z from 'zod';
import type { Caller } from '../../app/caller.ts';
import {
  idSchema,
  periodSchema,
  productCommentBody,
  productExcuseBody,
  productFeedBody,
  productIdSchema,
  sourceSchema,
} from '../../app/inputs.ts';
import {
  commentOnProduct,
  excuseProduct,
  type Feeder,
  feedProducts,
  listProducts,
  parseCsvFeed,
  productLog,
} from '../../app/products.ts';
import { config } from '../../config.ts';
import { endpoint, type Request } from '../endpoint.ts';

const evaluationParams = z.strictObject({ employeeId: idSchema, period: periodSchema });
const productParams = evaluationParams.extend({ productId: productIdSchema });
const feedParams = z.strictObject({ source: sourceSchema });
const E = '/v1/evaluations/{employeeId}/{period}';

const exampleFeed = {
  items: [
    {
      employeeId: 'stc-ns-03',
      period: '2026-11',
      sourceId: 'VB-2026-1107',
      title: 'Báo cáo thẩm định dự toán ngân sách quý IV',
      weight: 1.5,
      dueAt: '2026-11-20',
      completedAt: '2026-11-19T09:30:00+07:00',
      majorErrors: 0,
      delays: 0,
    },
  ],
};
const exampleCsv =
  'employeeId,period,sourceId,title,weight,dueAt,completedAt,majorErrors,delays\r\n' +
  'stc-ns-03,2026-11,VB-2026-1107,Báo cáo thẩm định dự toán ngân sách quý IV,1.5,2026-11-20,2026-11-19,0,0\r\n';

type FeedRequest = Request<{ source: string }, unknown, { items: z.output<typeof productFeedBody>['items'] }>;

/** The items of a JSON or CSV body, then the feed as this caller. */
async function feed(req: FeedRequest, feeder: Feeder) {
  const items = req.csv !== null ? parseCsvFeed(req.csv) : req.body.items;
  return { body: await feedProducts(req.caller as Caller, feeder, req.params.source, items) };
}

export const productEndpoints = [
  endpoint({
    method: 'POST',
    path: '/v1/feeds/{source}/products',
    function: 'products',
    access: 'write',
    summary: "A work system's products for its employees (machine clients: OAuth client credentials)",
    params: feedParams,
    body: productFeedBody,
    csvBody: true,
    authorization: { who: 'client', scope: 'tasks:write' },
    example: { body: exampleFeed, csv: exampleCsv },
    handler: (req) => {
      const clientId = req.caller.principal.client?.clientId ?? '';
      return feed(req, { kind: 'client', clientId, config: config().machines.clients[clientId] });
    },
  }),
  endpoint({
    method: 'POST',
    path: '/v1/feeds/{source}/products/import',
    function: 'products',
    access: 'write',
    summary: 'The same products from a CSV (or JSON) file, for bodies without an integration',
    params: feedParams,
    body: productFeedBody,
    csvBody: true,
    authorization: { who: 'hr-or-admin' },
    example: { body: exampleFeed, csv: exampleCsv },
    handler: (req) => feed(req, { kind: 'person' }),
  }),
  endpoint({
    method: 'GET',
    path: `${E}/products`,
    function: 'products',
    access: 'read',
    summary: "An evaluation's products and the task score they give",
    params: evaluationParams,
    authorization: { who: 'evaluation' },
    handler: async (req) => ({
      body: await listProducts(req.caller, req.params.employeeId, req.params.period),
    }),
  }),
  endpoint({
    method: 'PUT',
    path: `${E}/products/{productId}/comment`,
    function: 'products',
    access: 'write',
    summary: "The employee's comment on one of their products",
    params: productParams,
    body: productCommentBody,
    authorization: {
      who: 'scoped',
      rule: 'the employee of the evaluation (403 for its other parties, 404 for anyone else)',
    },
    example: { body: { comment: 'Sản phẩm đã nộp đúng hạn; hệ thống ghi nhận chậm do lỗi đồng bộ.' } },
    handler: async (req) => ({
      body: await commentOnProduct(
        req.caller,
        req.params.employeeId,
        req.params.period,
        req.params.productId,
        req.body.comment,
      ),
    }),
  }),
  endpoint({
    method: 'PUT',
    path: `${E}/products/{productId}/excuse`,
    function: 'products',
    access: 'write',
    summary: 'The reviewer confirms errors and delays with an objective cause (not deducted)',
    params: productParams,
    body: productExcuseBody,
    authorization: {
      who: 'scoped',
      rule: 'the reviewer, the approver or an acting head of the evaluation (403 for its other parties, 404 for anyone else)',
    },
    example: { body: { errorsExcused: 0, delaysExcused: 0 } },
    handler: async (req) => ({
      body: await excuseProduct(
        req.caller,
        req.params.employeeId,
        req.params.period,
        req.params.productId,
        req.body,
      ),
    }),
  }),
  endpoint({
    method: 'GET',
    path: `${E}/products/history`,
    function: 'products',
    access: 'read',
    summary: "Audit log of an evaluation's products and evidence",
    params: evaluationParams,
    authorization: { who: 'evaluation' },
    handler: async (req) => ({
      body: await productLog(req.caller, req.params.employeeId, req.params.period),
    }),
  }),
];
