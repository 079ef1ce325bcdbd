/**
 * Physical names, derived in one place from the app name, the stage and the route/schedule table. Stateless
 * stacks name their functions and queues deterministically so that the monitoring stack can refer to them
 * by name: no CloudFormation exports between stacks, so removing a function group from the table never blocks on
 * an export still in use.
 */
import type { StageConfig } from './config.ts';

export interface Naming {
  /** `danh-gia-dev` */
  readonly prefix: string;
  /** `DanhGia-dev`: prefix of the stack names. */
  readonly stackPrefix: string;
  /** `danh-gia-dev-http-org`, `danh-gia-dev-job-remind` (≤ 64 characters). */
  functionName(kind: 'http' | 'job', name: string): string;
  /** The dead-letter queue of every schedule and every asynchronous job run. */
  readonly jobsDeadLetterQueueName: string;
  /** The work queue of a fan-out job; its dead-letter queue is `<name>-dlq`. */
  fanOutQueueName(job: string): string;
  fanOutDeadLetterQueueName(job: string): string;
  /** The delivery queue of a job that sends e-mail (remind); its dead-letter queue is `<name>-dlq`. */
  deliveryQueueName(job: string): string;
  deliveryDeadLetterQueueName(job: string): string;
  /** The SES configuration set of the reminders (records bounces and complaints). */
  readonly configurationSetName: string;
  /**
   * `POWERTOOLS_SERVICE_NAME` of a function, hence the `service` dimension of the metrics it emits: the function's
   * own name, so that two stages in one account never share a metric.
   */
  serviceName(kind: 'http' | 'job', name: string): string;
  /** The SNS topic every alarm notifies. */
  readonly alarmTopicName: string;
  /** Alarm names: `danh-gia-prod http-org-errors`. */
  alarmName(id: string): string;
  /**
   * The evidence bucket: `<prefix>-evidence-<account>-<region>`, a name both the Data stack (which owns the bucket)
   * and the App stack (whose evidence function may presign on it) derive on their own, so that the function's
   * grant names the bucket literally rather than through a cross-stack reference.
   */
  readonly evidenceBucketName: (account: string, region: string) => string;
}

/** The alias API Gateway invokes and CodeDeploy shifts between versions. */
export const LIVE_ALIAS = 'live';
/** The CloudWatch namespace of the application's own metrics (Powertools Metrics, EMF). */
export const METRICS_NAMESPACE = 'DanhGia';

const pascal = (s: string) =>
  s
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

export function naming(config: Pick<StageConfig, 'appName' | 'stage'>): Naming {
  const prefix = `${config.appName}-${config.stage}`;
  return {
    prefix,
    stackPrefix: `${pascal(config.appName)}-${config.stage}`,
    functionName: (kind, name) => `${prefix}-${kind}-${name}`,
    jobsDeadLetterQueueName: `${prefix}-jobs-dlq`,
    fanOutQueueName: (job) => `${prefix}-${job}-fanout`,
    fanOutDeadLetterQueueName: (job) => `${prefix}-${job}-fanout-dlq`,
    deliveryQueueName: (job) => `${prefix}-${job}-delivery`,
    deliveryDeadLetterQueueName: (job) => `${prefix}-${job}-delivery-dlq`,
    configurationSetName: `${prefix}-reminders`,
    serviceName: (kind, name) => `${prefix}-${kind}-${name}`,
    alarmTopicName: `${prefix}-alarms`,
    alarmName: (id) => `${prefix} ${id}`,
    evidenceBucketName: (account, region) => `${prefix}-evidence-${account}-${region}`,
  };
}
