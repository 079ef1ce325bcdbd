/**
 * Builds the whole CDK app for one stage: the stateful DataStack, the stateless ApiStack and JobsStack, and the
 * MonitoringStack and the WebStack (S3 + CloudFront), with cdk-nag's AwsSolutions checks registered as a validation plugin. `infra/app.ts` runs it
 * under the CDK CLI; the tests call it with their own context and output directory.
 */
import {
  App,
  type AppProps,
  CrossStackReferences,
  type Environment,
  ReferenceStrength,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig, type StageConfig } from './config.ts';
import { type Naming, naming } from './naming.ts';
import { type ApiAuth, ApiStack } from './stacks/api-stack.ts';
import { DataStack, EMPLOYEE_ID_ATTRIBUTE } from './stacks/data-stack.ts';
import { JobsStack } from './stacks/jobs-stack.ts';
import { MonitoringStack } from './stacks/monitoring-stack.ts';
import { cognitoDomainUrl, WebStack } from './stacks/web-stack.ts';

export interface AppStacks {
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly jobs: JobsStack;
  readonly monitoring: MonitoringStack;
  readonly web: WebStack;
}

export interface BuiltApp {
  readonly app: App;
  readonly config: StageConfig;
  readonly names: Naming;
  readonly stacks: AppStacks;
}

/** The claims Cognito puts in its ID token. */
export const COGNITO_CLAIMS = {
  employeeId: `custom:${EMPLOYEE_ID_ATTRIBUTE}`,
  groups: 'cognito:groups',
} as const;

export function buildStacks(app: App, config: StageConfig): AppStacks {
  const names = naming(config);
  // Strong references (exports): the data stack cannot be deleted while the API or the jobs use its table or
  // pool. The only other reference is the API id the monitoring stack reads, which never changes.
  CrossStackReferences.of(app).consume(ReferenceStrength.STRONG);
  const env: Environment | undefined =
    config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const id = (name: string) => `${names.stackPrefix}-${name}`;

  const data = new DataStack(app, id('Data'), {
    env,
    config,
    names,
    description: 'Monthly evaluation: table and user pool (stateful, retained)',
    terminationProtection: config.stage === 'prod',
  });

  let auth: ApiAuth;
  if (config.auth.mode === 'cognito') {
    if (!data.users) throw new Error('cognito mode: the data stack created no user pool');
    auth = {
      issuer: data.users.issuer,
      audience: [data.users.client.userPoolClientId],
      employeeIdClaim: COGNITO_CLAIMS.employeeId,
      groupsClaim: COGNITO_CLAIMS.groups,
    };
  } else {
    auth = {
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      employeeIdClaim: config.auth.claims.employeeId,
      groupsClaim: config.auth.claims.groups,
    };
  }

  const api = new ApiStack(app, id('Api'), {
    env,
    config,
    names,
    table: data.table,
    auth,
    description: 'Monthly evaluation: HTTP API and its functions (stateless)',
  });
  const jobs = new JobsStack(app, id('Jobs'), {
    env,
    config,
    names,
    table: data.table,
    description: 'Monthly evaluation: scheduled jobs, fan-out queues (stateless)',
  });
  const monitoring = new MonitoringStack(app, id('Monitoring'), {
    env,
    config,
    names,
    api: api.api,
    table: data.table,
    description: 'Monthly evaluation: alarms and dashboard',
  });
  // Alarms watch resources by name; create them after what they watch.
  monitoring.addStackDependency(jobs);
  const web = new WebStack(app, id('Web'), {
    env,
    config,
    names,
    apiUrl: api.stage.url,
    auth:
      config.auth.mode === 'cognito'
        ? { mode: 'cognito', domain: cognitoDomainUrl(config, names), clientId: auth.audience[0] ?? '' }
        : { mode: 'oidc', issuer: config.auth.issuer, clientId: config.auth.audience[0] ?? '' },
    description: 'Monthly evaluation: web app (S3 + CloudFront)',
  });

  Tags.of(app).add('app', config.appName);
  Tags.of(app).add('stage', config.stage);
  return { data, api, jobs, monitoring, web };
}

/** A CDK app for the stage chosen by the context, checked by cdk-nag's AwsSolutions pack at synth. */
export function createApp(props: AppProps = {}): BuiltApp {
  const app = new App(props);
  const config = loadStageConfig((key) => app.node.tryGetContext(key));
  const stacks = buildStacks(app, config);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, names: naming(config), stacks };
}
