/**
 * The App stack's API half: routes and authorizer, functions behind `live` aliases with CodeDeploy canaries, the
 * stage's throttles, the origin secret, the Powertools settings, and the least-privilege roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '../../infra/constructs/table-access.ts';
import { LIVE_ALIAS, METRICS_NAMESPACE } from '../../infra/naming.ts';
import {
  API_5XX_MIN_REQUESTS,
  API_5XX_RATE_PERCENT,
  API_P99_LATENCY_MS,
  API_STARTED_JOBS,
  ORIGIN_VERIFY_SECRET_ENV,
  ROUTE_THROTTLES,
} from '../../infra/stacks/app-stack.ts';
import { BACKGROUND_JOB_ENV } from '../../shared/config.ts';
import { FUNCTIONS, type FunctionName, functionAccess, routeKey, routes } from '../../shared/http/routes.ts';
import {
  actionsOf,
  authorizerNamed,
  type CfnResource,
  functionEnv,
  functionLogicalId,
  OIDC_AUTH,
  only,
  PROD_STAGES,
  props,
  resources,
  resourcesOf,
  roleStatements,
  type SynthesisedApp,
  statementsOfRole,
  synth,
  synthProdExample,
} from './support.ts';

const functionNames = Object.keys(FUNCTIONS) as FunctionName[];

describe('app stack: routes', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth();
  });
  afterAll(() => app.cleanup());

  const routeResources = () =>
    resources(app.templates.app, 'AWS::ApiGatewayV2::Route').map(([, r]) => props(r));

  it('has exactly one route per row of the route table, and no other', () => {
    const keys = routeResources().map((r) => r.RouteKey);
    expect(keys).toHaveLength(routes.length);
    expect([...keys].sort()).toEqual(routes.map(routeKey).sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("puts every route behind a JWT authorizer: the people's, or the machine clients' with the route's scope", () => {
    expect(resources(app.templates.app, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(2);
    const [people] = authorizerNamed(app.templates.app, 'jwt');
    const [machines] = authorizerNamed(app.templates.app, 'machines');
    for (const route of routeResources()) {
      const def = routes.find((r) => routeKey(r) === route.RouteKey);
      expect(route.AuthorizationType, String(route.RouteKey)).toBe('JWT');
      if (def?.authorizer === 'machines') {
        expect(route.AuthorizerId, String(route.RouteKey)).toEqual({ Ref: machines });
        expect(route.AuthorizationScopes).toEqual(['danh-gia-dev/tasks:write']);
      } else {
        expect(route.AuthorizerId, String(route.RouteKey)).toEqual({ Ref: people });
        expect(route.AuthorizationScopes, String(route.RouteKey)).toBeUndefined();
      }
    }
    expect(routes.filter((r) => r.authorizer === 'machines').map(routeKey)).toEqual([
      'POST /v1/feeds/{source}/products',
    ]);
  });

  it('has no /local route and no catch-all $default route (default deny)', () => {
    for (const route of routeResources()) {
      expect(String(route.RouteKey)).not.toMatch(/\/local(\/|$)/);
      expect(route.RouteKey).not.toBe('$default');
      expect(String(route.RouteKey)).not.toMatch(/^ANY /);
    }
  });

  it('sends each route to the live alias of the function the table names', () => {
    const integrations = new Map(resources(app.templates.app, 'AWS::ApiGatewayV2::Integration'));
    const aliases = new Map(
      resources(app.templates.app, 'AWS::Lambda::Alias').map(([id, a]) => [id, props(a)] as const),
    );
    const fnByLogicalId = new Map(
      resources(app.templates.app, 'AWS::Lambda::Function').map(([id, f]) => [id, props(f).FunctionName]),
    );
    for (const route of routeResources()) {
      const target = JSON.stringify(route.Target);
      const integrationId = [...integrations.keys()].find((id) => target.includes(`"${id}"`));
      expect(integrationId, String(route.RouteKey)).toBeDefined();
      const uri = props(integrations.get(integrationId ?? '') ?? { Type: '' }).IntegrationUri as {
        Ref: string;
      };
      const alias = aliases.get(uri.Ref);
      expect(alias, `${String(route.RouteKey)} integrates ${JSON.stringify(uri)}`).toBeDefined();
      if (!alias) throw new Error(`${String(route.RouteKey)}: no alias`);
      expect(alias.Name).toBe(LIVE_ALIAS);
      const fnId = (alias.FunctionName as { Ref: string }).Ref;
      const def = routes.find((r) => routeKey(r) === route.RouteKey);
      expect(fnByLogicalId.get(fnId), String(route.RouteKey)).toBe(
        app.names.functionName('http', def?.function ?? ''),
      );
    }
  });

  it('lets API Gateway invoke the aliases only, from this API', () => {
    const permissions = resources(app.templates.app, 'AWS::Lambda::Permission').map(([, p]) => props(p));
    const apiInvokes = permissions.filter((p) => p.Principal === 'apigateway.amazonaws.com');
    expect(apiInvokes.length).toBeGreaterThanOrEqual(functionNames.length);
    const aliasIds = resources(app.templates.app, 'AWS::Lambda::Alias').map(([id]) => id);
    for (const p of apiInvokes) {
      expect(aliasIds).toContain((p.FunctionName as { Ref: string }).Ref);
      expect(JSON.stringify(p.SourceArn)).toContain('HttpApi');
    }
  });

  it('throttles the stage, and tighter the routes that start city-wide work or build files', () => {
    const [stageId, stage] = only(app.templates.app, 'AWS::ApiGatewayV2::Stage');
    expect(props(stage)).toMatchObject({
      StageName: '$default',
      DefaultRouteSettings: {
        ThrottlingRateLimit: app.config.throttle.rateLimit,
        ThrottlingBurstLimit: app.config.throttle.burstLimit,
      },
    });
    const settings = props(stage).RouteSettings as Record<string, Record<string, number>>;
    expect(Object.keys(settings).sort()).toEqual(Object.keys(ROUTE_THROTTLES).sort());
    for (const key of [
      'POST /v1/periods/{period}/open',
      'POST /v1/periods/{period}/close',
      'POST /v1/periods/{period}/rankings',
      'POST /v1/org/import',
      'POST /v1/approvals/bulk',
      'GET /v1/exports/units/{unitId}/rankings/{period}',
      'GET /v1/exports/annual/{year}',
    ]) {
      expect(routes.map(routeKey), key).toContain(key);
      expect(settings[key]?.ThrottlingRateLimit, key).toBeLessThan(app.config.throttle.rateLimit);
      expect(settings[key]?.ThrottlingBurstLimit, key).toBeLessThan(app.config.throttle.burstLimit);
    }
    // CloudFormation refuses route settings for a route that does not exist yet.
    const depends = (app.templates.app.toJSON().Resources[stageId] as CfnResource).DependsOn ?? [];
    const routeIds = new Map(
      resources(app.templates.app, 'AWS::ApiGatewayV2::Route').map(([id, r]) => [
        String(props(r).RouteKey),
        id,
      ]),
    );
    for (const key of Object.keys(ROUTE_THROTTLES)) expect(depends, key).toContain(routeIds.get(key));
  });

  it('writes JSON access logs', () => {
    const [, stage] = only(app.templates.app, 'AWS::ApiGatewayV2::Stage');
    const logs = props(stage).AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(JSON.stringify(logs.DestinationArn)).toMatch(/^\{"Fn::GetAtt":\["AccessLogs[0-9A-F]+","Arn"\]\}$/);
    expect(JSON.parse(logs.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
  });

  it('has no CORS configuration: the browser calls the API on the app’s own origin', () => {
    const [, api] = only(app.templates.app, 'AWS::ApiGatewayV2::Api');
    expect(props(api).CorsConfiguration).toBeUndefined();
  });
});

describe('app stack: functions', () => {
  let app: SynthesisedApp;
  let prod: SynthesisedApp;
  beforeAll(() => {
    app = synth();
    prod = synthProdExample();
  });
  afterAll(() => {
    app.cleanup();
    prod.cleanup();
  });

  it('has one function per group of the route table, each Node.js 22 on ARM64 with source maps', () => {
    const fns = resources(app.templates.app, 'AWS::Lambda::Function')
      .map(([, f]) => props(f))
      .filter((f) => String(f.FunctionName).includes('-http-'));
    expect(fns.map((f) => f.FunctionName).sort()).toEqual(
      functionNames.map((n) => app.names.functionName('http', n)).sort(),
    );
    for (const fn of fns) {
      expect(fn.Runtime).toBe('nodejs22.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.Handler).toBe('index.handler');
      expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
    }
  });

  it('configures Powertools: the function as service, the DanhGia namespace, the log level, tracing as the stage says', () => {
    for (const built of [app, prod]) {
      for (const name of functionNames) {
        const fnName = built.names.functionName('http', name);
        expect(functionEnv(built.templates.app, fnName)).toMatchObject({
          TABLE_NAME: expect.anything(),
          POWERTOOLS_SERVICE_NAME: built.names.serviceName('http', name),
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          POWERTOOLS_LOG_LEVEL: built.config.logLevel,
          POWERTOOLS_TRACE_ENABLED: String(built.config.tracing),
          NODE_OPTIONS: '--enable-source-maps',
        });
      }
    }
    expect(METRICS_NAMESPACE).toBe('DanhGia');
  });

  it('pays for X-Ray only where a stage asks for it: off by default (no empty traces), active when asked', () => {
    const tracing = (built: SynthesisedApp) =>
      resources(built.templates.app, 'AWS::Lambda::Function')
        .filter(([, f]) => String(props(f).FunctionName).includes('-http-'))
        .map(([, f]) => props(f).TracingConfig);
    expect(tracing(app).every((t) => t === undefined)).toBe(true);
    expect(tracing(prod).every((t) => t === undefined)).toBe(true);
    const traced = synth({ stages: { dev: { tracing: true } } });
    expect(tracing(traced).every((t) => JSON.stringify(t) === '{"Mode":"Active"}')).toBe(true);
    const xray = resources(prod.templates.app, 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(props(p)).includes('xray:'),
    );
    expect(xray).toEqual([]);
  });

  it('gives every API function the origin secret as a CloudFormation dynamic reference, never the value', () => {
    const [secretId] = only(app.templates.app, 'AWS::SecretsManager::Secret');
    for (const name of functionNames) {
      const value = JSON.stringify(
        functionEnv(app.templates.app, app.names.functionName('http', name))[ORIGIN_VERIFY_SECRET_ENV],
      );
      expect(value, name).toContain('{{resolve:secretsmanager:');
      expect(value, name).toContain(secretId);
      expect(value, name).toContain(':SecretString:::');
    }
  });

  it('deploys a rotated origin secret by its version id', () => {
    const versionId = '4f5b3c2a-1234-4cde-9abc-0123456789ab';
    const rotated = synth({ stages: { dev: { originSecretVersion: versionId } } });
    try {
      const value = JSON.stringify(
        functionEnv(rotated.templates.app, rotated.names.functionName('http', 'org'))[
          ORIGIN_VERIFY_SECRET_ENV
        ],
      );
      expect(value).toContain(`:SecretString:::${versionId}}}`);
    } finally {
      rotated.cleanup();
    }
  });

  it('tells the handlers which claims carry the employee id and the groups: Cognito’s, or the provider’s', () => {
    for (const name of functionNames) {
      expect(functionEnv(app.templates.app, app.names.functionName('http', name))).toMatchObject({
        AUTH_EMPLOYEE_ID_CLAIM: 'custom:employeeId',
        AUTH_GROUPS_CLAIM: 'cognito:groups',
      });
      expect(functionEnv(prod.templates.app, prod.names.functionName('http', name))).toMatchObject({
        AUTH_EMPLOYEE_ID_CLAIM: PROD_STAGES.prod.auth.claims.employeeId,
        AUTH_GROUPS_CLAIM: PROD_STAGES.prod.auth.claims.groups,
      });
    }
  });

  it("trusts the city's provider in OIDC mode: its issuer, its client as audience", () => {
    const [, authorizer] = authorizerNamed(prod.templates.app, 'jwt');
    expect(props(authorizer)).toMatchObject({
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: PROD_STAGES.prod.auth.issuer, Audience: [PROD_STAGES.prod.auth.clientId] },
    });
    const custom = synth({ stages: { dev: { auth: { ...OIDC_AUTH, audience: ['api://danh-gia'] } } } });
    try {
      custom.templates.app.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        JwtConfiguration: { Issuer: OIDC_AUTH.issuer, Audience: ['api://danh-gia'] },
      });
    } finally {
      custom.cleanup();
    }
  });

  it('gives each function its own log group with the stage retention', () => {
    for (const [, lg] of resources(app.templates.app, 'AWS::Logs::LogGroup')) {
      expect(props(lg).RetentionInDays).toBe(app.config.logRetentionDays);
    }
    for (const name of functionNames) {
      const fnId = functionLogicalId(app.templates.app, app.names.functionName('http', name));
      const fn = app.templates.app.toJSON().Resources[fnId] as CfnResource;
      const logGroupId = (props(fn).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(app.templates.app.toJSON().Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
    }
  });

  describe.each(functionNames)('the %s function', (name) => {
    const access = functionAccess(name);
    const statements = () => roleStatements(app.templates.app, app.names.functionName('http', name));
    const dynamoActions = () =>
      statements().flatMap((s) => actionsOf(s).filter((a) => a.startsWith('dynamodb:')));

    it('uses no wildcard action and no wildcard resource outside X-Ray', () => {
      for (const s of statements()) {
        for (const action of actionsOf(s)) expect(action).not.toMatch(/\*/);
        if (resourcesOf(s).includes('*')) {
          expect(actionsOf(s).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
      }
    });

    it(`has ${access} access to the table, nothing more`, () => {
      const actions = new Set(dynamoActions());
      if (access === 'none') {
        expect([...actions]).toEqual([]);
        return;
      }
      for (const a of TABLE_READ_ACTIONS) expect(actions).toContain(a);
      for (const a of TABLE_WRITE_ACTIONS) {
        if (access === 'write') expect(actions).toContain(a);
        else expect(actions).not.toContain(a);
      }
      for (const a of actions) expect([...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]).toContain(a);
      expect(actions).not.toContain('dynamodb:Scan');
    });

    it('names the table and its indexes as resources, never *', () => {
      for (const s of statements().filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')))) {
        for (const r of resourcesOf(s)) {
          expect(r).not.toBe('*');
          expect(JSON.stringify(r)).toMatch(/Table/);
        }
      }
    });
  });

  it('only the periods function may start a job: open-period, close-period, compute-rankings and reopen-period', () => {
    const started = ['open-period', 'close-period', 'compute-rankings', 'reopen-period'];
    expect(Object.keys(API_STARTED_JOBS).sort()).toEqual([...started].sort());
    // The names the configuration (shared/config.ts) reads.
    expect(API_STARTED_JOBS).toMatchObject(BACKGROUND_JOB_ENV);
    expect(API_STARTED_JOBS['compute-rankings']).toBe('COMPUTE_RANKINGS_FUNCTION');
    for (const name of functionNames) {
      const statements = roleStatements(app.templates.app, app.names.functionName('http', name));
      const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
      if (name !== 'periods') {
        expect(invoke, name).toEqual([]);
        continue;
      }
      const [statement] = invoke;
      if (!statement) throw new Error('the periods function may not invoke anything');
      expect(invoke).toHaveLength(1);
      const targets = JSON.stringify(resourcesOf(statement));
      for (const job of started)
        expect(targets).toContain(`:function:${app.names.functionName('job', job)}"`);
      expect(resourcesOf(statement)).toHaveLength(started.length);
      expect(functionEnv(app.templates.app, app.names.functionName('http', 'periods'))).toMatchObject({
        OPEN_PERIOD_FUNCTION: app.names.functionName('job', 'open-period'),
        CLOSE_PERIOD_FUNCTION: app.names.functionName('job', 'close-period'),
        COMPUTE_RANKINGS_FUNCTION: app.names.functionName('job', 'compute-rankings'),
        REOPEN_PERIOD_FUNCTION: app.names.functionName('job', 'reopen-period'),
      });
    }
  });

  it('the docs function has no table access at all', () => {
    const statements = roleStatements(app.templates.app, app.names.functionName('http', 'docs'));
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });
});

describe('app stack: safe deploys', () => {
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

  const groupOf = (built: SynthesisedApp, name: FunctionName) => {
    const found = resources(built.templates.app, 'AWS::CodeDeploy::DeploymentGroup').find(
      ([, g]) => props(g).DeploymentGroupName === built.names.functionName('http', name),
    );
    if (!found) throw new Error(`no deployment group for ${name}`);
    return found;
  };
  const alarmName = (built: SynthesisedApp, id: string) => built.names.alarmName(id);
  const alarmIdByName = (built: SynthesisedApp, name: string) => {
    const found = resources(built.templates.app, 'AWS::CloudWatch::Alarm').find(
      ([, a]) => props(a).AlarmName === name,
    );
    if (!found) throw new Error(`no alarm ${name}`);
    return found[0];
  };

  it('runs every API function behind a live alias whose updates CodeDeploy performs', () => {
    for (const name of functionNames) {
      const [groupId] = groupOf(prod, name);
      const aliases = resources(prod.templates.app, 'AWS::Lambda::Alias').filter(
        ([, a]) =>
          JSON.stringify(props(a).FunctionName) ===
          JSON.stringify({
            Ref: functionLogicalId(prod.templates.app, prod.names.functionName('http', name)),
          }),
      );
      expect(aliases, name).toHaveLength(1);
      const [[, alias] = ['', { Type: '' }]] = aliases;
      expect(props(alias).Name).toBe(LIVE_ALIAS);
      expect(JSON.stringify(props(alias).FunctionVersion)).toMatch(/CurrentVersion/);
      expect(alias.UpdatePolicy).toMatchObject({
        CodeDeployLambdaAliasUpdate: { DeploymentGroupName: { Ref: groupId } },
      });
    }
  });

  it('shifts 10 % for 5 minutes in prod (all at once in dev), rolling back on the function’s errors and the API’s 5xx rate', () => {
    for (const [built, config] of [
      [prod, 'CodeDeployDefault.LambdaCanary10Percent5Minutes'],
      [dev, 'CodeDeployDefault.LambdaAllAtOnce'],
    ] as const) {
      for (const name of functionNames) {
        const [, group] = groupOf(built, name);
        expect(props(group)).toMatchObject({
          DeploymentConfigName: config,
          DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
          AutoRollbackConfiguration: {
            Enabled: true,
            Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
          },
        });
        const alarms = (props(group).AlarmConfiguration as { Enabled: boolean; Alarms: { Name: unknown }[] })
          .Alarms;
        expect(alarms.map((a) => a.Name)).toEqual([
          { Ref: alarmIdByName(built, alarmName(built, `http-${name}-errors`)) },
          { Ref: alarmIdByName(built, alarmName(built, 'api-5xx-rate')) },
        ]);
      }
    }
  });

  it('watches each alias for errors by the minute', () => {
    for (const name of functionNames) {
      const id = alarmIdByName(prod, alarmName(prod, `http-${name}-errors`));
      const alarm = props(prod.templates.app.toJSON().Resources[id] as CfnResource);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      const dims = alarm.Dimensions as { Name: string; Value: unknown }[];
      expect(dims.find((d) => d.Name === 'Resource')?.Value).toEqual({
        'Fn::Join': [
          '',
          [
            { Ref: functionLogicalId(prod.templates.app, prod.names.functionName('http', name)) },
            `:${LIVE_ALIAS}`,
          ],
        ],
      });
    }
  });

  it('lets CodeDeploy shift these aliases and read these alarms only (no AWS managed policy)', () => {
    const roles = resources(prod.templates.app, 'AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(props(r).AssumeRolePolicyDocument).includes('codedeploy.amazonaws.com'),
    );
    expect(roles).toHaveLength(1);
    const [[roleId, role] = ['', { Type: '' }]] = roles;
    expect(props(role).ManagedPolicyArns).toBeUndefined();
    for (const [, g] of resources(prod.templates.app, 'AWS::CodeDeploy::DeploymentGroup')) {
      expect(props(g).ServiceRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    }
    const statements = statementsOfRole(prod.templates.app, roleId);
    expect(statements.flatMap(actionsOf).sort()).toEqual([
      'cloudwatch:DescribeAlarms',
      'lambda:GetAlias',
      'lambda:GetProvisionedConcurrencyConfig',
      'lambda:UpdateAlias',
    ]);
    for (const s of statements)
      for (const r of resourcesOf(s)) expect(JSON.stringify(r)).not.toMatch(/"\*"|:\*"/);
  });

  it(`alarms on a 5xx rate of ${API_5XX_RATE_PERCENT} % (from ${API_5XX_MIN_REQUESTS} requests a minute) and on p99 latency above ${API_P99_LATENCY_MS} ms`, () => {
    const rateId = alarmIdByName(prod, alarmName(prod, 'api-5xx-rate'));
    const rate = props(prod.templates.app.toJSON().Resources[rateId] as CfnResource);
    expect(rate).toMatchObject({
      Threshold: API_5XX_RATE_PERCENT,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    const metrics = rate.Metrics as {
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string } };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      `IF(requests >= ${API_5XX_MIN_REQUESTS}, 100 * errors / requests, 0)`,
    );
    expect(metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])).sort()).toEqual([
      '5xx',
      'Count',
    ]);
    const latencyId = alarmIdByName(prod, alarmName(prod, 'api-p99-latency'));
    expect(props(prod.templates.app.toJSON().Resources[latencyId] as CfnResource)).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: API_P99_LATENCY_MS,
      EvaluateLowSampleCountPercentile: 'ignore',
    });
  });

  it('notifies the Data stack’s alarm topic from every App alarm, through a weak reference', () => {
    for (const [, a] of resources(prod.templates.app, 'AWS::CloudWatch::Alarm')) {
      const actions = JSON.stringify(props(a).AlarmActions);
      expect(actions).toContain('Fn::GetStackOutput');
      expect(actions).toContain('DanhGia-prod-Data');
      expect(actions).toMatch(/AlarmTopic/);
    }
  });
});
