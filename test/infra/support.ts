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

process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';

/** A prod configuration with every value the operator must supply. */
export const PROD_STAGES = {
  prod: {
    alarmEmail: 'ops@danhgia.example.gov.vn',
    cors: { allowOrigins: ['https://danhgia.example.gov.vn'] },
    auth: {
      callbackUrls: ['https://danhgia.example.gov.vn/auth/callback'],
      logoutUrls: ['https://danhgia.example.gov.vn/'],
    },
    reminders: { sender: 'danhgia@example.gov.vn' },
  },
};

export const OIDC_AUTH = {
  mode: 'oidc',
  issuer: 'https://sso.example.gov.vn/realms/city',
  audience: ['danh-gia'],
  claims: { employeeId: 'employee_id', groups: 'groups' },
};

export interface SynthesisedApp extends BuiltApp {
  readonly outdir: string;
  readonly templates: { data: Template; api: Template; jobs: Template; monitoring: Template };
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
      api: Template.fromStack(stacks.api),
      jobs: Template.fromStack(stacks.jobs),
      monitoring: Template.fromStack(stacks.monitoring),
    },
    validationReport: JSON.parse(
      readFileSync(join(outdir, 'validation-report.json'), 'utf8'),
    ) as ValidationReport,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export type CfnResource = {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
};

export function resources(template: Template, type: string): [string, CfnResource][] {
  return Object.entries(template.findResources(type) as Record<string, CfnResource>);
}

export function props(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
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

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Every IAM statement attached (through AWS::IAM::Policy) to the execution role of the named function. */
export function roleStatements(template: Template, functionName: string): Statement[] {
  const fn = template.toJSON().Resources[functionLogicalId(template, functionName)] as CfnResource;
  const role = props(fn).Role as { 'Fn::GetAtt': [string, string] };
  const roleId = role['Fn::GetAtt'][0];
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (props(p).Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (props(p).PolicyDocument as { Statement: Statement[] }).Statement);
}

export const actionsOf = (s: Statement): string[] => asArray(s.Action);
export const resourcesOf = (s: Statement): unknown[] => asArray(s.Resource);
