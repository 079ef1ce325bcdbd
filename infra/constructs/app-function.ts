/**
 * The one construct for every Lambda function, HTTP or job: Node.js 22 on ARM64, an ES module bundle built by
 * esbuild in-process (no Docker), minified with a linked source map, its own log group with the stage's retention,
 * JSON logs at the stage's level, Powertools settings (Logger, Metrics in the `DanhGia` namespace, Tracer), X-Ray
 * tracing when the stage asks for it, and a role that holds exactly what the caller grants: its log group, the
 * table at the level the route/schedule table says, nothing managed by AWS. An HTTP function also gets the `live`
 * alias that API Gateway invokes and CodeDeploy moves (see the App stack).
 */
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IDestination } from 'aws-cdk-lib/aws-lambda';
import {
  Alias,
  ApplicationLogLevel,
  Architecture,
  CfnFunction,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TableAccess } from '../../shared/http/routes.ts';
import { TABLE_NAME_ENV } from '../../shared/store/table-definition.ts';
import { BUNDLE_HANDLER, bundleEntry, REPO_ROOT } from '../bundling.ts';
import type { StageConfig } from '../config.ts';
import { LIVE_ALIAS, METRICS_NAMESPACE } from '../naming.ts';
import { grantTableAccess } from './table-access.ts';

/** The Powertools settings every function reads (Logger, Metrics, Tracer). */
export const POWERTOOLS_ENV = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  traceEnabled: 'POWERTOOLS_TRACE_ENABLED',
} as const;

export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;
export const FUNCTION_ARCHITECTURE = Architecture.ARM_64;

/**
 * The function's code: the entry bundled by esbuild's API in this process, with exactly the options of
 * `esbuildOptions` (infra/bundling.ts), which the benchmark uses too. Not NodejsFunction's bundling: that runs
 * `npx esbuild` once per function, which made `npm run synth` spend most of its time starting npx, and it passes the
 * options through a command line that can drift from the benchmark's (it silently drops `charset`, for one).
 * CDK calls the local bundler only for the stacks being synthesised for deployment (never in the assertion tests),
 * so an entry file that does not exist yet only fails the synth that needs it, with esbuild's message.
 */
function bundledCode(entry: string): Code {
  return Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: the local bundler below always succeeds or throws. Named for what it would be.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      // Part of CDK's asset cache key: without it every function would share the first one's bundle.
      command: ['esbuild', entry],
      local: {
        tryBundle(outputDir: string): boolean {
          bundleEntry(entry, outputDir);
          return true;
        },
      },
    },
  });
}

export interface AppFunctionProps {
  /** Entry file relative to the repository root, from the route/schedule table. */
  readonly entry: string;
  readonly functionName: string;
  /** Powertools service name: the `service` dimension of every metric the function emits. */
  readonly serviceName: string;
  readonly description: string;
  readonly config: StageConfig;
  readonly table: ITable;
  readonly access: TableAccess;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  /** Asynchronous invocations (the scheduler's): where an event goes once Lambda's retries are spent. */
  readonly onFailure?: IDestination;
  /** Publish a version per change behind the `live` alias (the API's functions: canary deployments). */
  readonly liveAlias?: boolean;
}

/** The rules a stage configures (cycles, who evaluates top-level heads, the income table), as the functions read them. */
export function ruleEnvironment(config: StageConfig): Record<string, string> {
  const env: Record<string, string> = {};
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  if (config.cycle !== undefined) env.EVALUATION_CYCLE = text(config.cycle);
  if (config.cycleByCategory !== undefined) env.CYCLE_BY_CATEGORY = JSON.stringify(config.cycleByCategory);
  if (config.topHeadApprover !== undefined) env.TOP_HEAD_APPROVER = text(config.topHeadApprover);
  if (config.incomeTable !== undefined) env.INCOME_TABLE = JSON.stringify(config.incomeTable);
  return env;
}

export class AppFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** The `live` alias, when asked for: what callers invoke. */
  readonly alias?: Alias;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { config } = props;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    this.logGroup.grantWrite(this.role);
    grantTableAccess(this.role, props.table, props.access);

    this.function = new LambdaFunction(this, 'Function', {
      code: bundledCode(props.entry),
      handler: BUNDLE_HANDLER,
      functionName: props.functionName,
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      environment: {
        [TABLE_NAME_ENV]: props.table.tableName,
        STAGE: config.stage,
        [POWERTOOLS_ENV.serviceName]: props.serviceName,
        [POWERTOOLS_ENV.metricsNamespace]: METRICS_NAMESPACE,
        [POWERTOOLS_ENV.logLevel]: config.logLevel,
        // Spans cost money only when X-Ray receives them; without active tracing there is nothing to send to.
        [POWERTOOLS_ENV.traceEnabled]: String(config.tracing),
        NODE_OPTIONS: '--enable-source-maps',
        ...(config.rubricByCategory ? { RUBRIC_BY_CATEGORY: JSON.stringify(config.rubricByCategory) } : {}),
        ...ruleEnvironment(config),
        ...props.environment,
      },
      ...(props.onFailure
        ? { onFailure: props.onFailure, retryAttempts: 2, maxEventAge: Duration.hours(1) }
        : {}),
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime this project targets on purpose (bundles are built with target node22 and ' +
        'tested on Node 20/22); nodejs24.x is a deliberate upgrade to make with the bundle target, not a default.',
    });
    if (config.tracing) this.enableTracing();
    if (props.liveAlias) {
      this.alias = new Alias(this, 'Live', { aliasName: LIVE_ALIAS, version: this.function.currentVersion });
    }
  }

  /**
   * X-Ray active tracing. Set on the L1 with its two permissions in a policy of their own, instead of the
   * `tracing` prop (which adds them to the role's default policy): the one `Resource: *` this role holds is
   * then isolated in a policy that can hold nothing else, and only that policy carries the acknowledgement.
   */
  private enableTracing(): void {
    const cfn = this.function.node.defaultChild;
    if (!(cfn instanceof CfnFunction)) throw new Error('AppFunction: expected a CfnFunction');
    cfn.tracingConfig = { mode: 'Active' };
    const policy = new Policy(this, 'TracingPolicy', {
      roles: [this.role],
      statements: [
        new PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    this.function.node.addDependency(policy);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions ' +
        '(Service Authorization Reference, AWS X-Ray); this policy holds only these two actions.',
    });
  }
}
