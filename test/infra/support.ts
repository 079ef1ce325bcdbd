/**
 * Synthesises the CDK app for the infra tests: its own temporary output directory per app, bundling skipped
 * unless asked for (the assertion tests need no esbuild run and no entry file), the stage config from context
 * exactly as the CLI would pass it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { type BuiltApp, createApp } from '../../infra/build.ts';
import { REPO_ROOT } from '../../infra/bundling.ts';

process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';

/** The committed example: prod federating a fictional city's OpenID Connect provider (the prod default mode). */
export const PROD_EXAMPLE_FILE = join(REPO_ROOT, 'infra', 'examples', 'prod-oidc.json');
export const PROD_EXAMPLE_JSON = readFileSync(PROD_EXAMPLE_FILE, 'utf8');
export const PROD_STAGES = JSON.parse(PROD_EXAMPLE_JSON) as {
  prod: Record<string, unknown> & {
    alarmEmail: string;
    region: string;
    domain: { names: string[] };
    auth: {
      issuer: string;
      clientId: string;
      claims: { employeeId: string; groups: string };
      connectOrigins: string[];
    };
    reminders: { sender: string };
  };
};

/** prod on Cognito instead (an option): SES for its mail, no custom domain. */
export const PROD_COGNITO_STAGES = {
  prod: {
    region: 'ap-southeast-1',
    alarmEmail: 'ops@danhgia.example.gov.vn',
    auth: { mode: 'cognito', emailFrom: 'danhgia@example.gov.vn' },
    reminders: { sender: 'danhgia@example.gov.vn' },
  },
};

export const OIDC_AUTH = {
  mode: 'oidc',
  issuer: 'https://sso.example.gov.vn/realms/city',
  clientId: 'danh-gia',
  claims: { employeeId: 'employee_id', groups: 'groups' },
};

export interface Templates {
  data: Template;
  app: Template;
  jobs: Template;
  monitoring: Template;
  edge?: Template;
}

export interface SynthesisedApp extends BuiltApp {
  readonly outdir: string;
  readonly templates: Templates;
  /** The cloud assembly's validation report (cdk-nag findings that were not acknowledged). */
  readonly validationReport: ValidationReport;
  cleanup(): void;
}

export interface ValidationReport {
  pluginReports: { pluginName: string; violations?: { ruleName: string; severity: string }[] }[];
}

export function synth(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean } = {},
): SynthesisedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'danh-gia-cdk-'));
  const built = createApp({
    outdir,
    context: {
      ...(options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  built.app.synth();
  const { stacks } = built;
  return {
    ...built,
    outdir,
    templates: {
      data: Template.fromStack(stacks.data),
      app: Template.fromStack(stacks.app),
      jobs: Template.fromStack(stacks.jobs),
      monitoring: Template.fromStack(stacks.monitoring),
      ...(stacks.edge ? { edge: Template.fromStack(stacks.edge) } : {}),
    },
    validationReport: JSON.parse(
      readFileSync(join(outdir, 'validation-report.json'), 'utf8'),
    ) as ValidationReport,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The prod stage from the committed example, as `npm run synth -- -c stage=prod -c stages="$(cat …)"` passes it. */
export const synthProdExample = () => synth({ stage: 'prod', stages: PROD_EXAMPLE_JSON });

export type CfnResource = {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdatePolicy?: Record<string, unknown>;
};

export function resources(template: Template, type: string): [string, CfnResource][] {
  return Object.entries(template.findResources(type) as Record<string, CfnResource>);
}

export function props(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

/** The one resource of a type, or a failure naming how many there were. */
export function only(template: Template, type: string): [string, CfnResource] {
  const found = resources(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [entry] = found;
  if (!entry) throw new Error('unreachable');
  return entry;
}

/** The HTTP API's JWT authorizer of that name: `jwt` (people) or `machines` (the work systems' clients). */
export function authorizerNamed(template: Template, name: 'jwt' | 'machines'): [string, CfnResource] {
  const found = resources(template, 'AWS::ApiGatewayV2::Authorizer').filter(
    ([, r]) => props(r).Name === name,
  );
  if (found.length !== 1) throw new Error(`expected one authorizer named ${name}, found ${found.length}`);
  return found[0] as [string, CfnResource];
}

/** A function's logical id by its physical name. */
export function functionLogicalId(template: Template, functionName: string): string {
  const found = resources(template, 'AWS::Lambda::Function').filter(
    ([, r]) => props(r).FunctionName === functionName,
  );
  if (found.length !== 1) throw new Error(`expected one function ${functionName}, found ${found.length}`);
  const [entry] = found;
  if (!entry) throw new Error('unreachable');
  return entry[0];
}

/** The environment variables of the named function. */
export function functionEnv(template: Template, functionName: string): Record<string, unknown> {
  const fn = template.toJSON().Resources[functionLogicalId(template, functionName)] as CfnResource;
  return (props(fn).Environment as { Variables: Record<string, unknown> }).Variables;
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Every IAM statement attached (through AWS::IAM::Policy) to a role, by the role's logical id. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (props(p).Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (props(p).PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Every IAM statement attached (through AWS::IAM::Policy) to the execution role of the named function. */
export function roleStatements(template: Template, functionName: string): Statement[] {
  const fn = template.toJSON().Resources[functionLogicalId(template, functionName)] as CfnResource;
  const role = props(fn).Role as { 'Fn::GetAtt': [string, string] };
  return statementsOfRole(template, role['Fn::GetAtt'][0]);
}

export const actionsOf = (s: Statement): string[] => asArray(s.Action);
export const resourcesOf = (s: Statement): unknown[] => asArray(s.Resource);

/** Every template of the app as JSON text (for "nothing anywhere does X" checks). */
export function allTemplatesText(app: SynthesisedApp): string {
  return Object.values(app.templates)
    .filter((t): t is Template => t !== undefined)
    .map((t) => JSON.stringify(t.toJSON()))
    .join('\n');
}
