/**
 * The deployment's configuration, from the environment, parsed once with zod. Every Lambda entry point reads it at
 * cold start (`config()` at module load), so a missing or malformed variable stops the function before it serves
 * anything, with a message naming the variable. The CDK stacks set these variables; the local runtime sets the
 * same ones. Nothing else in the code reads `process.env` for the application.
 */
import * as z from 'zod';
import { DEFAULT_TOP_HEAD_APPROVER, type TopHeadApprover } from './domain/assignment.ts';
import {
  CYCLES,
  type CycleChange,
  type CycleSchedule,
  MONTHLY_ONLY,
  validateCycleChanges,
} from './domain/cycles.ts';
import { type IncomeTable, incomeTableSchema } from './domain/income.ts';
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

/**
 * Reminder delivery (docs/ARCHITECTURE.md, "Reminders"): the SES v2 endpoint (the local emulator; unset in AWS),
 * the configuration set that records bounces and complaints, the send rate SES allows (per second, per day), how
 * many consumers share the per-second rate, how long a claim on a message lasts before it is looked at again, and
 * the web app's address for the links in the messages.
 */
export const SES_ENDPOINT_ENV = 'SES_ENDPOINT';
export const SES_CONFIGURATION_SET_ENV = 'SES_CONFIGURATION_SET';
export const REMINDER_RATE_PER_SECOND_ENV = 'REMINDER_RATE_PER_SECOND';
export const REMINDER_DAILY_QUOTA_ENV = 'REMINDER_DAILY_QUOTA';
export const REMINDER_CONSUMERS_ENV = 'REMINDER_CONSUMERS';
export const REMINDER_CLAIM_SECONDS_ENV = 'REMINDER_CLAIM_SECONDS';
export const APP_URL_ENV = 'APP_URL';
export const REMINDER_LEAD_DAYS_ENV = 'REMINDER_LEAD_DAYS';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/**
 * A JSON variable: unset or empty is `undefined`; one of `words` is itself (a plain word such as `quarterly` needs no
 * quotes); anything else must parse, or the variable is refused with `message`.
 */
const jsonVariable = (message: string, words: readonly string[] = []) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return undefined;
      if (words.includes(raw)) return raw;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
    });

const jsonText = (example: string) => jsonVariable(`is not JSON, e.g. ${example}`);

const rubricOverrides = jsonText('{"civil_servant":"nd-335"}')
  .pipe(z.partialRecord(z.enum(EMPLOYEE_CATEGORIES), z.string().min(1)).optional())
  .transform((overrides) => overrides ?? {});

const cycleChange = z.strictObject({
  from: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .nullable()
    .default(null),
  cycle: z.enum(CYCLES),
});

/** `"quarterly"`, or changes in time order: `[{"from": "2026-07", "cycle": "quarterly"}]` (from a quarter's start). */
export const cycleSpecSchema = z
  .union([
    z.enum(CYCLES).transform((cycle): CycleChange[] => [{ from: null, cycle }]),
    z.array(cycleChange).min(1),
  ])
  .superRefine((changes, ctx) => {
    for (const p of validateCycleChanges(changes, '')) {
      ctx.addIssue({ code: 'custom', path: p.path.split('.').filter(Boolean), message: p.message });
    }
  });

/** A plain word, or JSON: `monthly`, `quarterly`, `[{"from":"2026-07","cycle":"quarterly"}]`. */
const cycleVariable = jsonVariable(
  'is monthly, quarterly or JSON [{"from":"2026-07","cycle":"quarterly"}]',
  CYCLES,
).pipe(cycleSpecSchema.optional());

export const cyclesByCategorySchema = z.partialRecord(z.enum(EMPLOYEE_CATEGORIES), cycleSpecSchema);

/** `hr` (the top unit's HR), `none`, or a collective body: `{"kind":"body","id":…,"name":…,"members":[…]}`. */
export const topHeadApproverSchema = z.union([
  z.literal('hr').transform((): TopHeadApprover => ({ kind: 'hr' })),
  z.literal('none').transform((): TopHeadApprover => ({ kind: 'none' })),
  z.strictObject({ kind: z.literal('hr') }),
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('body'),
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    name: z.string().min(1).max(200),
    members: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/)).min(1),
  }),
]);

const topHeadVariable = jsonVariable('is hr, none or JSON {"kind":"body","id":…,"name":…,"members":[…]}', [
  'hr',
  'none',
]).pipe(topHeadApproverSchema.optional());

/**
 * Machine clients (work systems feeding products), by client id: the units whose subtrees each may feed and the
 * source names it may feed under. `{"<clientId>": {"units": ["stc"], "sources": ["qlvb-stc"]}}`.
 */
const machineClientSchema = z.strictObject({
  units: z.array(z.string().min(1)).min(1),
  sources: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a source name')).min(1),
});
export type MachineClientConfig = z.output<typeof machineClientSchema>;
const machineClients = jsonText('{"qlvb-stc":{"units":["stc"],"sources":["qlvb-stc"]}}')
  .pipe(z.record(z.string().min(1), machineClientSchema).optional())
  .transform((clients) => clients ?? {});

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
  /** The deployment's cycle: `monthly` (default), `quarterly`, or dated changes (JSON). */
  EVALUATION_CYCLE: cycleVariable,
  /** `{"civil_servant":"quarterly"}`: the cycle per employee category where it differs. */
  CYCLE_BY_CATEGORY: jsonText('{"civil_servant":"quarterly"}').pipe(cyclesByCategorySchema.optional()),
  /** Who evaluates the heads of top-level units: `hr` (default), `none`, or a collective body (JSON). */
  TOP_HEAD_APPROVER: topHeadVariable,
  /** Extra income and bonus per grade (JSON, see shared/domain/income.ts); unset: no income export. */
  INCOME_TABLE: jsonText(
    '{"items":[{"id":"extraIncome","label":"…","per":"month","byGrade":{"A":1000000}}]}',
  ).pipe(incomeTableSchema.optional()),
  /** The job functions the API may start in the background (AWS); unset locally, where the work runs inline. */
  OPEN_PERIOD_FUNCTION: optional,
  CLOSE_PERIOD_FUNCTION: optional,
  COMPUTE_RANKINGS_FUNCTION: optional,
  REOPEN_PERIOD_FUNCTION: optional,
  [FANOUT_QUEUE_URL_ENV]: optional,
  [REMINDER_SENDER_ENV]: optional,
  [SES_ENDPOINT_ENV]: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  [SES_CONFIGURATION_SET_ENV]: optional,
  /** SES's maximum send rate for the account (a new production account: 14 a second, 50,000 a day). */
  [REMINDER_RATE_PER_SECOND_ENV]: z.coerce.number().positive().max(10_000).default(14),
  [REMINDER_DAILY_QUOTA_ENV]: z.coerce.number().int().positive().default(50_000),
  /** Consumers of the delivery queue at once (the event source's maximum concurrency): each sends rate/consumers. */
  [REMINDER_CONSUMERS_ENV]: z.coerce.number().int().min(1).max(1000).default(2),
  /** A claim on a message older than this is looked at again (the sender crashed, or its mark was lost). */
  [REMINDER_CLAIM_SECONDS_ENV]: z.coerce.number().int().min(1).max(86_400).default(900),
  /**
   * Reminders about a deadline go out from this many days before its day up to its day. 0 (the default): one
   * e-mail on the deadline's morning, a third of what a three-day window sends (docs/DOMAIN.md, "Reminders").
   */
  [REMINDER_LEAD_DAYS_ENV]: z.coerce.number().int().min(0).max(7).default(0),
  /** The web app's address, for the links in the e-mails (`https://danhgia.example.gov.vn`). */
  [APP_URL_ENV]: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The value CloudFront sends in `x-origin-verify`; requests without it are refused (AWS only). */
  ORIGIN_VERIFY_SECRET: optional,
  /** Set by Lambda itself. */
  AWS_LAMBDA_FUNCTION_NAME: optional,
  /** The work systems allowed to feed products (client-credentials tokens), see `machineClientSchema`. */
  MACHINE_CLIENTS: machineClients,
  /** The claim of a client-credentials token naming the client (Cognito: `client_id`; Keycloak: `azp`). */
  MACHINE_CLIENT_ID_CLAIM: z.string().min(1).default('client_id'),
  /** The scope, as the provider spells it, that allows feeding products (Cognito: `<resource server>/tasks:write`). */
  MACHINE_SCOPE_TASKS_WRITE: z.string().min(1).default('tasks:write'),
  /** The private bucket holding evidence files. */
  EVIDENCE_BUCKET: optional,
  /** A local S3 API (s3rver); unset in AWS. */
  S3_ENDPOINT: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** `guardduty`: downloads wait for GuardDuty's malware scan tag (the stage enables the protection plan). */
  EVIDENCE_MALWARE_SCAN: z.enum(['off', 'guardduty']).default('off'),
});

export interface Config {
  table: { name: string | undefined; endpoint: string | undefined; region: string | undefined };
  auth: { employeeIdClaim: string; groupsClaim: string };
  rubricByCategory: Partial<Record<EmployeeCategory, string>>;
  /** Monthly or quarterly, per deployment and per category (DOMAIN.md "Cycles"). */
  cycles: CycleSchedule;
  /** Who evaluates the heads of top-level units (DOMAIN.md "Heads of top-level units"). */
  topHeadApprover: TopHeadApprover;
  /** What the results pay, per grade; null when the deployment configures none. */
  incomeTable: IncomeTable | null;
  backgroundFunctions: {
    'open-period': string | undefined;
    'close-period': string | undefined;
    'compute-rankings': string | undefined;
    'reopen-period': string | undefined;
  };
  jobs: { fanOutQueueUrl: string | undefined; reminderSender: string | undefined };
  reminders: {
    sesEndpoint: string | undefined;
    configurationSet: string | undefined;
    ratePerSecond: number;
    dailyQuota: number;
    consumers: number;
    claimSeconds: number;
    appUrl: string | undefined;
    leadDays: number;
  };
  originVerifySecret: string | undefined;
  inLambda: boolean;
  machines: {
    clients: Record<string, MachineClientConfig>;
    clientIdClaim: string;
    /** Logical scope → the scope string tokens carry. */
    scopes: { 'tasks:write': string };
  };
  evidence: {
    bucket: string | undefined;
    endpoint: string | undefined;
    malwareScan: 'off' | 'guardduty';
  };
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
    cycles: {
      default: e.EVALUATION_CYCLE ?? MONTHLY_ONLY.default,
      byCategory: e.CYCLE_BY_CATEGORY ?? {},
    },
    topHeadApprover: e.TOP_HEAD_APPROVER ?? DEFAULT_TOP_HEAD_APPROVER,
    incomeTable: e.INCOME_TABLE ?? null,
    backgroundFunctions: {
      'open-period': e[BACKGROUND_JOB_ENV['open-period']],
      'close-period': e[BACKGROUND_JOB_ENV['close-period']],
      'compute-rankings': e[BACKGROUND_JOB_ENV['compute-rankings']],
      'reopen-period': e[BACKGROUND_JOB_ENV['reopen-period']],
    },
    jobs: { fanOutQueueUrl: e[FANOUT_QUEUE_URL_ENV], reminderSender: e[REMINDER_SENDER_ENV] },
    reminders: {
      sesEndpoint: e[SES_ENDPOINT_ENV],
      configurationSet: e[SES_CONFIGURATION_SET_ENV],
      ratePerSecond: e[REMINDER_RATE_PER_SECOND_ENV],
      dailyQuota: e[REMINDER_DAILY_QUOTA_ENV],
      consumers: e[REMINDER_CONSUMERS_ENV],
      claimSeconds: e[REMINDER_CLAIM_SECONDS_ENV],
      appUrl: e[APP_URL_ENV],
      leadDays: e[REMINDER_LEAD_DAYS_ENV],
    },
    originVerifySecret: e.ORIGIN_VERIFY_SECRET,
    inLambda: e.AWS_LAMBDA_FUNCTION_NAME !== undefined,
    machines: {
      clients: e.MACHINE_CLIENTS,
      clientIdClaim: e.MACHINE_CLIENT_ID_CLAIM,
      scopes: { 'tasks:write': e.MACHINE_SCOPE_TASKS_WRITE },
    },
    evidence: { bucket: e.EVIDENCE_BUCKET, endpoint: e.S3_ENDPOINT, malwareScan: e.EVIDENCE_MALWARE_SCAN },
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
