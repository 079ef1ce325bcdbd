/**
 * The one logger of each Lambda function (Powertools Logger: JSON lines with the Lambda context and a
 * correlation id), shared by the HTTP and job adapters. Never personal data in logs: ids, codes, counts.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'danh-gia' });
