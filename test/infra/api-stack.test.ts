import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '../../infra/constructs/table-access.ts';
import { FUNCTIONS, type FunctionName, functionAccess, routeKey, routes } from '../../shared/http/routes.ts';
import {
  actionsOf,
  PROD_STAGES,
  props,
  resources,
  resourcesOf,
  roleStatements,
  type SynthesisedApp,
  synth,
} from './support.ts';

const functionNames = Object.keys(FUNCTIONS) as FunctionName[];

describe('api stack: routes', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth();
  });
  afterAll(() => app.cleanup());

  const routeResources = () =>
    resources(app.templates.api, 'AWS::ApiGatewayV2::Route').map(([, r]) => props(r));

  it('has exactly one route per row of the route table, and no other', () => {
    const keys = routeResources().map((r) => r.RouteKey);
    expect(keys).toHaveLength(routes.length);
    expect([...keys].sort()).toEqual(routes.map(routeKey).sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts every route behind the JWT authorizer', () => {
    const authorizers = resources(app.templates.api, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [[authorizerId] = ['']] = authorizers;
    for (const route of routeResources()) {
      expect(route.AuthorizationType, String(route.RouteKey)).toBe('JWT');
      expect(route.AuthorizerId, String(route.RouteKey)).toEqual({ Ref: authorizerId });
    }
  });

  it('has no /local route and no catch-all $default route (default deny)', () => {
    for (const route of routeResources()) {
      expect(String(route.RouteKey)).not.toMatch(/\/local(\/|$)/);
      expect(route.RouteKey).not.toBe('$default');
      expect(String(route.RouteKey)).not.toMatch(/^ANY /);
    }
  });

  it('sends each route to the function the table names', () => {
    const integrations = new Map(resources(app.templates.api, 'AWS::ApiGatewayV2::Integration'));
    const fnByLogicalId = new Map(
      resources(app.templates.api, 'AWS::Lambda::Function').map(([id, f]) => [id, props(f).FunctionName]),
    );
    for (const route of routeResources()) {
      const target = JSON.stringify(route.Target);
      const integrationId = [...integrations.keys()].find((id) => target.includes(`"${id}"`));
      expect(integrationId, String(route.RouteKey)).toBeDefined();
      const integration = integrations.get(integrationId ?? '');
      const uri = JSON.stringify(props(integration ?? { Type: '' }).IntegrationUri);
      const fnId = [...fnByLogicalId.keys()].find((id) => uri.includes(`"${id}"`));
      const def = routes.find((r) => routeKey(r) === route.RouteKey);
      expect(fnByLogicalId.get(fnId ?? ''), String(route.RouteKey)).toBe(
        app.names.functionName('http', def?.function ?? ''),
      );
    }
  });

  it('throttles the stage, writes JSON access logs and allows only the configured origins', () => {
    app.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: {
        ThrottlingRateLimit: app.config.throttle.rateLimit,
        ThrottlingBurstLimit: app.config.throttle.burstLimit,
      },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
        Format: Match.anyValue(),
      },
    });
    const [[, stage] = ['', { Type: '' }]] = resources(app.templates.api, 'AWS::ApiGatewayV2::Stage');
    const format = JSON.parse(String((props(stage).AccessLogSettings as { Format: string }).Format));
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    app.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: app.config.cors.allowOrigins, AllowCredentials: false },
    });
  });

  it('lets the browser read the version, a download’s file name and replays', () => {
    const [[, api] = ['', { Type: '', Properties: {} }]] = resources(
      app.templates.api,
      'AWS::ApiGatewayV2::Api',
    );
    const cors = props(api).CorsConfiguration as { ExposeHeaders: string[] };
    expect(cors.ExposeHeaders).toEqual(
      expect.arrayContaining(['etag', 'content-disposition', 'idempotent-replayed']),
    );
  });

  it('allows only the configured origins in prod', () => {
    const prod = synth({ stage: 'prod', stages: PROD_STAGES });
    try {
      prod.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: { AllowOrigins: PROD_STAGES.prod.cors.allowOrigins },
      });
    } finally {
      prod.cleanup();
    }
  });
});

describe('api stack: functions', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth();
  });
  afterAll(() => app.cleanup());

  it('has one function per group of the route table, each Node.js 22 on ARM64 with source maps', () => {
    const fns = resources(app.templates.api, 'AWS::Lambda::Function').map(([, f]) => props(f));
    expect(fns.map((f) => f.FunctionName).sort()).toEqual(
      functionNames.map((n) => app.names.functionName('http', n)).sort(),
    );
    for (const fn of fns) {
      expect(fn.Runtime).toBe('nodejs22.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.Handler).toBe('index.handler');
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        TABLE_NAME: expect.anything(),
        POWERTOOLS_SERVICE_NAME: expect.any(String),
        POWERTOOLS_LOG_LEVEL: app.config.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        AUTH_EMPLOYEE_ID_CLAIM: 'custom:employeeId',
        AUTH_GROUPS_CLAIM: 'cognito:groups',
      });
    }
  });

  it('gives each function its own log group with the stage retention', () => {
    const logGroups = resources(app.templates.api, 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(functionNames.length + 1); // + access logs
    for (const [, lg] of logGroups) expect(props(lg).RetentionInDays).toBe(app.config.logRetentionDays);
  });

  describe.each(functionNames)('the %s function', (name) => {
    const access = functionAccess(name);
    const statements = () => roleStatements(app.templates.api, app.names.functionName('http', name));
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

  it('only the periods function may start a job, and only open-period, close-period and compute-rankings', () => {
    for (const name of functionNames) {
      const statements = roleStatements(app.templates.api, app.names.functionName('http', name));
      const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
      if (name !== 'periods') {
        expect(invoke, name).toEqual([]);
        continue;
      }
      const [statement] = invoke;
      if (!statement) throw new Error('the periods function may not invoke anything');
      expect(invoke).toHaveLength(1);
      const targets = JSON.stringify(resourcesOf(statement));
      for (const job of ['open-period', 'close-period', 'compute-rankings'])
        expect(targets).toContain(`:function:${app.names.functionName('job', job)}`);
      expect(resourcesOf(statement)).toHaveLength(3);
      const fn = resources(app.templates.api, 'AWS::Lambda::Function')
        .map(([, f]) => props(f))
        .find((f) => f.FunctionName === app.names.functionName('http', 'periods'));
      if (!fn) throw new Error('no periods function');
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        OPEN_PERIOD_FUNCTION: app.names.functionName('job', 'open-period'),
        CLOSE_PERIOD_FUNCTION: app.names.functionName('job', 'close-period'),
        COMPUTE_RANKINGS_FUNCTION: app.names.functionName('job', 'compute-rankings'),
      });
    }
  });

  it('the docs function has no table access at all', () => {
    const statements = roleStatements(app.templates.api, app.names.functionName('http', 'docs'));
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });
});
