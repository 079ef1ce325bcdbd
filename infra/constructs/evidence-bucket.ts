/**
 * The evidence bucket (minh chứng): private, encrypted (SSE-S3), TLS only, every public access blocked, objects owned
 * by the bucket, server access logs in a bucket of their own. Browsers upload and download straight to it with
 * presigned POST and GET (CORS for the app's origins, those two methods only); no function ever carries a file.
 *
 * - Lifecycle: a file is read during the month and its appeal window (at most ~45 days after upload), rarely after:
 *   Standard-IA after `evidence.infrequentAccessAfterDays`, Glacier Instant Retrieval (still downloadable at once)
 *   after `evidence.archiveAfterDays`, deleted after `evidence.expireAfterDays` when set.
 * - Malware: with `evidence.malwareProtection`, a GuardDuty Malware Protection plan scans every new object under
 *   `evidence/` and tags it; the API gives a download link only for a file tagged `NO_THREATS_FOUND`.
 * - Retained with the Data stack: the files are records of the evaluations.
 */
import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { CfnMalwareProtectionPlan } from 'aws-cdk-lib/aws-guardduty';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import type { Naming } from '../naming.ts';

/** Every evidence object lives under this prefix (shared/app/evidence.ts builds the keys). */
export const EVIDENCE_PREFIX = 'evidence/';
/** The tag GuardDuty puts on each scanned object. */
export const MALWARE_SCAN_TAG = 'GuardDutyMalwareScanStatus';

export interface EvidenceBucketProps {
  readonly config: StageConfig;
  readonly names: Naming;
}

/** The bucket's name in a stack: its account and region, literal when the stack has them, else pseudo parameters. */
export function evidenceBucketName(scope: Construct, names: Naming): string {
  const stack = Stack.of(scope);
  return names.evidenceBucketName(stack.account, stack.region);
}

/** The same, as cdk-nag prints it in a finding (pseudo parameters as `<AWS::AccountId>`, `<AWS::Region>`). */
export function evidenceBucketNameForNag(scope: Construct, names: Naming): string {
  const stack = Stack.of(scope);
  return names.evidenceBucketName(
    Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
    Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region,
  );
}

/** A finding's id for a resource under the evidence prefix of the bucket. */
export const evidenceObjectsFinding = (scope: Construct, names: Naming) =>
  `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${evidenceBucketNameForNag(scope, names)}/${EVIDENCE_PREFIX}*]`;

/** The browser origins allowed by the bucket's CORS rule (see `evidence.corsOrigins` in infra/config.ts). */
export function evidenceCorsOrigins(config: StageConfig): string[] {
  if (config.evidence.corsOrigins) return [...config.evidence.corsOrigins];
  if (config.domain) return config.domain.names.map((n) => `https://${n}`);
  return ['https://*.cloudfront.net'];
}

export class EvidenceBucket extends Construct {
  readonly bucket: Bucket;
  readonly malwareProtection?: CfnMalwareProtectionPlan;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    // Server access logs delivered under a bucket policy rather than the LogDeliveryWrite ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { config } = props;
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(Math.max(config.logRetentionDays, 90)) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const evidence = config.evidence;
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: evidenceBucketName(this, props.names),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      cors: [
        {
          allowedOrigins: evidenceCorsOrigins(config),
          allowedMethods: [HttpMethods.POST, HttpMethods.GET],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        {
          id: 'cheaper-after-the-appeal-window',
          prefix: EVIDENCE_PREFIX,
          transitions: [
            {
              storageClass: StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(evidence.infrequentAccessAfterDays),
            },
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(evidence.archiveAfterDays),
            },
          ],
          ...(evidence.expireAfterDays ? { expiration: Duration.days(evidence.expireAfterDays) } : {}),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'evidence-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (evidence.malwareProtection) this.malwareProtection = this.createMalwareProtection(props.names);
  }

  /**
   * GuardDuty Malware Protection for S3: the plan and the role GuardDuty assumes, with exactly the permissions its
   * documentation lists for an SSE-S3 bucket (its EventBridge managed rule, reading and tagging objects, the bucket's
   * notification, the validation object).
   */
  private createMalwareProtection(names: Naming): CfnMalwareProtectionPlan {
    const stack = Stack.of(this);
    const bucket = this.bucket;
    const role = new Role(this, 'MalwareProtectionRole', {
      description: 'GuardDuty Malware Protection for S3: scan and tag the evidence files',
      assumedBy: new ServicePrincipal('malware-protection-plan.guardduty.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    const managedRule = stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: 'DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ManagedEventBridgeRule',
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [managedRule],
        conditions: { StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } },
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadManagedEventBridgeRule',
        actions: ['events:DescribeRule', 'events:ListTargetsByRule'],
        resources: [managedRule],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'BucketNotification',
        actions: ['s3:PutBucketNotification', 's3:GetBucketNotification', 's3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ScanAndTag',
        effect: Effect.ALLOW,
        actions: [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
        ],
        resources: [`arn:${Aws.PARTITION}:s3:::${evidenceBucketName(this, names)}/${EVIDENCE_PREFIX}*`],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ValidationObject',
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('malware-protection-resource-validation-object')],
      }),
    );
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:${region}:${account}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*]`,
      reason:
        'GuardDuty names its managed EventBridge rule itself with this prefix (its documented policy); only that rule, and only while managed by GuardDuty.',
    });
    Validations.of(role).acknowledge({
      id: evidenceObjectsFinding(this, names),
      reason: 'GuardDuty scans and tags every evidence file: the objects under evidence/ of this one bucket.',
    });
    const plan = new CfnMalwareProtectionPlan(this, 'MalwareProtection', {
      role: role.roleArn,
      protectedResource: {
        s3Bucket: { bucketName: bucket.bucketName, objectPrefixes: [EVIDENCE_PREFIX] },
      },
      actions: { tagging: { status: 'ENABLED' } },
    });
    plan.node.addDependency(role);
    return plan;
  }
}
