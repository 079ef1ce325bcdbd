/**
 * The deployment's configuration, from the environment, parsed once with zod. Every Lambda entry point reads it at
 * cold start (`config()` at module load), so a missing or malformed variable stops the function before it serves
 * anything, with a message naming the variable. The CDK stacks set these variables; the local runtime sets the
 * same ones. Nothing else in the code reads `process.env` for the application.
 */
import * as z from 'zod';
import { EMPLOYEE_CATEGORIES, type EmployeeCategory } from './domain/types.ts';
import { TABLE_NAME_ENV } from './store/table-definition.ts';

/** The environment variables naming the job functions the API may start (the CDK stack sets them). */
export const BACKGROUND_JOB_ENV = {
  'open-period': 'OPEN_PERIOD_FUNCTION',
  'close-period': 'CLOSE_PERIOD_FUNCTION',
  'compute-rankings': 'COMPUTE_RANKINGS_FUNCTION',
  'reopen-period': 'REOPEN_PERIOD_FUNCTION',
} as const;

/** A fanned-out job's own queue, and the From address of reminder e-mails (the jobs stack sets them). */
export const FANOUT_QUEUE_URL_ENV = 'FANOUT_QUEUE_URL';
export const REMINDER_SENDER_ENV = 'REMINDER_SENDER';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const rubricOverrides = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return {};
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not JSON, e.g. {"civil_servant":"nd-335"}' });
      return z.NEVER;
    }
  })
  .pipe(z.partialRecord(z.enum(EMPLOYEE_CATEGORIES), z.string().min(1)));

const envSchema = z.object({
  [TABLE_NAME_ENV]: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'is not a DynamoDB table name')
    .optional(),
  /** A local engine; unset in AWS. */
  DYNAMODB_ENDPOINT: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  AWS_REGION: optional,
  /** The claims the JWT authorizer passes on: Cognito's by default, the city's SSO names them otherwise. */
  AUTH_EMPLOYEE_ID_CLAIM: z.string().min(1).default('custom:employeeId'),
  AUTH_GROUPS_CLAIM: z.string().min(1).default('cognito:groups'),
  /** `{"civil_servant":"nd-335"}`: the rubric per employee category (default hn-3814 for all). */
  RUBRIC_BY_CATEGORY: rubricOverrides,
  /** The job functions the API may start in the background (AWS); unset locally, where the work runs inline. */
  OPEN_PERIOD_FUNCTION: optional,
  CLOSE_PERIOD_FUNCTION: optional,
  COMPUTE_RANKINGS_FUNCTION: optional,
  REOPEN_PERIOD_FUNCTION: optional,
  [FANOUT_QUEUE_URL_ENV]: optional,
  [REMINDER_SENDER_ENV]: optional,
  /** The value CloudFront sends in `x-origin-verify`; requests without it are refused (AWS only). */
  ORIGIN_VERIFY_SECRET: optional,
  /** Set by Lambda itself. */
  AWS_LAMBDA_FUNCTION_NAME: optional,
});

export interface Config {
  table: { name: string | undefined; endpoint: string | undefined; region: string | undefined };
  auth: { employeeIdClaim: string; groupsClaim: string };
  rubricByCategory: Partial<Record<EmployeeCategory, string>>;
  backgroundFunctions: {
    'open-period': string | undefined;
    'close-period': string | undefined;
    'compute-rankings': string | undefined;
    'reopen-period': string | undefined;
  };
  jobs: { fanOutQueueUrl: string | undefined; reminderSender: string | undefined };
  originVerifySecret: string | undefined;
  inLambda: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    table: { name: e[TABLE_NAME_ENV], endpoint: e.DYNAMODB_ENDPOINT, region: e.AWS_REGION },
    auth: { employeeIdClaim: e.AUTH_EMPLOYEE_ID_CLAIM, groupsClaim: e.AUTH_GROUPS_CLAIM },
    rubricByCategory: e.RUBRIC_BY_CATEGORY,
    backgroundFunctions: {
      'open-period': e[BACKGROUND_JOB_ENV['open-period']],
      'close-period': e[BACKGROUND_JOB_ENV['close-period']],
      'compute-rankings': e[BACKGROUND_JOB_ENV['compute-rankings']],
      'reopen-period': e[BACKGROUND_JOB_ENV['reopen-period']],
    },
    jobs: { fanOutQueueUrl: e[FANOUT_QUEUE_URL_ENV], reminderSender: e[REMINDER_SENDER_ENV] },
    originVerifySecret: e.ORIGIN_VERIFY_SECRET,
    inLambda: e.AWS_LAMBDA_FUNCTION_NAME !== undefined,
  };
}

let current: Config | undefined;

/** The process's configuration, read from the environment on first use (at cold start in Lambda). */
export function config(): Config {
  current ??= readConfig(process.env);
  return current;
}

/** For the local runtime and tests, which decide the configuration at run time. */
export function setConfig(next: Config): void {
  current = next;
}

/** The table name, required wherever the table is used. */
export function requireTableName(c: Config = config()): string {
  if (!c.table.name) throw new ConfigError(`Invalid configuration: ${TABLE_NAME_ENV} is not set`);
  return c.table.name;
}
