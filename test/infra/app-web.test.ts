/**
 * The App stack's web half: one CloudFront distribution for the app (private S3 bucket, origin access control) and
 * the API (`/v1/*`, with the origin secret), security headers whose CSP lists origins only, immutable assets and an
 * entry revalidated on each load, the runtime `config.json` (same-origin API), WAF and a custom domain in prod, and
 * in Cognito mode the app client whose callback is CloudFront's own URL (no second deploy).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_BEHAVIOR_PATH,
  ORIGIN_VERIFY_HEADER,
  WEB_ASSET_CACHE,
  WEB_ENTRY_CACHE,
} from '../../infra/constructs/web-site.ts';
import { ORIGIN_VERIFY_SECRET_ENV } from '../../infra/stacks/app-stack.ts';
import {
  authorizerNamed,
  type CfnResource,
  functionEnv,
  OIDC_AUTH,
  only,
  PROD_COGNITO_STAGES,
  PROD_STAGES,
  props,
  resources,
  type SynthesisedApp,
  synth,
  synthProdExample,
} from './support.ts';

type Behavior = Record<string, unknown> & { TargetOriginId: string; PathPattern?: string };
type Origin = Record<string, unknown> & { Id: string; DomainName: unknown };

function distributionConfig(app: SynthesisedApp) {
  const [, distribution] = only(app.templates.app, 'AWS::CloudFront::Distribution');
  return (props(distribution) as { DistributionConfig: Record<string, unknown> }).DistributionConfig as {
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    Origins: Origin[];
    Aliases?: string[];
    ViewerCertificate?: Record<string, unknown>;
    WebACLId?: unknown;
  } & Record<string, unknown>;
}

function csp(app: SynthesisedApp): string {
  const policies = resources(app.templates.app, 'AWS::CloudFront::ResponseHeadersPolicy').map(([, p]) =>
    props(p),
  );
  const web = policies.find((p) => JSON.stringify(p).includes('ContentSecurityPolicy'));
  if (!web) throw new Error('no response headers policy with a CSP');
  const value = (
    web.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
    }
  ).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The sources of one CSP directive. */
function directive(policy: string, name: string): string[] {
  const found = policy
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));
  return found ? found.split(/\s+/).slice(1) : [];
}

function stagedConfigJson(app: SynthesisedApp): unknown {
  const staged = readdirSync(app.outdir)
    .filter((name) => name.startsWith('asset.'))
    .map((name) => join(app.outdir, name, 'config.json'))
    .filter((path) => existsSync(path));
  expect(staged).toHaveLength(1);
  return JSON.parse(readFileSync(staged[0] ?? '', 'utf8'));
}

describe('web: one origin for the app and the API', () => {
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

  it('serves the app from a private, encrypted, TLS-only, versioned bucket with access logs', () => {
    dev.templates.app.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'web/' }),
    });
    for (const [, bucket] of resources(dev.templates.app, 'AWS::S3::Bucket')) {
      expect(props(bucket).AccessControl).toBeUndefined();
    }
    dev.templates.app.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });

  it('routes /v1/* to the HTTP API with the origin secret, nothing cached, every header but Host, HTTPS only', () => {
    const config = distributionConfig(dev);
    expect(config.CacheBehaviors).toHaveLength(1);
    const [api] = config.CacheBehaviors;
    expect(api).toMatchObject({
      PathPattern: API_BEHAVIOR_PATH,
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      // AWS managed: CachingDisabled, AllViewerExceptHostHeader.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    expect(api?.FunctionAssociations).toBeUndefined();
    const origin = config.Origins.find((o) => o.Id === api?.TargetOriginId);
    const [apiId] = only(dev.templates.app, 'AWS::ApiGatewayV2::Api');
    expect(JSON.stringify(origin?.DomainName)).toContain(`{"Ref":"${apiId}"},".execute-api.`);
    expect(origin?.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginReadTimeout: 30,
    });
    const headers = origin?.OriginCustomHeaders as { HeaderName: string; HeaderValue: unknown }[];
    expect(headers.map((h) => h.HeaderName)).toEqual([ORIGIN_VERIFY_HEADER]);
    // The header CloudFront sends is the value the functions check: the same dynamic reference.
    const sent = JSON.stringify(headers[0]?.HeaderValue);
    expect(sent).toContain('{{resolve:secretsmanager:');
    expect(sent).toBe(
      JSON.stringify(
        functionEnv(dev.templates.app, dev.names.functionName('http', 'org'))[ORIGIN_VERIFY_SECRET_ENV],
      ),
    );
  });

  it('sends client routes to index.html at the edge, files as they are', () => {
    const config = distributionConfig(dev);
    expect(config).toMatchObject({ DefaultRootObject: 'index.html', HttpVersion: 'http2and3' });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      Compress: true,
    });
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      expect.objectContaining({ EventType: 'viewer-request' }),
    ]);
    const [, fn] = only(dev.templates.app, 'AWS::CloudFront::Function');
    const handler = new Function(`${String(props(fn).FunctionCode)}; return handler;`)() as (e: {
      request: { uri: string };
    }) => { uri: string };
    const route = (uri: string) => handler({ request: { uri } }).uri;
    expect(route('/phe-duyet')).toBe('/index.html');
    expect(route('/auth/callback')).toBe('/index.html');
    expect(route('/')).toBe('/index.html');
    expect(route('/assets/index-abc.js')).toBe('/assets/index-abc.js');
    expect(route('/config.json')).toBe('/config.json');
  });

  it("lists origins only in the CSP: 'self' (the API too) and the OIDC provider, never the issuer's path", () => {
    const policy = csp(prod);
    const { issuer, connectOrigins } = PROD_STAGES.prod.auth;
    const issuerOrigin = new URL(issuer).origin;
    expect(issuer).not.toBe(issuerOrigin); // the example's issuer has a path (/realms/…)
    // The evidence bucket's regional endpoint, where the browser uploads with a presigned POST.
    const evidence = `https://${prod.names.evidenceBucketName('111122223333', 'ap-southeast-1')}.s3.ap-southeast-1.amazonaws.com`;
    expect(directive(policy, 'connect-src')).toEqual(["'self'", issuerOrigin, ...connectOrigins, evidence]);
    expect(directive(policy, 'form-action')).toEqual(["'self'", issuerOrigin, ...connectOrigins]);
    expect(policy).not.toContain(issuer);
    expect(policy).not.toContain('execute-api');
    for (const source of directive(policy, 'connect-src').slice(1)) {
      expect(new URL(source).pathname, source).toBe('/');
      expect(source).not.toMatch(/\/$/);
    }
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
  });

  it('lists the origins of explicitly configured endpoints too', () => {
    const custom = synth({
      stages: {
        dev: {
          auth: { ...OIDC_AUTH, endpoints: { token: 'https://login.example.gov.vn:8443/oauth2/token' } },
        },
      },
    });
    try {
      const sources = directive(csp(custom), 'connect-src');
      expect(sources.slice(0, 3)).toEqual([
        "'self'",
        'https://sso.example.gov.vn',
        'https://login.example.gov.vn:8443',
      ]);
      // The evidence bucket's endpoint, by account and region (CloudFormation pseudo parameters here).
      expect(sources[3]).toMatch(/^https:\/\/danh-gia-dev-evidence-/);
      expect(sources).toHaveLength(4);
    } finally {
      custom.cleanup();
    }
  });

  it('lets the Cognito app reach the hosted sign-in origin and the evidence bucket only', () => {
    const policy = csp(dev);
    expect(policy).toContain(
      `connect-src 'self' https://danh-gia-dev-",{"Ref":"AWS::AccountId"},".auth.",{"Ref":"AWS::Region"},".amazoncognito.com https://danh-gia-dev-evidence-",{"Ref":"AWS::AccountId"},"-",{"Ref":"AWS::Region"},".s3.",{"Ref":"AWS::Region"},".",{"Ref":"AWS::URLSuffix"},"; object-src`,
    );
  });

  it('sends HSTS, no framing and no sniffing on the app and on API answers', () => {
    for (const [, p] of resources(dev.templates.app, 'AWS::CloudFront::ResponseHeadersPolicy')) {
      const headers = (
        props(p).ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, unknown> }
      ).SecurityHeadersConfig;
      expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000 });
      expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
      expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    }
  });

  it('deploys immutable assets, then index.html and config.json revalidated on each load', () => {
    const deployments = resources(dev.templates.app, 'Custom::CDKBucketDeployment').map(([, d]) => props(d));
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => JSON.stringify(d.Exclude) === '["index.html"]');
    const entry = deployments.find((d) => JSON.stringify(d.Include) === '["index.html","config.json"]');
    expect(assets?.SystemMetadata).toEqual({ 'cache-control': WEB_ASSET_CACHE });
    expect(assets?.Prune).toBe(false);
    expect(entry?.SystemMetadata).toEqual({ 'cache-control': WEB_ENTRY_CACHE });
    expect(entry?.SourceObjectKeys).toHaveLength(2);
  });

  it('writes a config.json with the API on the same origin and the provider the app signs in with', () => {
    expect(stagedConfigJson(prod)).toEqual({
      apiUrl: '',
      auth: {
        mode: 'oidc',
        issuer: PROD_STAGES.prod.auth.issuer,
        clientId: PROD_STAGES.prod.auth.clientId,
        scopes: ['openid', 'profile', 'email'],
        bearer: 'id_token',
      },
    });
    const withEndpoints = synth({
      stages: {
        dev: {
          auth: {
            ...OIDC_AUTH,
            endpoints: {
              authorization: 'https://sso.example.gov.vn/auth',
              endSession: 'https://sso.example.gov.vn/out',
            },
          },
        },
      },
    });
    try {
      expect(stagedConfigJson(withEndpoints)).toMatchObject({
        apiUrl: '',
        auth: {
          authorizationEndpoint: 'https://sso.example.gov.vn/auth',
          endSessionEndpoint: 'https://sso.example.gov.vn/out',
        },
      });
    } finally {
      withEndpoints.cleanup();
    }
  });

  it('puts AWS WAF in front of everything in prod (from the us-east-1 Edge stack), none in dev', () => {
    const acl = distributionConfig(prod).WebACLId;
    expect(JSON.stringify(acl)).toContain('"Fn::GetStackOutput"');
    expect(JSON.stringify(acl)).toContain('"Region":"us-east-1"');
    expect(JSON.stringify(acl)).toContain('DanhGia-prod-Edge');
    expect(distributionConfig(dev).WebACLId).toBeUndefined();
  });

  it('serves the custom domain with its certificate and TLS 1.2 at least', () => {
    const config = distributionConfig(prod);
    expect(config.Aliases).toEqual(PROD_STAGES.prod.domain.names);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(JSON.stringify(config.ViewerCertificate)).toContain('DanhGia-prod-Edge');
    prod.templates.app.hasOutput('WebUrl', { Value: `https://${PROD_STAGES.prod.domain.names[0]}` });
  });

  it('takes an existing certificate by ARN, with no Edge stack when WAF is off', () => {
    const certificateArn =
      'arn:aws:acm:us-east-1:111122223333:certificate/11111111-2222-3333-4444-555555555555';
    const custom = synth({
      stage: 'prod',
      stages: {
        prod: {
          ...PROD_STAGES.prod,
          waf: { enabled: false },
          domain: { names: ['danhgia.example.gov.vn'], certificateArn },
        },
      },
    });
    try {
      expect(custom.stacks.edge).toBeUndefined();
      expect(distributionConfig(custom).ViewerCertificate).toMatchObject({
        AcmCertificateArn: certificateArn,
      });
    } finally {
      custom.cleanup();
    }
  });
});

describe('web: Cognito mode in one pass', () => {
  let prod: SynthesisedApp;
  beforeAll(() => {
    prod = synth({ stage: 'prod', stages: PROD_COGNITO_STAGES });
  });
  afterAll(() => prod.cleanup());

  it('creates the app client beside CloudFront, with its own URL as callback: the first deploy is complete', () => {
    const [, client] = only(prod.templates.app, 'AWS::Cognito::UserPoolClient');
    const [distributionId] = only(prod.templates.app, 'AWS::CloudFront::Distribution');
    const callback = {
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/auth/callback']],
    };
    const logout = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] };
    expect(props(client)).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [callback],
      LogoutURLs: [logout],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(JSON.stringify(props(client).UserPoolId)).toContain('Fn::GetStackOutput');
  });

  it('lets the client read custom:employeeId but never write it (a user cannot choose who they are)', () => {
    const [, client] = only(prod.templates.app, 'AWS::Cognito::UserPoolClient');
    expect(props(client).ReadAttributes).toContain('custom:employeeId');
    expect(props(client).WriteAttributes).toEqual(['name']);
  });

  it("points the JWT authorizer at the pool's issuer and the client, read from the Data stack without an export", () => {
    const [, authorizer] = authorizerNamed(prod.templates.app, 'jwt');
    const jwt = props(authorizer).JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    const issuer = JSON.stringify(jwt.Issuer);
    expect(issuer).toMatch(
      /^\{"Fn::Join":\["",\["https:\/\/cognito-idp\.ap-southeast-1\.",\{"Ref":"AWS::URLSuffix"\},"\/"/,
    );
    expect(issuer).toContain('"Fn::GetStackOutput"');
    expect(issuer).toContain('DanhGia-prod-Data');
    const [clientId] = only(prod.templates.app, 'AWS::Cognito::UserPoolClient');
    expect(jwt.Audience).toEqual([{ Ref: clientId }]);
  });

  it('writes the hosted sign-in and the client to config.json', () => {
    const config = stagedConfigJson(prod) as { apiUrl: string; auth: Record<string, unknown> };
    expect(config.apiUrl).toBe('');
    expect(config.auth).toMatchObject({ mode: 'cognito', scopes: ['openid', 'email', 'profile'] });
  });

  it('also allows the dev server’s callback in dev', () => {
    const dev = synth();
    try {
      const [, client] = only(dev.templates.app, 'AWS::Cognito::UserPoolClient');
      expect(props(client).CallbackURLs).toContainEqual('http://localhost:5173/auth/callback');
    } finally {
      dev.cleanup();
    }
  });

  it('keeps no Cognito resource in OIDC mode', () => {
    const oidc = synthProdExample();
    try {
      oidc.templates.app.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
      oidc.templates.data.resourceCountIs('AWS::Cognito::UserPool', 0);
      expect(oidc.templates.app.toJSON().Resources as Record<string, CfnResource>).toBeDefined();
    } finally {
      oidc.cleanup();
    }
  });
});
