import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../shared/store/table-definition.ts';
import { OIDC_AUTH, PROD_STAGES, props, resources, type SynthesisedApp, synth } from './support.ts';

describe('data stack: the table', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth();
  });
  afterAll(() => app.cleanup());

  it('is the one table, keyed and indexed exactly as the shared definition says', () => {
    const tables = resources(app.templates.data, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const [[, table] = ['', { Type: '' }]] = tables;
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
        Projection: { ProjectionType: 'ALL' },
      });
    }
  });

  it('is on demand, encrypted, with point-in-time recovery, TTL and deletion protection', () => {
    app.templates.data.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    });
  });

  it('is retained when the stack is deleted or the resource replaced', () => {
    app.templates.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('lives in its own stack, which holds no function', () => {
    expect(resources(app.templates.data, 'AWS::Lambda::Function')).toHaveLength(0);
  });
});

describe('data stack: the Cognito user pool', () => {
  let dev: SynthesisedApp;
  let prod: SynthesisedApp;
  beforeAll(() => {
    dev = synth();
    prod = synth({ stage: 'prod', stages: PROD_STAGES });
  });
  afterAll(() => {
    dev.cleanup();
    prod.cleanup();
  });

  it('has the groups hr and admin', () => {
    const groups = resources(dev.templates.data, 'AWS::Cognito::UserPoolGroup').map(
      ([, g]) => props(g).GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'hr']);
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
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
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

  it('has a public app client with the authorization code grant and the configured callback URLs', () => {
    prod.templates.data.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: PROD_STAGES.prod.auth.callbackUrls,
      LogoutURLs: PROD_STAGES.prod.auth.logoutUrls,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('lets the client read custom:employeeId but never write it (a user cannot choose who they are)', () => {
    const [[, client] = ['', { Type: '' }]] = resources(dev.templates.data, 'AWS::Cognito::UserPoolClient');
    expect(props(client).ReadAttributes).toContain('custom:employeeId');
    expect(props(client).WriteAttributes).not.toContain('custom:employeeId');
    expect(props(client).WriteAttributes).toEqual(['name']);
  });

  it("is what the API's JWT authorizer trusts: https issuer of the pool, audience the app client", () => {
    const [[, authorizer] = ['', { Type: '' }]] = resources(
      dev.templates.api,
      'AWS::ApiGatewayV2::Authorizer',
    );
    const jwt = props(authorizer).JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    const issuer = JSON.stringify(jwt.Issuer);
    expect(issuer).toMatch(
      /^\{"Fn::Join":\["",\["https:\/\/cognito-idp\.",\{"Ref":"AWS::Region"\},"\.",\{"Ref":"AWS::URLSuffix"\},"\/"/,
    );
    expect(issuer).toMatch(/ImportValue.*UserPool/);
    expect(JSON.stringify(jwt.Audience)).toMatch(/ImportValue.*WebClient/);
  });

  it('has a managed login domain', () => {
    dev.templates.data.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });
});

describe('data stack in OIDC mode', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth({ stages: { dev: { auth: OIDC_AUTH } } });
  });
  afterAll(() => app.cleanup());

  it('creates no user pool, and the API trusts the configured issuer and audience', () => {
    app.templates.data.resourceCountIs('AWS::Cognito::UserPool', 0);
    app.templates.data.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    app.templates.data.resourceCountIs('AWS::DynamoDB::Table', 1);
    app.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: OIDC_AUTH.issuer, Audience: OIDC_AUTH.audience },
    });
  });

  it('tells the handlers which claims carry the employee id and the groups', () => {
    for (const [, fn] of resources(app.templates.api, 'AWS::Lambda::Function')) {
      expect((props(fn).Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        AUTH_EMPLOYEE_ID_CLAIM: OIDC_AUTH.claims.employeeId,
        AUTH_GROUPS_CLAIM: OIDC_AUTH.claims.groups,
      });
    }
  });
});
