/**
 * The Powertools Metrics instance of the job functions (CloudWatch embedded metric format in the function's log,
 * namespace DanhGia, the dimension `service` only). In a module of its own, beside the logger of
 * shared/observability.ts, so that the bundles that count nothing (the API's) do not carry it. Never personal
 * data: counts.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'DanhGia',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'danh-gia',
});
