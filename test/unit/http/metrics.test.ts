/**
 * The HTTP adapter, driven as API Gateway drives it (an HTTP API v2 event with the authorizer's claims) over the
 * in-memory store: a submission counts in the month's progress, a refusal by the A quota counts as one, and both
 * leave as CloudWatch embedded-metric lines on stdout, as Lambda ships them.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'DanhGia';

const { demoCity } = await import('../app/support.ts');
const { evaluationEndpoints } = await import('../../../shared/http/endpoints/evaluations.ts');
const { lambdaHandler } = await import('../../../shared/http/handler.ts');
const { readConfig } = await import('../../../shared/config.ts');
const { inlineJobStarter } = await import('../../../shared/app/jobs/runner.ts');

const context = {
  awsRequestId: 'r',
  functionName: 'f',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function event(method: string, path: string, routeKey: string, employeeId: string, body: unknown) {
  const [, , , id, period] = path.split('/');
  return {
    version: '2.0',
    routeKey: `${method} ${routeKey}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: { employeeId: id, period },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: `req-${Math.random()}`,
      routeKey: `${method} ${routeKey}`,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      authorizer: { jwt: { claims: { 'custom:employeeId': employeeId }, scopes: [] } },
    },
  } as never;
}

/** The metric names of the EMF lines written while `run` runs. */
async function emitted(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .flatMap((l) =>
      (JSON.parse(l)._aws.CloudWatchMetrics[0].Metrics as { Name: string }[]).map((m) => m.Name),
    );
}

afterEach(() => vi.restoreAllMocks());

describe('business metrics', () => {
  it('count a submission, and a refusal by the A quota', async () => {
    const { store, period } = await demoCity();
    const handler = lambdaHandler(evaluationEndpoints, {
      config: readConfig({ TABLE_NAME: 'memory' }),
      store: () => store,
      jobs: (s) => inlineJobStarter(s),
      files: () => {
        throw new Error('these routes store no files');
      },
    });
    const E = '/v1/evaluations/{employeeId}/{period}';
    const call = (who: string, id: string, step: string, body: unknown, method = 'POST') =>
      handler(event(method, `/v1/evaluations/${id}/${period}/${step}`, `${E}/${step}`, who, body), context);
    const scores = { discipline: 20, duties: 70, bonus: 10 };
    await call('stc-ns-03', 'stc-ns-03', 'self-assessment', { scores }, 'PUT');
    expect(await emitted(() => call('stc-ns-03', 'stc-ns-03', 'submit', {}))).toEqual(['Submissions']);
    // stc-ns (7 evaluated) may have 2 A; stc-ns-04 is reviewed at 92, stc-ns-03 will be: a third A is refused.
    await call('stc-ns-pp', 'stc-ns-03', 'review', { scores });
    await call('stc-ns-pp', 'stc-ns-05', 'review', { scores });
    expect(await emitted(() => call('stc-ns-tp', 'stc-ns-03', 'approve', {}))).toEqual(['Approvals']);
    expect((await call('stc-ns-tp', 'stc-ns-04', 'approve', {})).statusCode).toBe(200);
    const refused = await emitted(async () =>
      expect((await call('stc-ns-tp', 'stc-ns-05', 'approve', {})).statusCode).toBe(409),
    );
    expect(refused).toEqual(['QuotaRefusals']);
  });
});
