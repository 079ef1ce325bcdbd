/**
 * The one origin: a CloudFront distribution that serves the web app from a private S3 bucket (origin access
 * control) and sends `/v1/*` to the HTTP API, so the browser talks to a single origin (no CORS, and the app's
 * `config.json` says `apiUrl: ""`). HTTPS only, HTTP/2 and 3, compression, AWS WAF in front when configured, a
 * custom domain with TLS 1.2 at least when configured.
 *
 * - The API origin gets `x-origin-verify: <secret>` from CloudFront only; the API functions refuse a request without
 *   it before anything else, so the execute-api URL is useless on its own. Nothing is cached for the API
 *   (CachingDisabled), and every viewer header but Host reaches it (Authorization included).
 * - Hashed files under `/assets/` are cached for a year; `index.html` and `config.json` are revalidated on every
 *   load, so a deployment is live at once without an invalidation (and without `cloudfront:CreateInvalidation` on
 *   `*` for the deployment function). Old asset files are kept (no prune) for browsers still on the previous
 *   `index.html`; the bucket's old object versions expire after 30 days.
 * - Client routes (`/phe-duyet`, `/auth/callback`) are answered with `index.html` by a CloudFront Function, so a
 *   missing `/assets/…` file is still a real 404.
 * - Response headers: a Content-Security-Policy that lets the app connect to its own origin and to the identity
 *   provider's origins only (origins, never URLs with a path: a source with a path matches that exact path), HSTS,
 *   no framing, no sniffing.
 * - The build runs at synth (local bundling: `vite build`, about a second); `cdk synth` with bundling skipped (the
 *   tests) stages the sources instead.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  AssetHashType,
  BOOTSTRAP_QUALIFIER_CONTEXT,
  DefaultStackSynthesizer,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
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
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { REPO_ROOT } from '../bundling.ts';
import type { StageConfig } from '../config.ts';
import type { Naming } from '../naming.ts';

/** How the app signs in, as written to `config.json` (see web/src/config.ts). */
export type WebAuthSettings =
  | {
      mode: 'cognito';
      /** The hosted sign-in's base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
      domain: string;
      clientId: string;
      scopes: string[];
    }
  | {
      mode: 'oidc';
      issuer: string;
      clientId: string;
      scopes: string[];
      bearer: 'id_token' | 'access_token';
      authorizationEndpoint?: string;
      tokenEndpoint?: string;
      endSessionEndpoint?: string;
    };

/** `/config.json`: one origin, so the API is at the app's own origin (`apiUrl: ""`). */
export interface WebRuntimeConfig {
  apiUrl: '';
  auth: WebAuthSettings;
}

/** The header CloudFront adds on the way to the API; the API functions read the value from ORIGIN_VERIFY_SECRET. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
export const API_BEHAVIOR_PATH = '/v1/*';
export const WEB_ASSET_CACHE = 'public, max-age=31536000, immutable';
export const WEB_ENTRY_CACHE = 'no-cache';
/** API Gateway gives up after 30 s; CloudFront waits as long for the API origin. */
const API_ORIGIN_READ_TIMEOUT = Duration.seconds(30);

/**
 * The Content-Security-Policy: the app's own origin, plus the identity provider's origins for sign-in, plus the
 * other origins the app calls (the evidence bucket, where files go up and come down).
 */
export function contentSecurityPolicy(
  identityOrigins: readonly string[],
  connectOrigins: readonly string[] = [],
): string {
  const idp = identityOrigins.length > 0 ? ` ${identityOrigins.join(' ')}` : '';
  const other = connectOrigins.length > 0 ? ` ${connectOrigins.join(' ')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${idp}${other}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${idp}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface WebSiteProps {
  readonly config: StageConfig;
  readonly names: Naming;
  /** The HTTP API's host, `<id>.execute-api.<region>.amazonaws.com` (its `$default` stage answers at `/`). */
  readonly apiDomainName: string;
  /** The origin secret CloudFront sends to the API (a CloudFormation dynamic reference, never the value). */
  readonly originSecret: string;
  /**
   * Origins (`https://host[:port]`) the app contacts to sign in. Tokens (the Cognito domain with the account id)
   * are accepted as they are; literal values must be origins.
   */
  readonly identityOrigins: readonly string[];
  /** Other origins the app calls with fetch (the evidence bucket's), as tokens or literal origins. */
  readonly connectOrigins?: readonly string[];
  /** A custom domain: its names and an ACM certificate in us-east-1 covering them. */
  readonly domain?: { readonly names: readonly string[]; readonly certificate: ICertificate };
  /** The AWS WAF web ACL (CLOUDFRONT scope) in front of the distribution. */
  readonly webAclArn?: string;
  /** The app's folder (default `web/` of the repository). */
  readonly webDir?: string;
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
export const SPA_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export class WebSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution>.cloudfront.net` or `https://<first custom domain name>`. */
  readonly url: string;
  private readonly webDir: string;
  private readonly deploymentLogs: LogGroup;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    // Server access logs delivered under a bucket policy rather than the deprecated LogDeliveryWrite ACL (this
    // construct only; the flag must be set before the buckets exist).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { config, names } = props;
    this.webDir = props.webDir ?? join(REPO_ROOT, 'web');
    for (const o of props.identityOrigins) {
      if (!Token.isUnresolved(o) && !/^https:\/\/[a-z0-9.-]+(:\d+)?$/.test(o)) {
        throw new Error(`WebSite: "${o}" is not an origin (a CSP source with a path matches that path only)`);
      }
    }

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

    const securityHeaders = {
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: true,
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.SAME_ORIGIN, override: true },
    };
    const appHeaders = new ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: `${names.prefix}-web`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.identityOrigins, props.connectOrigins),
          override: true,
        },
        ...securityHeaders,
      },
    });
    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      responseHeadersPolicyName: `${names.prefix}-api`,
      securityHeadersBehavior: securityHeaders,
    });

    const spa = new CloudFrontFunction(this, 'ClientRoutes', {
      functionName: `${names.prefix}-web-routes`,
      comment: 'Client routes of the web app get index.html',
      code: FunctionCode.fromInline(SPA_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
    });

    this.distribution = new Distribution(this, 'Cdn', {
      comment: `${names.prefix}: web app and API`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: appHeaders,
        compress: true,
        functionAssociations: [{ function: spa, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        [API_BEHAVIOR_PATH]: {
          origin: new HttpOrigin(props.apiDomainName, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            readTimeout: API_ORIGIN_READ_TIMEOUT,
            customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originSecret },
          }),
          // A redirect would turn a POST into a GET: plain HTTP is refused instead.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Everything but Host (API Gateway routes on its own host name); with caching disabled this includes
          // Authorization.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: apiHeaders,
          compress: true,
        },
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Vietnam is served from the Asia edge locations, which Price Class 200 includes.
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      // The minimum TLS version can be set only with a custom certificate (the default one is fixed by CloudFront).
      ...(props.domain
        ? {
            domainNames: [...props.domain.names],
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
    if (!props.webAclArn) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR2',
        `Stage "${config.stage}" runs without AWS WAF by configuration (waf.enabled: false, about 9 USD a month saved); prod turns it on. The API still needs a token and the origin secret, and is throttled per stage and route.`,
      );
    }
    if (!props.domain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; set domain.names to enforce TLS 1.2.',
      );
    }
    this.url = props.domain
      ? `https://${props.domain.names[0]}`
      : `https://${this.distribution.distributionDomainName}`;
    this.deploymentLogs = new LogGroup(this, 'DeploymentLogs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** Builds the app and deploys it with its `config.json`: immutable assets first, then the entry files. */
  deployApp(runtimeConfig: WebRuntimeConfig): void {
    const build = Source.asset(this.webDir, {
      exclude: ['dist', 'node_modules'],
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Used only if the local build cannot run; the local one always can where `npm ci` ran.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        local: { tryBundle: (outputDir) => viteBuild(this.webDir, outputDir) },
      },
    });
    const assets = new BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      sources: [build],
      exclude: ['index.html'],
      cacheControl: [CacheControl.fromString(WEB_ASSET_CACHE)],
      prune: false,
      logGroup: this.deploymentLogs,
    });
    const entry = new BucketDeployment(this, 'DeployEntry', {
      destinationBucket: this.bucket,
      sources: [build, Source.jsonData('config.json', runtimeConfig)],
      exclude: ['*'],
      include: ['index.html', 'config.json'],
      cacheControl: [CacheControl.fromString(WEB_ENTRY_CACHE)],
      prune: false,
      logGroup: this.deploymentLogs,
    });
    // index.html names asset files: they are in the bucket before it is.
    entry.node.addDependency(assets);
    this.acknowledgeDeploymentHandler();
  }

  /** The CDK bootstrap asset bucket as cdk-nag names it: account and region literal when the stack has them. */
  private assetBucketName(): string {
    const stack = Stack.of(this);
    const qualifier =
      this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    return `cdk-${qualifier}-assets-${account}-${region}`;
  }

  /**
   * BucketDeployment's handler is CDK's own singleton function (a child of the stack): its role uses the AWS
   * managed basic-execution policy, and its grants on the asset bucket and the web bucket use `s3:GetObject*`-style
   * wildcards on `<bucket>/*`.
   */
  private acknowledgeDeploymentHandler() {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('WebSite: BucketDeployment handler not found');
    const role = handler.node.tryFindChild('ServiceRole');
    if (!role) throw new Error('WebSite: BucketDeployment handler role not found');
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's BucketDeployment handler (a CDK-managed singleton) writes its logs with the basic execution policy; it runs only during deployments.",
    );
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error('WebSite: BucketDeployment handler policy not found');
    const bucket = this.bucket.node.defaultChild;
    if (!(bucket instanceof CfnBucket)) throw new Error('WebSite: no CfnBucket');
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::arn:<AWS::Partition>:s3:::${this.assetBucketName()}/*`,
      `Resource::<${stack.getLogicalId(bucket)}.Arn>/*`,
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
