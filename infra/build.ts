/**
 * Builds the whole CDK app for one stage, with cdk-nag's AwsSolutions checks registered as a validation plugin.
 * `infra/app.ts` runs it under the CDK CLI; the tests call it with their own context and output directory.
 *
 * | stack        | region      | holds                                                                       |
 * | ------------ | ----------- | --------------------------------------------------------------------------- |
 * | `Data`       | the stage's | table, backups, alarm topic, Cognito user pool (stateful, retained)          |
 * | `Edge`       | us-east-1   | WAF web ACL and the custom domain's certificate (only when configured)       |
 * | `App`        | the stage's | HTTP API and its functions, web app, CloudFront in front of both             |
 * | `Jobs`       | the stage's | scheduled jobs, fan-out queues                                              |
 * | `Monitoring` | the stage's | alarms on jobs, table, queues and schedules; the dashboard                   |
 *
 * References between stacks are weak (Fn::GetStackOutput, across regions too): no CloudFormation export, so no
 * stack ever refuses an update because another one still imports a value it drops (switching auth modes).
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
import { EDGE_REGION, loadStageConfig, needsEdgeStack, type StageConfig } from './config.ts';
import { type Naming, naming } from './naming.ts';
import { AppStack } from './stacks/app-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { JobsStack } from './stacks/jobs-stack.ts';
import { MonitoringStack } from './stacks/monitoring-stack.ts';

export interface AppStacks {
  readonly data: DataStack;
  readonly edge?: EdgeStack;
  readonly app: AppStack;
  readonly jobs: JobsStack;
  readonly monitoring: MonitoringStack;
}

export interface BuiltApp {
  readonly app: App;
  readonly config: StageConfig;
  readonly names: Naming;
  readonly stacks: AppStacks;
}

export function buildStacks(app: App, config: StageConfig): AppStacks {
  const names = naming(config);
  // Weak references everywhere: a consumer reads the producer's output when it deploys, and the producer may drop
  // it (the user pool when leaving Cognito) without first updating every consumer. The order of deployment still
  // follows the references. The retained table and the prod Data stack's termination protection guard the data.
  CrossStackReferences.of(app).consume(ReferenceStrength.WEAK);
  const env: Environment | undefined =
    config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const id = (name: string) => `${names.stackPrefix}-${name}`;

  const data = new DataStack(app, id('Data'), {
    env,
    config,
    names,
    description: 'Monthly evaluation: table, backups, alarm topic, user pool (stateful, retained)',
    terminationProtection: config.stage === 'prod',
  });

  const edge = needsEdgeStack(config)
    ? new EdgeStack(app, id('Edge'), {
        env: { account: config.account, region: EDGE_REGION },
        config,
        names,
        description: 'Monthly evaluation: WAF web ACL and certificate for CloudFront (us-east-1)',
      })
    : undefined;

  // A custom domain's certificate: the configured one, or the one the Edge stack requests.
  const certificateArn = config.domain
    ? (config.domain.certificateArn ?? edge?.certificate?.certificateArn)
    : undefined;

  const appStack = new AppStack(app, id('App'), {
    env,
    config,
    names,
    table: data.table,
    alarmTopic: data.alarmTopic,
    ...(data.users ? { users: data.users } : {}),
    ...(edge?.webAcl ? { webAclArn: edge.webAcl.attrArn } : {}),
    ...(certificateArn ? { certificateArn } : {}),
    description: 'Monthly evaluation: HTTP API, its functions, the web app and CloudFront in front of both',
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
    api: appStack.api,
    table: data.table,
    alarmTopic: data.alarmTopic,
    distributionId: appStack.site.distribution.distributionId,
    ...(edge?.webAcl?.name ? { webAclName: edge.webAcl.name } : {}),
    appAlarms: [...appStack.functionErrorAlarms.values(), appStack.api5xxRate, appStack.apiLatency],
    description: 'Monthly evaluation: alarms and dashboard',
  });
  // Alarms watch the job functions and queues by name; create them after what they watch.
  monitoring.addStackDependency(jobs);

  Tags.of(app).add('app', config.appName);
  Tags.of(app).add('stage', config.stage);
  return { data, ...(edge ? { edge } : {}), app: appStack, jobs, monitoring };
}

/** A CDK app for the stage chosen by the context, checked by cdk-nag's AwsSolutions pack at synth. */
export function createApp(props: AppProps = {}): BuiltApp {
  const app = new App(props);
  const config = loadStageConfig((key) => app.node.tryGetContext(key));
  const stacks = buildStacks(app, config);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, names: naming(config), stacks };
}
