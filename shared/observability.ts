/**
 * The one logger of each Lambda function (Powertools Logger: JSON lines with the Lambda context and a
 * correlation id), shared by the HTTP and job adapters, and its metrics (Powertools Metrics: CloudWatch embedded
 * metric format in the same log, namespace DanhGia, the dimension `service` only). Never personal data in logs or
 * metrics: ids, codes, counts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'danh-gia';

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'DanhGia',
  serviceName,
});
