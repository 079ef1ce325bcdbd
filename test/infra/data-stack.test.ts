import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_FAILED_STATES, BACKUP_HOUR } from '../../infra/stacks/data-stack.ts';
import { tableDefinition } from '../../shared/store/table-definition.ts';
import {
  allTemplatesText,
  OIDC_AUTH,
  only,
  PROD_COGNITO_STAGES,
  props,
  resources,
  type SynthesisedApp,
  statementsOfRole,
  synth,
  synthProdExample,
} from './support.ts';

describe('data stack: the table', () => {
  let dev: SynthesisedApp;
  let prod: SynthesisedApp;
  beforeAll(() => {
    dev = synth();
    prod = synthProdExample();
  });
  afterAll(() => {
    dev.cleanup();
    prod.cleanup();
  });

  it('is the one table, keyed and indexed exactly as the shared definition says', () => {
    const [, table] = only(dev.templates.data, 'AWS::DynamoDB::Table');
    const p = props(table);
    expect(p.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
    ]);
    const gsis = p.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    expect(gsis.map((g) => g.IndexName)).toEqual(
      tableDefinition.globalSecondaryIndexes.map((g) => g.indexName),
    );
    for (const def of tableDefinition.globalSecondaryIndexes) {
      expect(gsis.find((g) => g.IndexName === def.indexName)).toMatchObject({
        KeySchema: [
          { AttributeName: def.partitionKey, KeyType: 'HASH' },
          { AttributeName: def.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: def.projection },
      });
    }
  });

  it('adds the indexes one deploy at a time when asked (-c tableIndexesUpTo), and refuses an unknown index', () => {
    // CloudFormation adds at most one index per table update (docs/DEPLOY.md, "Migrating the table").
    const names = tableDefinition.globalSecondaryIndexes.map((g) => g.indexName);
    const upTo = names[names.length - 2] as string;
    const partial = synth({ tableIndexesUpTo: upTo });
    try {
      const [, table] = only(partial.templates.data, 'AWS::DynamoDB::Table');
      const gsis = props(table).GlobalSecondaryIndexes as { IndexName: string }[];
      expect(gsis.map((g) => g.IndexName)).toEqual(names.slice(0, -1));
    } finally {
      partial.cleanup();
    }
    expect(() => synth({ tableIndexesUpTo: 'gsi9' })).toThrow(/tableIndexesUpTo: no index named gsi9/);
  });

  it('is on demand, encrypted, with point-in-time recovery, TTL and deletion protection', () => {
    dev.templates.data.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    });
  });

  it('is retained when the stack is deleted or the resource replaced, and prod’s stack is termination-protected', () => {
    dev.templates.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(prod.stacks.data.terminationProtection).toBe(true);
  });

  it("is pre-warmed in prod for open-period's burst: the table and every index, for writes", () => {
    const [, table] = only(prod.templates.data, 'AWS::DynamoDB::Table');
    const warm = { WriteUnitsPerSecond: prod.config.capacity.warmWriteUnitsPerSecond };
    expect(prod.config.capacity.warmWriteUnitsPerSecond).toBeGreaterThan(4_000);
    expect(props(table).WarmThroughput).toEqual(warm);
    const gsis = props(table).GlobalSecondaryIndexes as { WarmThroughput?: unknown }[];
    for (const gsi of gsis) expect(gsi.WarmThroughput).toEqual(warm);
    const [, devTable] = only(dev.templates.data, 'AWS::DynamoDB::Table');
    expect(props(devTable).WarmThroughput).toBeUndefined();
  });

  it('lives in its own stack, which holds no function', () => {
    expect(resources(dev.templates.data, 'AWS::Lambda::Function')).toHaveLength(0);
  });
});

describe('data stack: backups on top of point-in-time recovery', () => {
  let prod: SynthesisedApp;
  beforeAll(() => {
    prod = synthProdExample();
  });
  afterAll(() => prod.cleanup());

  it(`backs the table up daily at ${BACKUP_HOUR}:00 Vietnam time into a vault of its own, kept the configured days`, () => {
    const [vaultId, vault] = only(prod.templates.data, 'AWS::Backup::BackupVault');
    expect(vault.DeletionPolicy).toBe('Retain');
    const [, plan] = only(prod.templates.data, 'AWS::Backup::BackupPlan');
    const rules = (props(plan).BackupPlan as { BackupPlanRule: Record<string, unknown>[] }).BackupPlanRule;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      ScheduleExpression: `cron(0 ${BACKUP_HOUR} * * ? *)`,
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      Lifecycle: { DeleteAfterDays: prod.config.backup.retentionDays },
      TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
    });
    expect(prod.config.backup.retentionDays).toBe(7);
    const [tableId] = only(prod.templates.data, 'AWS::DynamoDB::Table');
    const [, selection] = only(prod.templates.data, 'AWS::Backup::BackupSelection');
    expect(JSON.stringify(props(selection).BackupSelection)).toContain(`"Fn::GetAtt":["${tableId}","Arn"]`);
  });

  it('refuses to delete a recovery point before its time, to anyone', () => {
    const [, vault] = only(prod.templates.data, 'AWS::Backup::BackupVault');
    const statements = (props(vault).AccessPolicy as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: expect.arrayContaining(['backup:DeleteRecoveryPoint']),
      }),
    );
  });

  it('tells the alarm topic when a backup job fails, is aborted or never starts', () => {
    const [ruleId, rule] = only(prod.templates.data, 'AWS::Events::Rule');
    expect(props(rule).EventPattern).toMatchObject({
      source: ['aws.backup'],
      'detail-type': ['Backup Job State Change'],
      detail: { state: [...BACKUP_FAILED_STATES] },
    });
    const [topicId] = only(prod.templates.data, 'AWS::SNS::Topic');
    expect(props(rule).Targets).toEqual([expect.objectContaining({ Arn: { Ref: topicId } })]);
    const [, policy] = only(prod.templates.data, 'AWS::SNS::TopicPolicy');
    const statements = (props(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      }),
    );
  });

  it('runs backups under a role only AWS Backup may assume', () => {
    const [, selection] = only(prod.templates.data, 'AWS::Backup::BackupSelection');
    const roleId = (props(selection).BackupSelection as { IamRoleArn: { 'Fn::GetAtt': [string, string] } })
      .IamRoleArn['Fn::GetAtt'][0];
    const role = prod.templates.data.toJSON().Resources[roleId];
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('backup.amazonaws.com');
    expect(statementsOfRole(prod.templates.data, roleId)).toEqual([]);
  });
});

describe('data stack: the alarm topic', () => {
  let prod: SynthesisedApp;
  beforeAll(() => {
    prod = synthProdExample();
  });
  afterAll(() => prod.cleanup());

  it('is TLS-only, lets CloudWatch alarms of this account publish, and mails the operator', () => {
    const [topicId] = only(prod.templates.data, 'AWS::SNS::Topic');
    prod.templates.data.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: prod.config.alarmEmail,
    });
    const [, policy] = only(prod.templates.data, 'AWS::SNS::TopicPolicy');
    const statements = (props(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });
});

describe('data stack: the Cognito user pool (an option)', () => {
  let dev: SynthesisedApp;
  let prod: SynthesisedApp;
  beforeAll(() => {
    dev = synth();
    prod = synth({ stage: 'prod', stages: PROD_COGNITO_STAGES });
  });
  afterAll(() => {
    dev.cleanup();
    prod.cleanup();
  });

  it('has the groups hr and admin, kept with the retained pool', () => {
    const groups = resources(dev.templates.data, 'AWS::Cognito::UserPoolGroup');
    expect(groups.map(([, g]) => props(g).GroupName).sort()).toEqual(['admin', 'hr']);
    for (const [, g] of groups) expect(g.DeletionPolicy).toBe('Retain');
  });

  it('carries custom:employeeId, takes no self sign-up, enforces a strong password and is retained', () => {
    dev.templates.data.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'employeeId', AttributeDataType: 'String', Mutable: true }),
        ]),
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      }),
    });
  });

  it('is on the Lite plan unless Plus is asked for (Plus: about 3,400 USD a month at 170,000 users)', () => {
    for (const built of [dev, prod]) {
      const [, pool] = only(built.templates.data, 'AWS::Cognito::UserPool');
      expect(props(pool).UserPoolTier).toBe('LITE');
      expect(props(pool).UserPoolAddOns).toBeUndefined();
    }
    const plus = synth({
      stage: 'prod',
      stages: {
        prod: {
          ...PROD_COGNITO_STAGES.prod,
          auth: { ...PROD_COGNITO_STAGES.prod.auth, featurePlan: 'plus' },
        },
      },
    });
    try {
      plus.templates.data.hasResourceProperties('AWS::Cognito::UserPool', {
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      });
    } finally {
      plus.cleanup();
    }
  });

  it('sends its mail through SES in prod', () => {
    prod.templates.data.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: Match.objectLike({
        EmailSendingAccount: 'DEVELOPER',
        From: PROD_COGNITO_STAGES.prod.auth.emailFrom,
      }),
    });
  });

  it('makes MFA (TOTP) optional in dev and required in prod', () => {
    dev.templates.data.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
    prod.templates.data.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('has the classic hosted sign-in page (every plan has it) and no app client: that lives beside CloudFront', () => {
    dev.templates.data.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 1 });
    dev.templates.data.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
  });
});

describe('switching identity modes is one deploy: no CloudFormation export anywhere', () => {
  const configurations = {
    'dev (Cognito)': {},
    'dev (OIDC)': { stages: { dev: { auth: OIDC_AUTH } } },
    'prod (OIDC, the example)': 'example',
    'prod (Cognito)': { stage: 'prod', stages: PROD_COGNITO_STAGES },
  } as const;

  it.each(Object.entries(configurations))('%s exports nothing and imports nothing', (_name, context) => {
    const app = context === 'example' ? synthProdExample() : synth(context);
    try {
      const text = allTemplatesText(app);
      expect(text).not.toContain('Fn::ImportValue');
      expect(text).not.toContain('"Export"');
      // Cross-stack values are read from outputs when the consumer deploys.
      expect(text).toContain('Fn::GetStackOutput');
    } finally {
      app.cleanup();
    }
  });

  it('keeps the Data stack’s table and topic, only adding or dropping the pool, when the mode changes', () => {
    const cognito = synth();
    const oidc = synth({ stages: { dev: { auth: OIDC_AUTH } } });
    try {
      const ids = (app: SynthesisedApp) => Object.keys(app.templates.data.toJSON().Resources).sort();
      const cognitoOnly = ids(cognito).filter((id) => !ids(oidc).includes(id));
      expect(ids(oidc).filter((id) => !ids(cognito).includes(id))).toEqual([]);
      const types = cognitoOnly.map((id) => cognito.templates.data.toJSON().Resources[id].Type);
      expect(new Set(types)).toEqual(
        new Set(['AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolGroup', 'AWS::Cognito::UserPoolDomain']),
      );
    } finally {
      cognito.cleanup();
      oidc.cleanup();
    }
  });
});
