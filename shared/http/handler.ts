/**
 * The HTTP adapter of every API function: a middy chain of small middlewares around the endpoint's handler.
 * In order: the metrics flushed at the end; the Lambda context and correlation id into the logs; the endpoint; CloudFront's origin header; the
 * caller from the token; the Idempotency-Key's receipt (its read started, beside the authorization's); the path, query,
 * authorization and body; idempotency; the handler; the error mapper last. Handlers stay thin: they call one use case
 * and say how to reply.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { config, requireTableName } from '../config.ts';
import { files } from '../files/s3-files.ts';
import { flushMetrics, logger } from '../observability.ts';
import { store } from '../store/store.ts';
import { inProcessJobStarter, lambdaJobStarter } from './background.ts';
import type { AnyEndpoint } from './endpoint.ts';
import { authenticate } from './middleware/authenticate.ts';
import { requestContext } from './middleware/context.ts';
import { errorMapper } from './middleware/errors.ts';
import { idempotency, receiptLookahead } from './middleware/idempotency.ts';
import { originVerify } from './middleware/origin.ts';
import { parseRequest } from './middleware/parse.ts';
import { toResult } from './reply.ts';
import { type HttpContext, type HttpDeps, type HttpEvent, type HttpResult, stateOf } from './state.ts';

export type { HttpEvent, HttpResult };

/** The process's dependencies, from the configuration read at cold start. */
export function processDeps(): HttpDeps {
  const c = config();
  return {
    config: c,
    store: () =>
      store({ tableName: requireTableName(c), endpoint: c.table.endpoint, region: c.table.region }),
    jobs: (s) => lambdaJobStarter(c.backgroundFunctions, inProcessJobStarter(s)),
    files: () => files(c),
  };
}

export function lambdaHandler(endpoints: readonly AnyEndpoint[], deps: HttpDeps = processDeps()) {
  // A function that writes or reads the table needs its name: say so at cold start, not at the first request.
  if (endpoints.some((e) => e.access !== 'none')) requireTableName(deps.config);
  const base = async (_event: HttpEvent, context: HttpContext): Promise<HttpResult> => {
    const state = stateOf(context);
    if (!state.caller) throw new Error('handler before authenticate');
    const reply = await state.endpoint.handler({
      caller: state.caller,
      params: state.params,
      query: state.query,
      body: state.body,
      csv: state.csv,
      ifMatch: state.ifMatch,
      wantsCsv: state.wantsCsv,
      receiptFor: state.receiptFor,
      itemReceipts: state.itemReceipts,
    });
    return toResult(reply);
  };
  return middy<HttpEvent, HttpResult, Error, HttpContext>(base)
    .use(errorMapper())
    .use(flushMetrics())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestContext(endpoints))
    .use(originVerify(deps.config.originVerifySecret))
    .use(authenticate(deps))
    .use(receiptLookahead())
    .use(parseRequest())
    .use(idempotency());
}
