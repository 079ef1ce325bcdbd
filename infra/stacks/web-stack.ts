/**
 * The web app in AWS: the Vite build in a private S3 bucket behind CloudFront (origin access control, HTTPS only,
 * HTTP/2 and 3, compression), with `/config.json` beside `index.html` telling the app where the API is and how to
 * sign in (the Cognito managed login or the OIDC provider, authorization code flow with PKCE). One build serves
 * every stage; only `config.json` differs.
 *
 * - Hashed files under `/assets/` are cached for a year; `index.html` and `config.json` are revalidated on every
 *   load, so a deployment is live at once without an invalidation (and without `cloudfront:CreateInvalidation` on
 *   `*` for the deployment function). Old asset files are kept (no prune) for browsers still on the previous
 *   `index.html`; the bucket's old object versions expire after 30 days.
 * - Client routes (`/phe-duyet`, `/auth/callback`) are answered with `index.html` by a CloudFront Function, so a
 *   missing `/assets/…` file is still a real 404.
 * - Response headers: a Content-Security-Policy that lets the app talk only to its own origin, the API and the
 *   identity provider; HSTS; no framing; no sniffing.
 * - The build runs at synth (local bundling: `vite build`, about a second); `cdk synth` with bundling skipped
 *   (the tests) stages the sources instead.
 *
 * Standalone: `infra/build.ts` adds it with the API URL and the sign-in settings (see docs/WEB.md).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  AssetHashType,
  Aws,
  BOOTSTRAP_QUALIFIER_CONTEXT,
  CfnOutput,
  DefaultStackSynthesizer,
  DockerImage,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct, IConstruct } from 'constructs';
import { REPO_ROOT } from '../bundling.ts';
import type { StageConfig } from '../config.ts';
import type { Naming } from '../naming.ts';

/** How the app signs in, as written to `config.json` (see web/src/config.ts). */
export type WebAuthSettings =
  | {
      mode: 'cognito';
      /** The managed login's base URL, `https://<prefix>.auth.<region>.amazoncognito.com` (UserPoolDomain.baseUrl()). */
      domain: string;
      clientId: string;
      scopes?: string[];
    }
  | {
      mode: 'oidc';
      issuer: string;
      clientId: string;
      scopes?: string[];
      /** The token the API's authorizer checks; default the ID token. */
      bearer?: 'id_token' | 'access_token';
    };

export interface WebStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
  /** The HTTP API's URL (the `$default` stage URL). */
  readonly apiUrl: string;
  readonly auth: WebAuthSettings;
  /** A custom domain: its names and an ACM certificate in us-east-1 covering them. */
  readonly domain?: { readonly names: string[]; readonly certificate: ICertificate };
  /** The app's folder (default `web/` of the repository). */
  readonly webDir?: string;
}

export const WEB_ASSET_CACHE = 'public, max-age=31536000, immutable';
export const WEB_ENTRY_CACHE = 'no-cache';

/** The Cognito managed login's base URL for the data stack's default domain prefix (`<prefix>-<account>`). */
export function cognitoDomainUrl(config: StageConfig, names: Naming): string {
  if (config.auth.mode !== 'cognito') throw new Error('cognitoDomainUrl: the stage does not use Cognito');
  const prefix = config.auth.domainPrefix ?? `${names.prefix}-${Aws.ACCOUNT_ID}`;
  return `https://${prefix}.auth.${Aws.REGION}.amazoncognito.com`;
}

/** Runs `vite build` into CDK's output folder, with the repository's own Vite. */
function viteBuild(webDir: string, outputDir: string): boolean {
  const vitePackage = createRequire(join(REPO_ROOT, 'package.json')).resolve('vite/package.json');
  execFileSync(
    process.execPath,
    [
      join(dirname(vitePackage), 'bin', 'vite.js'),
      'build',
      '--config',
      join(webDir, 'vite.config.ts'),
      '--outDir',
      outputDir,
      '--emptyOutDir',
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  return true;
}

/** Client routes (no file extension) get index.html; files are served as they are. */
const SPA_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export class WebStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution>.cloudfront.net` or the first custom domain name. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    // Server access logs delivered under a bucket policy rather than the deprecated LogDeliveryWrite ACL (this
    // stack only; the flag must be set before the buckets exist).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { config } = props;
    const webDir = props.webDir ?? join(REPO_ROOT, 'web');

    // S3 server access logs (bucket policy, no ACL) for both buckets below; CloudFront's standard logs need an
    // ACL-enabled bucket of their own.
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(Math.max(config.logRetentionDays, 30)) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cdnLogs = new Bucket(this, 'CdnLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(Math.max(config.logRetentionDays, 30)) }],
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'cdn-logs/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'web/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const apiOrigin = props.apiUrl;
    const authOrigin = props.auth.mode === 'cognito' ? props.auth.domain : props.auth.issuer;
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: `${props.names.prefix}-web`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: Fn.join('', [
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; ",
            "connect-src 'self' ",
            apiOrigin,
            ' ',
            authOrigin,
            "; object-src 'none'; base-uri 'self'; form-action 'self' ",
            authOrigin,
            "; frame-ancestors 'none'",
          ]),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.SAME_ORIGIN, override: true },
      },
    });

    const spa = new CloudFrontFunction(this, 'ClientRoutes', {
      functionName: `${props.names.prefix}-web-routes`,
      comment: 'Client routes of the web app get index.html',
      code: FunctionCode.fromInline(SPA_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
    });

    this.distribution = new Distribution(this, 'Cdn', {
      comment: `${props.names.prefix} web app`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ function: spa, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Vietnam is served from the Asia edge locations, which Price Class 200 includes.
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: 'cloudfront/',
      // The minimum TLS version can be set only with a custom certificate (the default one is fixed by CloudFront).
      ...(props.domain
        ? {
            domainNames: props.domain.names,
            certificate: props.domain.certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'No geo restriction: civil servants sign in from abroad on official trips; every API call needs a token from the identity provider.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'No WAF on the static app: it serves public, immutable files only; the API is protected by its JWT authorizer and stage throttling.',
    );
    if (!props.domain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; set a domain and certificate to enforce TLS 1.2.',
      );
    }
    this.url = props.domain
      ? `https://${props.domain.names[0]}`
      : `https://${this.distribution.distributionDomainName}`;

    const build = Source.asset(webDir, {
      exclude: ['dist', 'node_modules'],
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Used only if the local build cannot run; the local one always can where `npm ci` ran.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        local: { tryBundle: (outputDir) => viteBuild(webDir, outputDir) },
      },
    });
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const assets = new BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      sources: [build],
      exclude: ['index.html'],
      cacheControl: [CacheControl.fromString(WEB_ASSET_CACHE)],
      prune: false,
      logGroup: deploymentLogs,
    });
    const runtimeConfig = {
      apiUrl: props.apiUrl,
      auth:
        props.auth.mode === 'cognito'
          ? {
              mode: 'cognito',
              domain: props.auth.domain,
              clientId: props.auth.clientId,
              scopes: props.auth.scopes ?? ['openid', 'email', 'profile'],
            }
          : {
              mode: 'oidc',
              issuer: props.auth.issuer,
              clientId: props.auth.clientId,
              scopes: props.auth.scopes ?? ['openid', 'email', 'profile'],
              bearer: props.auth.bearer ?? 'id_token',
            },
    };
    const entry = new BucketDeployment(this, 'DeployEntry', {
      destinationBucket: this.bucket,
      sources: [build, Source.jsonData('config.json', runtimeConfig)],
      exclude: ['*'],
      include: ['index.html', 'config.json'],
      cacheControl: [CacheControl.fromString(WEB_ENTRY_CACHE)],
      prune: false,
      logGroup: deploymentLogs,
    });
    // index.html names asset files: they are in the bucket before it is.
    entry.node.addDependency(assets);
    this.acknowledgeDeploymentHandler();

    new CfnOutput(this, 'WebUrl', { value: this.url });
    new CfnOutput(this, 'CallbackUrl', { value: `${this.url}/auth/callback` });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
  }

  /** The CDK bootstrap asset bucket as cdk-nag names it: account and region literal when the stack has them. */
  private assetBucketName(): string {
    const qualifier =
      this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const account = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    const region = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    return `cdk-${qualifier}-assets-${account}-${region}`;
  }

  /**
   * BucketDeployment's handler is CDK's own singleton function: its role uses the AWS managed basic-execution
   * policy, and its grants on the asset bucket and the web bucket use `s3:GetObject*`-style wildcards on `<bucket>/*`.
   */
  private acknowledgeDeploymentHandler() {
    const handler = this.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('WebStack: BucketDeployment handler not found');
    const role = handler.node.tryFindChild('ServiceRole');
    if (!role) throw new Error('WebStack: BucketDeployment handler role not found');
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's BucketDeployment handler (a CDK-managed singleton) writes its logs with the basic execution policy; it runs only during deployments.",
    );
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error('WebStack: BucketDeployment handler policy not found');
    const bucket = this.bucket.node.defaultChild;
    if (!(bucket instanceof CfnBucket)) throw new Error('WebStack: no CfnBucket');
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::arn:<AWS::Partition>:s3:::${this.assetBucketName()}/*`,
      `Resource::<${this.getLogicalId(bucket)}.Arn>/*`,
    ]) {
      acknowledge(
        policy,
        `AwsSolutions-IAM5[${finding}]`,
        'BucketDeployment copies the built web app from the CDK asset bucket into the web bucket: it reads every object of the asset and writes every object of the web bucket, and nothing else.',
      );
    }
    acknowledge(
      handler,
      'AwsSolutions-L1',
      "CDK's BucketDeployment handler runtime is chosen by aws-cdk-lib (Python, with the AWS CLI layer); it follows CDK upgrades.",
    );
  }
}

function acknowledge(construct: IConstruct, id: string, reason: string) {
  Validations.of(construct).acknowledge({ id, reason });
}
