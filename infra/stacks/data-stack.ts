/**
 * The long-lived stack: the table with its backups, the alarm topic and (in `cognito` mode) the user pool. Nothing
 * here is redeployed when code changes; the stateless stacks read it through weak references (Fn::GetStackOutput,
 * never an export), so leaving Cognito for the city's own provider, or coming back, is one `cdk deploy --all`.
 * The table, its backup vault and the user pool are retained on stack deletion and protected against deletion
 * while the stack lives.
 */
import {
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import {
  BackupPlan,
  BackupPlanRule,
  BackupResource,
  BackupSelection,
  BackupVault,
} from 'aws-cdk-lib/aws-backup';
import {
  AccountRecovery,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolDomain,
  UserPoolEmail,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type WarmThroughput,
} from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../shared/store/table-definition.ts';
import type { CognitoAuthConfig, StageConfig } from '../config.ts';
import { EvidenceBucket } from '../constructs/evidence-bucket.ts';
import type { Naming } from '../naming.ts';

export const EMPLOYEE_ID_ATTRIBUTE = 'employeeId';
export const USER_GROUPS = [
  { name: 'hr', description: 'HR: organisation, periods, rubrics and reports for the subtree of its unit' },
  { name: 'admin', description: 'Administrators: everything, including rubrics and org import' },
] as const;

/** Daily backup at 03:00 Vietnam time: after compute-rankings (01:00), before the working day. */
export const BACKUP_HOUR = 3;
/** Backup job states that mean "no backup tonight" (EventBridge `Backup Job State Change`). */
export const BACKUP_FAILED_STATES = ['FAILED', 'ABORTED', 'EXPIRED'] as const;

export interface DataStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
}

export interface UserPoolRefs {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  /** The `iss` of the pool's tokens (the pool's ProviderURL attribute lacks the scheme). */
  readonly issuer: string;
}

export class DataStack extends Stack {
  readonly table: Table;
  readonly backupVault: BackupVault;
  readonly backupPlan: BackupPlan;
  /** Every alarm of every stack notifies this topic; it lives here so that its e-mail subscription is confirmed once. */
  readonly alarmTopic: Topic;
  /** Present in `cognito` auth mode only. */
  readonly users?: UserPoolRefs;
  /** Evidence files (minh chứng): private, retained like the table. */
  readonly evidence: EvidenceBucket;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, names } = props;

    const key = (name: string) => ({ name, type: AttributeType.STRING });
    const warm = warmThroughput(config);
    this.table = new Table(this, 'Table', {
      partitionKey: key(tableDefinition.partitionKey),
      sortKey: key(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      // AWS-managed key (aws/dynamodb): encrypted at rest, every key use in CloudTrail, no key policy to get
      // wrong and no customer key whose deletion would make the retained table and its backups unreadable.
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      ...(warm ? { warmThroughput: warm } : {}),
    });
    // CloudFormation adds or removes at most one index per table update: `-c tableIndexesUpTo=gsi4` deploys the
    // table with the indexes up to that one only (docs/DEPLOY.md "Migrating the table").
    const upTo = this.node.tryGetContext('tableIndexesUpTo') as string | undefined;
    const last = upTo
      ? tableDefinition.globalSecondaryIndexes.findIndex((g) => g.indexName === upTo)
      : tableDefinition.globalSecondaryIndexes.length - 1;
    if (last < 0) throw new Error(`tableIndexesUpTo: no index named ${upTo}`);
    for (const gsi of tableDefinition.globalSecondaryIndexes.slice(0, last + 1)) {
      // Every draft open-period writes lands in the indexes too: an index that is not warm throttles the table.
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: key(gsi.partitionKey),
        sortKey: key(gsi.sortKey),
        projectionType: gsi.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
        ...(warm ? { warmThroughput: warm } : {}),
      });
    }

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      topicName: names.alarmTopicName,
      displayName: `${names.prefix} alarms`,
      enforceSSL: true,
    });
    // The TLS-only policy replaces SNS's default policy, so CloudWatch must be allowed explicitly, and only for
    // alarms of this account.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
        },
      }),
    );
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    ({ vault: this.backupVault, plan: this.backupPlan } = this.createBackups(config, names));

    this.evidence = new EvidenceBucket(this, 'Evidence', { config, names });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'BackupVaultName', { value: this.backupVault.backupVaultName });

    if (config.auth.mode === 'cognito') this.users = this.createUserPool(config, config.auth, names);
  }

  /**
   * AWS Backup on top of point-in-time recovery. PITR restores any second of the last 35 days, but it lives and
   * dies with the table's own settings: whoever can switch it off or delete the table takes the history along. The
   * daily backup goes to a vault of its own, retained with the stack and closed to DeleteRecoveryPoint, so a copy
   * survives a deleted table, PITR switched off, or a compromised administrator. `backup.retentionDays` sets how
   * far back that copy reaches (prod: 7 days, longer than a holiday weekend plus the time an alarm gives to act;
   * each day kept costs one more full copy of the table, see BENCHMARKS.md).
   */
  private createBackups(config: StageConfig, names: Naming): { vault: BackupVault; plan: BackupPlan } {
    // A generated name: the vault is retained, and a fixed name would collide with it if the stack were recreated.
    const vault = new BackupVault(this, 'BackupVault', {
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new BackupPlan(this, 'BackupPlan', {
      backupPlanName: `${names.prefix}-table`,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'daily',
          backupVault: vault,
          scheduleExpression: Schedule.cron({ hour: String(BACKUP_HOUR), minute: '0' }),
          scheduleExpressionTimezone: TimeZone.ASIA_HO_CHI_MINH,
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(4),
          deleteAfter: Duration.days(config.backup.retentionDays),
        }),
      ],
    });
    const selection = new BackupSelection(this, 'BackupSelection', {
      backupPlan: plan,
      backupSelectionName: 'table',
      resources: [BackupResource.fromDynamoDbTable(this.table)],
    });
    const role = selection.node.tryFindChild('Role');
    if (!role) throw new Error('DataStack: the backup selection created no role');
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's documented service-role policy for backup jobs (it follows the service's needs, e.g. DynamoDB's " +
        "advanced backup); the role is assumed by backup.amazonaws.com only, for this plan's one selection: the table.",
    });

    // Backup vault notifications no longer report failed jobs; EventBridge does. A failed, aborted or expired
    // (never started) job reaches the alarm topic.
    const failed = new Rule(this, 'BackupJobFailed', {
      description: `${names.prefix}: a backup job of the table failed, was aborted or never started`,
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change'],
        // The state alone: the account holds no other backups (docs/DEPLOY.md: one account per stage).
        detail: { state: [...BACKUP_FAILED_STATES] },
      },
    });
    failed.addTarget({ bind: () => ({ arn: this.alarmTopic.topicArn }) });
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'BackupJobFailedPublish',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': failed.ruleArn } },
      }),
    );
    return { vault, plan };
  }

  private createUserPool(config: StageConfig, auth: CognitoAuthConfig, names: Naming): UserPoolRefs {
    const plus = auth.featurePlan === 'plus';
    const plan = { lite: FeaturePlan.LITE, essentials: FeaturePlan.ESSENTIALS, plus: FeaturePlan.PLUS }[
      auth.featurePlan
    ];
    const userPool = new UserPool(this, 'UserPool', {
      userPoolName: names.prefix,
      // Accounts are created by an administrator (or an import), never by the public.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      // Set by administrators only: the app client cannot write it, so a user cannot change who they are.
      customAttributes: {
        [EMPLOYEE_ID_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      mfa: auth.mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: plan,
      ...(plus ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      ...(auth.emailFrom
        ? { email: UserPoolEmail.withSES({ fromEmail: auth.emailFrom, sesRegion: Aws.REGION }) }
        : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const group of USER_GROUPS) {
      const g = new UserPoolGroup(this, `Group-${group.name}`, {
        userPool,
        groupName: group.name,
        description: group.description,
      });
      // Part of the retained pool's data: leaving Cognito mode must not strip the groups from it.
      g.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }

    // The classic hosted sign-in page: available on every plan (Lite included), no branding resource to keep.
    // Deleted with the mode, so that coming back to Cognito can take the same prefix again.
    const domain = new UserPoolDomain(this, 'Domain', {
      userPool,
      cognitoDomain: { domainPrefix: cognitoDomainPrefix(config, names) },
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    if (auth.mfa !== 'required') {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason: `Stage "${config.stage}" is configured with MFA optional (auth.mfa): users may enrol TOTP; prod defaults to required.`,
      });
    }
    if (!plus) {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: `Stage "${config.stage}" is configured with the ${auth.featurePlan} feature plan (auth.featurePlan): Plus costs about 3,400 USD a month at 170,000 users (BENCHMARKS.md); threat protection is then off, MFA and the password policy stay.`,
      });
    }

    const issuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${userPool.userPoolId}`;
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolIssuer', { value: issuer });
    new CfnOutput(this, 'HostedLoginUrl', { value: domain.baseUrl() });
    return { userPool, domain, issuer };
  }
}

/** The hosted sign-in prefix: configured, or `<app>-<stage>-<account id>` (unique per account). */
export function cognitoDomainPrefix(config: StageConfig, names: Naming): string {
  if (config.auth.mode !== 'cognito') throw new Error('cognitoDomainPrefix: the stage does not use Cognito');
  return config.auth.domainPrefix ?? `${names.prefix}-${Aws.ACCOUNT_ID}`;
}

function warmThroughput(config: StageConfig): WarmThroughput | undefined {
  const { warmWriteUnitsPerSecond, warmReadUnitsPerSecond } = config.capacity;
  if (warmWriteUnitsPerSecond === undefined && warmReadUnitsPerSecond === undefined) return undefined;
  return {
    ...(warmWriteUnitsPerSecond ? { writeUnitsPerSecond: warmWriteUnitsPerSecond } : {}),
    ...(warmReadUnitsPerSecond ? { readUnitsPerSecond: warmReadUnitsPerSecond } : {}),
  };
}
