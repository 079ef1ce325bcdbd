/**
 * The HTTP API, stateless: one Lambda function per group of the route table, one route per table row, every
 * route behind the JWT authorizer (Cognito's or the configured OIDC provider's). No `$default` route, so a
 * path that is not in the table is a 404 from API Gateway and never reaches a function.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
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
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BACKGROUND_JOB_ENV } from '../../shared/config.ts';
import { FUNCTIONS, type FunctionName, functionAccess, routeKey, routes } from '../../shared/http/routes.ts';
import type { StageConfig } from '../config.ts';
import { AppFunction } from '../constructs/app-function.ts';
import type { Naming } from '../naming.ts';

/** What the JWT authorizer trusts and which claims the handlers read. */
export interface ApiAuth {
  readonly issuer: string;
  readonly audience: string[];
  readonly employeeIdClaim: string;
  readonly groupsClaim: string;
}

/** Environment variables that tell the handlers which claims carry the employee id and the groups. */
export const AUTH_EMPLOYEE_ID_CLAIM_ENV = 'AUTH_EMPLOYEE_ID_CLAIM';
export const AUTH_GROUPS_CLAIM_ENV = 'AUTH_GROUPS_CLAIM';

/** Headers a browser client may send (CORS). */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'accept', 'if-match', 'idempotency-key'];
/** Headers a browser client may read: the version (ETag), a download's file name, whether an answer was a replay. */
export const CORS_EXPOSE_HEADERS = ['etag', 'content-disposition', 'idempotent-replayed'];

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
  readonly table: ITable;
  readonly auth: ApiAuth;
}

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: ReadonlyMap<FunctionName, AppFunction>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, names, auth } = props;

    const functions = new Map<FunctionName, AppFunction>();
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const def = FUNCTIONS[name];
      functions.set(
        name,
        new AppFunction(this, `Fn-${name}`, {
          entry: def.entry,
          functionName: names.functionName('http', name),
          serviceName: `${config.appName}-${name}`,
          description: def.description,
          config,
          table: props.table,
          access: functionAccess(name),
          // API Gateway gives up after 30 s; a function never needs to outlive it.
          timeout: Duration.seconds(29),
          environment: {
            [AUTH_EMPLOYEE_ID_CLAIM_ENV]: auth.employeeIdClaim,
            [AUTH_GROUPS_CLAIM_ENV]: auth.groupsClaim,
          },
        }),
      );
    }
    this.functions = functions;

    // Opening or closing a period for a whole city outlasts an API request: the periods function hands the work
    // to the job's own function (shared/app/background-jobs.ts). Named, not referenced: no export between the
    // stateless stacks. Invoke on those two functions only.
    const periods = functions.get('periods');
    if (periods) {
      const jobArns: string[] = [];
      for (const [job, env] of Object.entries(BACKGROUND_JOB_ENV)) {
        const jobFunction = names.functionName('job', job);
        periods.function.addEnvironment(env, jobFunction);
        jobArns.push(
          Stack.of(this).formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: jobFunction,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        );
      }
      periods.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: jobArns }),
      );
    }

    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, {
      authorizerName: 'jwt',
      jwtAudience: auth.audience,
      identitySource: ['$request.header.Authorization'],
    });

    const methods = [...new Set(routes.map((r) => r.method))].sort();
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${names.prefix}-api`,
      description: 'Monthly evaluation API (v1)',
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
      corsPreflight: {
        allowOrigins: config.cors.allowOrigins,
        allowMethods: [...methods.map((m) => CorsHttpMethod[m]), CorsHttpMethod.OPTIONS],
        allowHeaders: CORS_ALLOW_HEADERS,
        exposeHeaders: CORS_EXPOSE_HEADERS,
        allowCredentials: false,
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
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
          }),
        ),
      },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const [name, fn] of functions) {
      integrations.set(
        name,
        new HttpLambdaIntegration(`Integration-${name}`, fn.function, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
      );
    }
    for (const route of routes) {
      const integration = integrations.get(route.function);
      if (!integration) throw new Error(`Route ${routeKey(route)}: no function "${route.function}"`);
      // The id is the route key, so adding a row to the table never renames (and replaces) another route.
      new HttpRoute(this, `Route ${routeKey(route).replaceAll('/', '|')}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
        authorizer,
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    new CfnOutput(this, 'JwtIssuer', { value: auth.issuer });
  }
}
