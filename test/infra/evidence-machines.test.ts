/**
 * Decree 335, Art. 26 in the CDK app: the evidence bucket (private, SSE, TLS only, lifecycle, CORS, GuardDuty malware
 * protection behind a stage flag), the only function that may presign on it, and the machine clients' authorizer
 * for the work systems' feed (Cognito resource server and clients, or the city's provider).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadStageConfig } from '../../infra/config.ts';
import { FUNCTIONS, type FunctionName } from '../../shared/http/routes.ts';
import {
  actionsOf,
  authorizerNamed,
  functionEnv,
  OIDC_AUTH,
  only,
  PROD_STAGES,
  props,
  resources,
  resourcesOf,
  roleStatements,
  type SynthesisedApp,
  synth,
  synthProdExample,
} from './support.ts';

const EVIDENCE_BUCKET = 'danh-gia-prod-evidence-111122223333-ap-southeast-1';

describe('the evidence bucket', () => {
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

  const evidence = (app: SynthesisedApp) => {
    const found = resources(app.templates.data, 'AWS::S3::Bucket').filter(([id]) =>
      id.startsWith('EvidenceBucket'),
    );
    expect(found).toHaveLength(1);
    return found[0] as [string, { Properties: Record<string, unknown>; DeletionPolicy?: string }];
  };

  it('is private, encrypted, retained, logged, and named for both stacks to derive', () => {
    const [, bucket] = evidence(prod);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketName: EVIDENCE_BUCKET,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'evidence-bucket/' },
    });
  });

  it('refuses any request without TLS', () => {
    const [id] = evidence(prod);
    const policies = resources(prod.templates.data, 'AWS::S3::BucketPolicy').filter(
      ([, p]) => JSON.stringify(props(p).Bucket) === JSON.stringify({ Ref: id }),
    );
    expect(policies).toHaveLength(1);
    const statements = (props(policies[0]?.[1] ?? { Type: '' }).PolicyDocument as { Statement: unknown[] })
      .Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('moves files to cheaper storage after the appeal window', () => {
    const [, bucket] = evidence(prod);
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'cheaper-after-the-appeal-window',
        Prefix: 'evidence/',
        Status: 'Enabled',
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 60 },
          { StorageClass: 'GLACIER_IR', TransitionInDays: 180 },
        ],
      }),
    );
    // Kept, not deleted, unless the stage says how long.
    expect(JSON.stringify(rules)).not.toContain('ExpirationInDays');
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    );
  });

  it('lets the app’s origins upload (POST) and download (GET), nothing else', () => {
    const cors = (app: SynthesisedApp) =>
      (evidence(app)[1].Properties.CorsConfiguration as { CorsRules: unknown[] }).CorsRules;
    expect(cors(prod)).toEqual([
      expect.objectContaining({
        AllowedOrigins: ['https://danhgia.thanhpho.example.gov.vn'],
        AllowedMethods: ['POST', 'GET'],
      }),
    ]);
    expect(cors(dev)).toEqual([expect.objectContaining({ AllowedOrigins: ['https://*.cloudfront.net'] })]);
  });

  it('scans every new file with GuardDuty where the stage enables it (prod by default), tagging the result', () => {
    expect(resources(dev.templates.data, 'AWS::GuardDuty::MalwareProtectionPlan')).toEqual([]);
    const [, plan] = only(prod.templates.data, 'AWS::GuardDuty::MalwareProtectionPlan');
    expect(props(plan)).toMatchObject({
      ProtectedResource: {
        S3Bucket: { BucketName: { Ref: evidence(prod)[0] }, ObjectPrefixes: ['evidence/'] },
      },
      Actions: { Tagging: { Status: 'ENABLED' } },
    });
    const roleId = (props(plan).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = prod.templates.data.toJSON().Resources[roleId] as {
      Properties: { AssumeRolePolicyDocument: unknown };
    };
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain(
      'malware-protection-plan.guardduty.amazonaws.com',
    );
    // The evidence function then gives links only for files tagged clean.
    expect(functionEnv(prod.templates.app, prod.names.functionName('http', 'evidence'))).toMatchObject({
      EVIDENCE_MALWARE_SCAN: 'guardduty',
    });
    expect(functionEnv(dev.templates.app, dev.names.functionName('http', 'evidence'))).toMatchObject({
      EVIDENCE_MALWARE_SCAN: 'off',
    });
  });

  it('only the evidence function may touch it: evidence/* objects, and listing that prefix', () => {
    const fn = prod.names.functionName('http', 'evidence');
    expect(functionEnv(prod.templates.app, fn)).toMatchObject({ EVIDENCE_BUCKET });
    const s3 = roleStatements(prod.templates.app, fn).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('s3:')),
    );
    expect(s3).toHaveLength(2);
    const objects = s3.find((s) => actionsOf(s).includes('s3:PutObject'));
    expect((objects ? actionsOf(objects) : []).sort()).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObjectTagging',
      's3:PutObject',
    ]);
    expect(JSON.stringify(objects ? resourcesOf(objects) : [])).toContain(
      `:s3:::${EVIDENCE_BUCKET}/evidence/*`,
    );
    const list = s3.find((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['evidence/*'] } });
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      if (name === 'evidence') continue;
      const statements = roleStatements(prod.templates.app, prod.names.functionName('http', name));
      expect(
        statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:')),
        name,
      ).toEqual([]);
    }
  });
});

describe('the machine clients of the work systems', () => {
  it("with the city's provider: its issuer, the configured clients as audience, the scope on the feed route", () => {
    const prod = synthProdExample();
    try {
      const [machinesId, machines] = authorizerNamed(prod.templates.app, 'machines');
      expect(props(machines)).toMatchObject({
        AuthorizerType: 'JWT',
        JwtConfiguration: { Issuer: PROD_STAGES.prod.auth.issuer, Audience: ['qlvb-so-tai-chinh'] },
      });
      const feed = resources(prod.templates.app, 'AWS::ApiGatewayV2::Route')
        .map(([, r]) => props(r))
        .find((r) => r.RouteKey === 'POST /v1/feeds/{source}/products');
      expect(feed).toMatchObject({ AuthorizerId: { Ref: machinesId }, AuthorizationScopes: ['tasks:write'] });
      expect(functionEnv(prod.templates.app, prod.names.functionName('http', 'products'))).toMatchObject({
        MACHINE_CLIENT_ID_CLAIM: 'azp',
        MACHINE_SCOPE_TASKS_WRITE: 'tasks:write',
        MACHINE_CLIENTS: JSON.stringify({ 'qlvb-so-tai-chinh': { units: ['stc'], sources: ['qlvb-stc'] } }),
      });
    } finally {
      prod.cleanup();
    }
  });

  it('with Cognito: a resource server with the scope and one client-credentials app client per system', () => {
    const dev = synth({
      stages: {
        dev: {
          machineClients: {
            clientIdClaim: 'client_id',
            clients: [{ name: 'qlvb-stc', units: ['stc'], sources: ['qlvb-stc'] }],
          },
        },
      },
    });
    try {
      const [, server] = only(dev.templates.app, 'AWS::Cognito::UserPoolResourceServer');
      expect(props(server)).toMatchObject({
        Identifier: 'danh-gia-dev',
        Scopes: [{ ScopeName: 'tasks:write' }],
      });
      const clients = resources(dev.templates.app, 'AWS::Cognito::UserPoolClient').filter(([, c]) =>
        String(props(c).ClientName).endsWith('-qlvb-stc'),
      );
      expect(clients).toHaveLength(1);
      const [clientId, client] = clients[0] ?? ['', { Type: '' }];
      expect(props(client)).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
      });
      const [serverId] = only(dev.templates.app, 'AWS::Cognito::UserPoolResourceServer');
      expect(props(client).AllowedOAuthScopes).toEqual([
        { 'Fn::Join': ['', [{ Ref: serverId }, '/tasks:write']] },
      ]);
      const [, machines] = authorizerNamed(dev.templates.app, 'machines');
      expect((props(machines).JwtConfiguration as { Audience: unknown[] }).Audience).toEqual([
        { Ref: clientId },
      ]);
      // The people's authorizer never accepts a machine client.
      const [, people] = authorizerNamed(dev.templates.app, 'jwt');
      expect(JSON.stringify(props(people).JwtConfiguration)).not.toContain(clientId);
    } finally {
      dev.cleanup();
    }
  });

  it('without any client configured, the feed route refuses every token', () => {
    const dev = synth({ stages: { dev: { auth: OIDC_AUTH } } });
    try {
      const [, machines] = authorizerNamed(dev.templates.app, 'machines');
      expect(props(machines)).toMatchObject({
        JwtConfiguration: { Audience: ['no-machine-client-configured'] },
      });
    } finally {
      dev.cleanup();
    }
  });

  it('refuses a configuration that cannot work, naming the key', () => {
    const load = (dev: Record<string, unknown>) => () =>
      loadStageConfig((key) => (key === 'stages' ? { dev } : undefined));
    expect(
      load({
        auth: OIDC_AUTH,
        machineClients: { clientIdClaim: 'azp', clients: [{ name: 'x', units: ['a'], sources: ['s'] }] },
      }),
    ).toThrow(/machineClients\.clients\[0\]\.clientId|clientId/);
    expect(
      load({ evidence: { malwareProtection: false, infrequentAccessAfterDays: 60, archiveAfterDays: 70 } }),
    ).toThrow(ConfigError);
    expect(
      load({ evidence: { malwareProtection: false, infrequentAccessAfterDays: 10, archiveAfterDays: 180 } }),
    ).toThrow(/infrequentAccessAfterDays/);
  });
});
