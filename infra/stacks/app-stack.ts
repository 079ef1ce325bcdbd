/**
 * The stateless application: the HTTP API and its functions, the web app, and the one CloudFront distribution in
 * front of both (`/v1/*` to the API, everything else to the app). One stack, because the three depend on each
 * other: CloudFront needs the API's host, and in Cognito mode the app client needs CloudFront's URL for its
 * callback while the API's authorizer needs the client. In one stack the first deploy is complete in one pass.
 *
 * - One Lambda function per group of the route table, each behind a `live` alias. CodeDeploy moves the alias: in
 *   prod 10 % of requests for 5 minutes, then all, rolled back when the function's errors or the API's 5xx rate
 *   alarm during the deployment.
 * - One route per table row, every route behind a JWT authorizer: the people's (Cognito's or the city's OIDC
 *   provider's), or for the work systems' feed the machine clients' one, which also requires the route's OAuth scope.
 *   No `$default` route, so a path that is not in the table is a 404 from API Gateway and never reaches a function.
 * - Evidence files go straight between the browser and the evidence bucket (Data stack) through presigned POST and
 *   GET; only the evidence function may presign, on `evidence/*` of that bucket.
 * - The stage throttles the whole API and, tighter, the routes that start city-wide work (open, close, rankings,
 *   org import, bulk approval, XLSX exports).
 * - The API is reached through CloudFront only in practice: CloudFront sends the origin secret (Secrets Manager,
 *   resolved by CloudFormation at deploy time), the functions refuse requests without it.
 */
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import {
  ClientAttributes,
  OAuthScope,
  ResourceServerScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';

import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BACKGROUND_JOB_ENV } from '../../shared/config.ts';
import { FUNCTIONS, type FunctionName, functionAccess, routeKey, routes } from '../../shared/http/routes.ts';
import type { JobName } from '../../shared/jobs/schedules.ts';
import { CALLBACK_PATH, LOGOUT_PATH, oidcOrigins, type StageConfig } from '../config.ts';
import { AppFunction } from '../constructs/app-function.ts';
import {
  EVIDENCE_PREFIX,
  evidenceBucketName,
  evidenceObjectsFinding,
} from '../constructs/evidence-bucket.ts';
import { ORIGIN_VERIFY_HEADER, type WebAuthSettings, WebSite } from '../constructs/web-site.ts';
import { LIVE_ALIAS, type Naming } from '../naming.ts';
import { cognitoDomainPrefix, EMPLOYEE_ID_ATTRIBUTE, type UserPoolRefs } from './data-stack.ts';

/** Environment variables that tell the handlers which claims carry the employee id and the groups. */
export const AUTH_EMPLOYEE_ID_CLAIM_ENV = 'AUTH_EMPLOYEE_ID_CLAIM';
export const AUTH_GROUPS_CLAIM_ENV = 'AUTH_GROUPS_CLAIM';
/** The origin secret every API function checks (the HTTP adapter: 403 without the header, before anything else). */
export const ORIGIN_VERIFY_SECRET_ENV = 'ORIGIN_VERIFY_SECRET';

/** The claims Cognito puts in its ID token. */
export const COGNITO_CLAIMS = {
  employeeId: `custom:${EMPLOYEE_ID_ATTRIBUTE}`,
  groups: 'cognito:groups',
} as const;

/**
 * The jobs the periods function may start (asynchronous invoke, by name: no reference to the Jobs stack), under
 * the variables the configuration (`shared/config.ts`) reads.
 */
export const API_STARTED_JOBS = BACKGROUND_JOB_ENV satisfies Partial<Record<JobName, string>>;

/**
 * Route-level throttles (requests per second across all callers) for the routes that start city-wide work or build
 * files; everything else shares the stage's limit. Opening or closing a month, computing rankings and an org
 * import are an administrator's once-a-month acts; bulk approval and exports are a unit head's.
 */
export const ROUTE_THROTTLES: Readonly<Record<string, { rateLimit: number; burstLimit: number }>> = {
  'POST /v1/periods/{period}/open': { rateLimit: 1, burstLimit: 2 },
  'POST /v1/periods/{period}/close': { rateLimit: 1, burstLimit: 2 },
  'POST /v1/periods/{period}/rankings': { rateLimit: 1, burstLimit: 2 },
  'POST /v1/org/import': { rateLimit: 1, burstLimit: 2 },
  'POST /v1/approvals/bulk': { rateLimit: 5, burstLimit: 10 },
  'GET /v1/exports/units/{unitId}/rankings/{period}': { rateLimit: 5, burstLimit: 10 },
  'GET /v1/exports/annual/{year}': { rateLimit: 2, burstLimit: 5 },
};

/**
 * One JSON line per request in the API's access log (no body, no token: the `sub` claim only). Behind CloudFront,
 * `ip` is the edge's address; the client's is in CloudFront's standard logs.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
} as const;

/** API alarms: 5xx rate (%) over a minute once at least this many requests arrived; p99 latency over 5 minutes. */
export const API_5XX_RATE_PERCENT = 1;
export const API_5XX_MIN_REQUESTS = 10;
export const API_P99_LATENCY_MS = 3000;

export interface AppStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
  readonly table: ITable;
  readonly alarmTopic: ITopic;
  /** In Cognito mode: the pool from the Data stack. */
  readonly users?: UserPoolRefs;
  /** From the Edge stack (us-east-1). */
  readonly webAclArn?: string;
  /** The custom domain's ACM certificate (us-east-1): from the configuration or the Edge stack. */
  readonly certificateArn?: string;
  /** The web app's folder (default `web/`). */
  readonly webDir?: string;
}

/** The machine clients' authorizer: who issues their tokens, which clients, and the scope the feed requires. */
export interface MachineAuthorization {
  readonly issuer: string;
  readonly audience: string[];
  readonly clientIdClaim: string;
  /** The scope string tokens carry for the logical scope `tasks:write`. */
  readonly tasksWriteScope: string;
  /** Client id → units and sources, for the products function (`MACHINE_CLIENTS`). */
  readonly clients: Record<string, { units: string[]; sources: string[] }>;
}

/**
 * An audience no token carries: with no machine client configured the feed's route stays in the table (one route per
 * row) and its authorizer refuses every token.
 */
export const NO_MACHINE_CLIENT = 'no-machine-client-configured';

interface Authorization {
  readonly issuer: string;
  readonly audience: string[];
  readonly employeeIdClaim: string;
  readonly groupsClaim: string;
}

export class AppStack extends Stack {
  readonly functions: ReadonlyMap<FunctionName, AppFunction>;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly site: WebSite;
  readonly originSecret: Secret;
  readonly userPoolClient?: UserPoolClient;
  /** In Cognito mode, the work systems' app clients (client credentials), by configured name. */
  readonly machineClients: ReadonlyMap<string, UserPoolClient>;
  readonly machineAuth: MachineAuthorization;
  /** Per function: its alias errors (1 minute). Together with `api5xxRate` they stop a canary. */
  readonly functionErrorAlarms: ReadonlyMap<FunctionName, Alarm>;
  readonly api5xxRate: Alarm;
  readonly apiLatency: Alarm;
  readonly deploymentGroups: ReadonlyMap<FunctionName, LambdaDeploymentGroup>;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config, names } = props;

    // A generated secret: CloudFormation resolves it at deploy time into the CloudFront origin header and the
    // functions' environment; the template holds only the reference. Rotation: docs/DEPLOY.md.
    // No fixed name: a deleted secret keeps its name for its recovery window, which would block a redeploy.
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: `${names.prefix}: the ${ORIGIN_VERIFY_HEADER} header value CloudFront sends to the API`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value lives in the CloudFront origin header and every API function, both set by CloudFormation: a ' +
        'rotation function changing them behind its back would drift from the stacks. Rotation is the documented ' +
        'procedure instead (put a new value, deploy its VersionId: docs/DEPLOY.md).',
    });
    const originSecret = SecretValue.secretsManager(this.originSecret.secretArn, {
      ...(config.originSecretVersion ? { versionId: config.originSecretVersion } : {}),
    }).unsafeUnwrap();

    const functions = new Map<FunctionName, AppFunction>();
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const def = FUNCTIONS[name];
      functions.set(
        name,
        new AppFunction(this, `Fn-${name}`, {
          entry: def.entry,
          functionName: names.functionName('http', name),
          serviceName: names.serviceName('http', name),
          description: def.description,
          config,
          table: props.table,
          access: functionAccess(name),
          // API Gateway gives up after 30 s; a function never needs to outlive it.
          timeout: Duration.seconds(29),
          environment: { [ORIGIN_VERIFY_SECRET_ENV]: originSecret },
          liveAlias: true,
        }),
      );
    }
    this.functions = functions;
    this.allowStartingJobs(names);

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${names.prefix}-api`,
      description: 'Monthly evaluation API (v1), reached through CloudFront',
      createDefaultStage: false,
      // One origin: the browser calls /v1/* on the app's own origin, so no CORS configuration at all.
    });

    this.site = new WebSite(this, 'Web', {
      config,
      names,
      apiDomainName: `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      originSecret,
      identityOrigins: identityOrigins(config, names, this.region),
      ...(config.domain && props.certificateArn
        ? {
            domain: {
              names: config.domain.names,
              certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            },
          }
        : {}),
      ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
      ...(props.webDir ? { webDir: props.webDir } : {}),
      // The browser uploads evidence to the bucket's regional endpoint, where the presigned POST points.
      connectOrigins: [`https://${evidenceBucketName(this, names)}.s3.${this.region}.${s3UrlSuffix(this)}`],
    });
    this.allowEvidence(config, names);

    let auth: Authorization;
    let webAuth: WebAuthSettings;
    if (config.auth.mode === 'cognito') {
      if (!props.users) throw new Error('AppStack: Cognito mode without the user pool of the Data stack');
      const scopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];
      const client = this.createUserPoolClient(config.auth, props.users, names, scopes);
      this.userPoolClient = client;
      auth = {
        issuer: props.users.issuer,
        audience: [client.userPoolClientId],
        employeeIdClaim: COGNITO_CLAIMS.employeeId,
        groupsClaim: COGNITO_CLAIMS.groups,
      };
      webAuth = {
        mode: 'cognito',
        domain: identityOrigins(config, names, this.region)[0] ?? '',
        clientId: client.userPoolClientId,
        scopes: scopes.map((s) => s.scopeName),
      };
    } else {
      const oidc = config.auth;
      auth = {
        issuer: oidc.issuer,
        audience: oidc.audience ?? [oidc.clientId],
        employeeIdClaim: oidc.claims.employeeId,
        groupsClaim: oidc.claims.groups,
      };
      webAuth = {
        mode: 'oidc',
        issuer: oidc.issuer,
        clientId: oidc.clientId,
        scopes: oidc.scopes,
        bearer: oidc.bearer,
        ...(oidc.endpoints?.authorization ? { authorizationEndpoint: oidc.endpoints.authorization } : {}),
        ...(oidc.endpoints?.token ? { tokenEndpoint: oidc.endpoints.token } : {}),
        ...(oidc.endpoints?.endSession ? { endSessionEndpoint: oidc.endpoints.endSession } : {}),
      };
    }
    for (const fn of functions.values()) {
      fn.function.addEnvironment(AUTH_EMPLOYEE_ID_CLAIM_ENV, auth.employeeIdClaim);
      fn.function.addEnvironment(AUTH_GROUPS_CLAIM_ENV, auth.groupsClaim);
    }
    this.site.deployApp({ apiUrl: '', auth: webAuth });

    const machines = this.createMachineClients(config, props.users, names);
    this.machineClients = machines.clients;
    this.machineAuth = machines.auth;
    this.stage = this.createRoutesAndStage(config, auth, this.machineAuth);

    const notify = new SnsAction(props.alarmTopic);
    ({
      errors: this.functionErrorAlarms,
      api5xx: this.api5xxRate,
      latency: this.apiLatency,
    } = this.createAlarms(names, notify));
    this.deploymentGroups = this.createCanaries(config, names);

    new CfnOutput(this, 'WebUrl', { value: this.site.url });
    new CfnOutput(this, 'CallbackUrl', { value: `${this.site.url}${CALLBACK_PATH}` });
    new CfnOutput(this, 'LogoutUrl', { value: `${this.site.url}${LOGOUT_PATH}` });
    new CfnOutput(this, 'DistributionId', { value: this.site.distribution.distributionId });
    new CfnOutput(this, 'DistributionDomainName', { value: this.site.distribution.distributionDomainName });
    new CfnOutput(this, 'BucketName', { value: this.site.bucket.bucketName });
    new CfnOutput(this, 'HttpApiId', { value: this.api.apiId });
    new CfnOutput(this, 'OriginSecretName', { value: this.originSecret.secretName });
    new CfnOutput(this, 'JwtIssuer', { value: auth.issuer });
    if (this.userPoolClient) {
      new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    }
  }

  /**
   * Opening or closing a period for a whole city, or ranking it, outlasts an API request: the periods function
   * hands the work to the job's own function (shared/http/background.ts). Named, not referenced: no dependency
   * on the Jobs stack. Invoke on those functions only.
   */
  private allowStartingJobs(names: Naming) {
    const periods = this.functions.get('periods');
    if (!periods) throw new Error('AppStack: the route table has no periods function');
    const jobArns: string[] = [];
    for (const [job, env] of Object.entries(API_STARTED_JOBS)) {
      const jobFunction = names.functionName('job', job);
      periods.function.addEnvironment(env, jobFunction);
      jobArns.push(
        this.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: jobFunction,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      );
    }
    periods.role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'StartJobs', actions: ['lambda:InvokeFunction'], resources: jobArns }),
    );
  }

  /**
   * Only the evidence function touches the evidence bucket, and only `evidence/*`: presigning uploads (a presigned
   * POST is signed with its role, so S3 checks `s3:PutObject` for it) and downloads, reading an upload back to check
   * it, deleting, and listing under the prefix so that a missing object is a 404 rather than a 403.
   */
  private allowEvidence(config: StageConfig, names: Naming) {
    const evidence = this.functions.get('evidence');
    if (!evidence) throw new Error('AppStack: the route table has no evidence function');
    // By name, derived as the Data stack derives it: the grant then names the bucket literally.
    const bucketName = evidenceBucketName(this, names);
    const bucketArn = `arn:${this.partition}:s3:::${bucketName}`;
    evidence.function.addEnvironment('EVIDENCE_BUCKET', bucketName);
    evidence.function.addEnvironment(
      'EVIDENCE_MALWARE_SCAN',
      config.evidence.malwareProtection ? 'guardduty' : 'off',
    );
    evidence.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'EvidenceObjects',
        actions: [
          's3:PutObject',
          's3:GetObject',
          's3:DeleteObject',
          ...(config.evidence.malwareProtection ? ['s3:GetObjectTagging'] : []),
        ],
        resources: [`${bucketArn}/${EVIDENCE_PREFIX}*`],
      }),
    );
    evidence.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'EvidenceList',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${EVIDENCE_PREFIX}*`] } },
      }),
    );
    Validations.of(evidence.role).acknowledge({
      id: evidenceObjectsFinding(this, names),
      reason:
        'Evidence files have generated keys under evidence/<employee>/<period>/; the function presigns and checks any of them, in this one bucket only.',
    });
  }

  /**
   * The work systems' access (Decree 335, Art. 26: the software connects to the document and task systems): in
   * Cognito mode a resource server with the `tasks:write` scope and one app client per configured system (with a
   * secret, client-credentials flow only, one-hour tokens); with the city's SSO its clients, named in the
   * configuration. Their tokens pass the machine clients' authorizer only, never the people's.
   */
  private createMachineClients(
    config: StageConfig,
    users: UserPoolRefs | undefined,
    names: Naming,
  ): { clients: Map<string, UserPoolClient>; auth: MachineAuthorization } {
    const machine = config.machineClients;
    const clients = new Map<string, UserPoolClient>();
    const byId: Record<string, { units: string[]; sources: string[] }> = {};
    if (config.auth.mode === 'cognito') {
      if (!users) throw new Error('AppStack: Cognito mode without the user pool of the Data stack');
      const scope = new ResourceServerScope({
        scopeName: 'tasks:write',
        scopeDescription: 'Feed employees’ converted products (sản phẩm quy đổi)',
      });
      const server = new UserPoolResourceServer(this, 'MachineApi', {
        userPool: users.userPool,
        identifier: names.prefix,
        userPoolResourceServerName: `${names.prefix} API for work systems`,
        scopes: [scope],
      });
      for (const c of machine.clients) {
        const client = new UserPoolClient(this, `MachineClient-${c.name}`, {
          userPool: users.userPool,
          userPoolClientName: `${names.prefix}-${c.name}`,
          generateSecret: true,
          authFlows: {},
          oAuth: {
            flows: { clientCredentials: true },
            scopes: [OAuthScope.resourceServer(server, scope)],
          },
          supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
          accessTokenValidity: Duration.hours(1),
          enableTokenRevocation: true,
        });
        clients.set(c.name, client);
        byId[client.userPoolClientId] = { units: [...c.units], sources: [...c.sources] };
        new CfnOutput(this, `MachineClientId${c.name.replace(/[^A-Za-z0-9]/g, '')}`, {
          value: client.userPoolClientId,
          description: `App client of the work system "${c.name}" (secret: aws cognito-idp describe-user-pool-client)`,
        });
      }
      const audience = [...clients.values()].map((c) => c.userPoolClientId);
      return {
        clients,
        auth: {
          issuer: users.issuer,
          audience: audience.length > 0 ? audience : [NO_MACHINE_CLIENT],
          clientIdClaim: machine.clientIdClaim,
          tasksWriteScope: machine.tasksWriteScope ?? `${names.prefix}/tasks:write`,
          clients: byId,
        },
      };
    }
    for (const c of machine.clients) {
      if (c.clientId) byId[c.clientId] = { units: [...c.units], sources: [...c.sources] };
    }
    const audience = machine.audience ?? Object.keys(byId);
    return {
      clients,
      auth: {
        issuer: machine.issuer ?? config.auth.issuer,
        audience: audience.length > 0 ? audience : [NO_MACHINE_CLIENT],
        clientIdClaim: machine.clientIdClaim,
        tasksWriteScope: machine.tasksWriteScope ?? 'tasks:write',
        clients: byId,
      },
    };
  }

  /**
   * The app client of the pool, here rather than in the Data stack: its callback is CloudFront's URL, known in this
   * stack only. Public (PKCE, no secret), authorization code only; it may read `custom:employeeId` but never write
   * it, so nobody can change who they are.
   */
  private createUserPoolClient(
    auth: Extract<StageConfig['auth'], { mode: 'cognito' }>,
    users: UserPoolRefs,
    names: Naming,
    scopes: OAuthScope[],
  ): UserPoolClient {
    const readable = new ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes(EMPLOYEE_ID_ATTRIBUTE);
    const writable = new ClientAttributes().withStandardAttributes({ fullname: true });
    return new UserPoolClient(this, 'WebClient', {
      userPool: users.userPool,
      userPoolClientName: `${names.prefix}-web`,
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes,
        callbackUrls: [`${this.site.url}${CALLBACK_PATH}`, ...auth.extraCallbackUrls],
        logoutUrls: [`${this.site.url}${LOGOUT_PATH}`, ...auth.extraLogoutUrls],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      readAttributes: readable,
      writeAttributes: writable,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
  }

  private createRoutesAndStage(
    config: StageConfig,
    auth: Authorization,
    machines: MachineAuthorization,
  ): HttpStage {
    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, {
      authorizerName: 'jwt',
      jwtAudience: auth.audience,
      identitySource: ['$request.header.Authorization'],
    });
    const machineAuthorizer = new HttpJwtAuthorizer('MachineJwtAuthorizer', machines.issuer, {
      authorizerName: 'machines',
      jwtAudience: machines.audience,
      identitySource: ['$request.header.Authorization'],
    });
    const products = this.functions.get('products');
    if (!products) throw new Error('AppStack: the route table has no products function');
    products.function.addEnvironment('MACHINE_CLIENTS', Stack.of(this).toJsonString(machines.clients));
    products.function.addEnvironment('MACHINE_CLIENT_ID_CLAIM', machines.clientIdClaim);
    products.function.addEnvironment('MACHINE_SCOPE_TASKS_WRITE', machines.tasksWriteScope);
    const scopeOf = { 'tasks:write': machines.tasksWriteScope } as const;

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const [name, fn] of this.functions) {
      if (!fn.alias) throw new Error(`AppStack: function ${name} has no live alias`);
      // The alias, not the function: API Gateway follows what CodeDeploy has shifted.
      integrations.set(
        name,
        new HttpLambdaIntegration(`Integration-${name}`, fn.alias, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
      );
    }
    const byKey = new Map<string, HttpRoute>();
    for (const route of routes) {
      const integration = integrations.get(route.function);
      if (!integration) throw new Error(`Route ${routeKey(route)}: no function "${route.function}"`);
      // The id is the route key, so adding a row to the table never renames (and replaces) another route.
      const forMachines = route.authorizer === 'machines';
      const r = new HttpRoute(this, `Route ${routeKey(route).replaceAll('/', '|')}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
        authorizer: forMachines ? machineAuthorizer : authorizer,
        ...(forMachines && route.scope ? { authorizationScopes: [scopeOf[route.scope]] } : {}),
      });
      byKey.set(routeKey(route), r);
    }

    // Route settings name routes by key; CloudFormation refuses a key whose route does not exist yet.
    const cfnStage = stage.node.defaultChild as CfnStage;
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [key, limit] of Object.entries(ROUTE_THROTTLES)) {
      const route = byKey.get(key);
      if (!route) throw new Error(`ROUTE_THROTTLES: "${key}" is not a route of the route table`);
      stage.node.addDependency(route);
      routeSettings[key] = { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit };
    }
    cfnStage.routeSettings = routeSettings;
    return stage;
  }

  private createAlarms(
    names: Naming,
    notify: SnsAction,
  ): { errors: Map<FunctionName, Alarm>; api5xx: Alarm; latency: Alarm } {
    const withActions = (alarm: Alarm) => {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      return alarm;
    };
    const errors = new Map<FunctionName, Alarm>();
    for (const [name, fn] of this.functions) {
      if (!fn.alias) continue;
      const id = `http-${name}-errors`;
      errors.set(
        name,
        withActions(
          new Alarm(this, `Alarm-${id}`, {
            alarmName: names.alarmName(id),
            alarmDescription: `${fn.function.functionName}:${LIVE_ALIAS} failed (uncaught error, crash at start or timeout). During a deployment this rolls the function back.`,
            metric: fn.alias.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
        ),
      );
    }

    const minute = Duration.minutes(1);
    const rate = new MathExpression({
      label: 'API 5xx (%)',
      expression: `IF(requests >= ${API_5XX_MIN_REQUESTS}, 100 * errors / requests, 0)`,
      usingMetrics: {
        requests: this.api.metricCount({ period: minute, statistic: 'Sum' }),
        errors: this.api.metricServerError({ period: minute, statistic: 'Sum' }),
      },
      period: minute,
    });
    const api5xx = withActions(
      new Alarm(this, 'Alarm-api-5xx-rate', {
        alarmName: names.alarmName('api-5xx-rate'),
        alarmDescription: `At least ${API_5XX_RATE_PERCENT} % of API requests answered 5xx in 2 of 3 minutes (with ${API_5XX_MIN_REQUESTS}+ requests a minute): a handler fails, times out or is throttled. During a deployment this rolls every API function back.`,
        metric: rate,
        threshold: API_5XX_RATE_PERCENT,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    const latency = withActions(
      new Alarm(this, 'Alarm-api-p99-latency', {
        alarmName: names.alarmName('api-p99-latency'),
        alarmDescription: `The API's p99 latency stayed above ${API_P99_LATENCY_MS} ms for 15 minutes (DynamoDB throttling, cold starts, a slow export).`,
        metric: this.api.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }),
        threshold: API_P99_LATENCY_MS,
        evaluationPeriods: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        // A handful of night-time requests says nothing about a percentile.
        evaluateLowSampleCountPercentile: 'ignore',
      }),
    );
    return { errors, api5xx, latency };
  }

  /**
   * One CodeDeploy deployment group per function, moving its `live` alias to the new version: in prod 10 % of
   * requests for 5 minutes, then 100 %; rolled back when the function's errors or the API's 5xx rate alarm, when the
   * deployment fails or is stopped. The service role holds what CodeDeploy needs for these aliases and alarms only
   * (the AWS managed AWSCodeDeployRoleForLambdaLimited grants the same actions on every function of the account).
   */
  private createCanaries(config: StageConfig, names: Naming): Map<FunctionName, LambdaDeploymentGroup> {
    const application = new LambdaApplication(this, 'Deployments', {
      applicationName: `${names.prefix}-api`,
    });
    const role = new Role(this, 'DeploymentRole', {
      description: `CodeDeploy: shift the ${LIVE_ALIAS} aliases of ${names.prefix}'s API functions`,
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    const functionArns = [...this.functions.values()].flatMap((fn) => [
      fn.function.functionArn,
      `${fn.function.functionArn}:${LIVE_ALIAS}`,
    ]);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ShiftAliases',
        actions: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
        resources: functionArns,
      }),
    );
    const alarms = [...this.functionErrorAlarms.values(), this.api5xxRate];
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadDeploymentAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: alarms.map((a) => a.alarmArn),
      }),
    );
    const deploymentConfig =
      config.deployment === 'canary'
        ? LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES
        : LambdaDeploymentConfig.ALL_AT_ONCE;
    const groups = new Map<FunctionName, LambdaDeploymentGroup>();
    for (const [name, fn] of this.functions) {
      const errors = this.functionErrorAlarms.get(name);
      if (!fn.alias || !errors) throw new Error(`AppStack: ${name} has no alias or alarm`);
      groups.set(
        name,
        new LambdaDeploymentGroup(this, `Deploy-${name}`, {
          application,
          deploymentGroupName: names.functionName('http', name),
          alias: fn.alias,
          deploymentConfig,
          alarms: [errors, this.api5xxRate],
          autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
          // As it is: the construct would otherwise attach the account-wide managed policy.
          role: role.withoutPolicyUpdates(),
        }),
      );
    }
    return groups;
  }
}

/** `amazonaws.com` (`.cn` in China) literally when the region is known, so that the CSP stays a plain string. */
function s3UrlSuffix(stack: Stack): string {
  if (Token.isUnresolved(stack.region)) return stack.urlSuffix;
  return stack.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The identity provider's origins the web app contacts (the CSP's connect-src and form-action). */
function identityOrigins(config: StageConfig, names: Naming, region: string): string[] {
  if (config.auth.mode === 'oidc') return oidcOrigins(config.auth);
  return [`https://${cognitoDomainPrefix(config, names)}.auth.${region}.amazoncognito.com`];
}
