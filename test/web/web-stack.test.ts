/**
 * The web stack on its own (infra/stacks/web-stack.ts), synthesised with bundling skipped and cdk-nag's
 * AwsSolutions pack: a private bucket behind CloudFront with origin access control, client routes to index.html,
 * security headers that let the app reach only the API and the identity provider, immutable assets and an entry
 * (index.html, config.json) revalidated on each load, and only the acknowledgements we mean.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../infra/config.ts';
import { naming } from '../../infra/naming.ts';
import {
  WEB_ASSET_CACHE,
  WEB_ENTRY_CACHE,
  type WebAuthSettings,
  WebStack,
} from '../../infra/stacks/web-stack.ts';

process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';

const API_URL = 'https://abc123.execute-api.ap-southeast-1.amazonaws.com/';
const COGNITO: WebAuthSettings = {
  mode: 'cognito',
  domain: 'https://danh-gia-dev.auth.ap-southeast-1.amazoncognito.com',
  clientId: 'web-client',
};
const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

function synth(auth: WebAuthSettings = COGNITO, withDomain = false) {
  const outdir = mkdtempSync(join(tmpdir(), 'danh-gia-web-cdk-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const config = loadStageConfig((key) => app.node.tryGetContext(key));
  const names = naming(config);
  const stack = new WebStack(app, 'DanhGia-dev-Web', {
    env: { account: '123456789012', region: 'ap-southeast-1' },
    config,
    names,
    apiUrl: API_URL,
    auth,
    ...(withDomain
      ? {
          domain: {
            names: ['danhgia.example.gov.vn'],
            certificate: Certificate.fromCertificateArn(
              app,
              'Cert',
              'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
            ),
          },
        }
      : {}),
  });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  app.synth();
  return { app, stack, template: Template.fromStack(stack), report: nag.validateScope(stack) };
}

function acknowledged(root: IConstruct): string[] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>)),
    );
}

const EXPECTED_ACKS = [
  'AwsSolutions-CFR1',
  'AwsSolutions-CFR2',
  'AwsSolutions-CFR4',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'AwsSolutions-IAM5[Action::s3:Abort*]',
  'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'AwsSolutions-IAM5[Action::s3:GetObject*]',
  'AwsSolutions-IAM5[Action::s3:List*]',
  'AwsSolutions-IAM5[Resource::<Assets9A31D427.Arn>/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-123456789012-ap-southeast-1/*]',
  'AwsSolutions-L1',
];

describe('web stack', () => {
  const dev = synth();

  it('passes cdk-nag AwsSolutions with only the expected acknowledgements, and no warning', () => {
    expect(dev.report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(Annotations.fromStack(dev.stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(dev.stack).findError('*', Match.anyValue())).toEqual([]);
    expect([...new Set(acknowledged(dev.app))].map((r) => r.replace(/^annotation::/i, '')).sort()).toEqual(
      EXPECTED_ACKS,
    );
  });

  it('keeps the assets in a private, encrypted, TLS-only, versioned bucket with access logs', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'web/' }),
    });
    for (const [, bucket] of Object.entries(dev.template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.AccessControl).toBeUndefined();
    }
  });

  it('serves it through CloudFront with origin access control, HTTPS only, and client routes to index.html', () => {
    dev.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    dev.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        HttpVersion: 'http2and3',
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
      }),
    });
    const fn = Object.values(dev.template.findResources('AWS::CloudFront::Function'))[0];
    const code = String(fn?.Properties.FunctionCode);
    // Run the viewer-request function on a few paths.
    const handler = new Function(`${code}; return handler;`)() as (e: { request: { uri: string } }) => {
      uri: string;
    };
    const route = (uri: string) => handler({ request: { uri } }).uri;
    expect(route('/phe-duyet')).toBe('/index.html');
    expect(route('/auth/callback')).toBe('/index.html');
    expect(route('/')).toBe('/index.html');
    expect(route('/assets/index-abc.js')).toBe('/assets/index-abc.js');
    expect(route('/config.json')).toBe('/config.json');
  });

  it('sends security headers that let the app reach only itself, the API and the identity provider', () => {
    const policy = Object.values(dev.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0];
    const headers = policy?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("connect-src 'self' ");
    expect(csp).toContain(API_URL);
    expect(csp).toContain(COGNITO.mode === 'cognito' ? COGNITO.domain : '');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000 });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
  });

  it('deploys immutable assets, then index.html and config.json revalidated on each load', () => {
    const deployments = Object.values(dev.template.findResources('Custom::CDKBucketDeployment')).map(
      (d) => d.Properties,
    );
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => JSON.stringify(d.Exclude) === '["index.html"]');
    const entry = deployments.find((d) => JSON.stringify(d.Include) === '["index.html","config.json"]');
    expect(assets?.SystemMetadata).toEqual({ 'cache-control': WEB_ASSET_CACHE });
    expect(assets?.Prune).toBe(false);
    expect(entry?.SystemMetadata).toEqual({ 'cache-control': WEB_ENTRY_CACHE });
    expect(entry?.SourceObjectKeys).toHaveLength(2);
    dev.template.hasOutput('CallbackUrl', Match.anyValue());
  });

  it('writes the runtime config the app reads', () => {
    const staged = readdirSync(dev.app.outdir)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(dev.app.outdir, name, 'config.json'))
      .filter((path) => existsSync(path));
    expect(staged).toHaveLength(1);
    expect(JSON.parse(readFileSync(staged[0] ?? '', 'utf8'))).toEqual({
      apiUrl: API_URL,
      auth: { ...COGNITO, scopes: ['openid', 'email', 'profile'] },
    });
  });

  it('enforces TLS 1.2 with a custom domain, without the CFR4 acknowledgement', () => {
    const prod = synth(COGNITO, true);
    expect(prod.report.violations).toEqual([]);
    expect(acknowledged(prod.app)).not.toContain('AwsSolutions-CFR4');
    prod.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['danhgia.example.gov.vn'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
  });

  it('takes an OIDC provider instead of Cognito', () => {
    const oidc = synth({
      mode: 'oidc',
      issuer: 'https://sso.example.gov.vn/realms/city',
      clientId: 'danh-gia',
    });
    expect(oidc.report.violations).toEqual([]);
    const policy = Object.values(oidc.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0];
    expect(JSON.stringify(policy?.Properties)).toContain('https://sso.example.gov.vn/realms/city');
  });
});
