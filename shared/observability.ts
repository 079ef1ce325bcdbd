/**
 * The one logger and the one metrics recorder of each Lambda function (Powertools: JSON log lines with the Lambda
 * context and a correlation id; metrics as CloudWatch embedded metric format, flushed at the end of each
 * invocation), shared by the HTTP and job adapters. Never personal data in logs or metrics: ids, codes, counts.
 *
 * No Tracer: X-Ray spans for DynamoDB would need Powertools Tracer, whose X-Ray SDK adds about 124 KB to every
 * bundle (over the 300 KB budget, see BENCHMARKS.md); the logs' correlation ids and these metrics cover what the
 * city operates on, and X-Ray stays off (`tracing: false`) unless a stage asks for it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'danh-gia';

// Outside Lambda (npm start, the tests) no agent reads stdout for metrics: they would only be noise there. A
// process that wants them (a test of the metrics) sets POWERTOOLS_METRICS_DISABLED=false itself.
if (process.env.AWS_LAMBDA_FUNCTION_NAME === undefined) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export const logger = new Logger({ serviceName });

/**
 * Flushes the metrics counted during an invocation at its end, as Powertools' `logMetrics` does, but only when
 * there are some: `logMetrics` logs a warning on every invocation that counted nothing (every GET), a log line
 * the city would pay CloudWatch for, with nothing in it.
 */
export function flushMetrics<E, R>(): MiddlewareObj<E, R> {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'DanhGia',
  serviceName,
});

/** The business and job metrics the dashboard and the alarms read (infra/stacks/monitoring-stack.ts). */
export const METRIC = {
  submissions: 'Submissions',
  reviews: 'Reviews',
  approvals: 'Approvals',
  returns: 'Returns',
  quotaRefusals: 'QuotaRefusals',
  lateActions: 'LateActions',
  jobHeartbeat: 'JobHeartbeat',
  jobFailures: 'JobFailures',
  jobSteps: 'JobSteps',
} as const;

export const count = (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value);

/** A job's metric carries the job as a dimension, alone in its own record (no other dimension leaks in). */
export function countForJob(name: string, job: string, value = 1): void {
  const single = metrics.singleMetric();
  single.addDimension('job', job);
  single.addMetric(name, MetricUnit.Count, value);
}
