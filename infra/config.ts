/**
 * Stage configuration: built-in defaults per stage, overridden from CDK context, validated with zod.
 *
 * Context keys (cdk.json `context`, cdk.context.json, ~/.cdk.json or `-c key=value`):
 * - `stage`: `dev` | `prod` (default `dev`).
 * - `stages`: `{ "<stage>": { ...partial StageConfig } }`, merged over the defaults below. An object, or a
 *   JSON string when passed with `-c stages='{...}'`.
 *
 * Unknown keys are rejected so that a typo fails the synth instead of silently keeping a default.
 */
import * as z from 'zod';
import { EMPLOYEE_CATEGORIES } from '../shared/domain/types.ts';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** The retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const httpsUrl = z.url({ protocol: /^https$/, hostname: z.regexes.domain });
/** A browser origin: scheme, host and optional port, nothing else. */
const origin = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/, 'must be an origin such as https://danhgia.example.gov.vn');
const email = z.email();

const cognitoAuth = z.strictObject({
  mode: z.literal('cognito'),
  /** `required` forces TOTP MFA for every user; `optional` lets users enrol. */
  mfa: z.enum(['optional', 'required']),
  /** `plus` enables threat protection (compromised credentials, adaptive authentication); billed per MAU. */
  featurePlan: z.enum(['essentials', 'plus']),
  /** Managed login (hosted UI) prefix: `<prefix>.auth.<region>.amazoncognito.com`. Default includes the account id. */
  domainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and hyphens')
    .refine((p) => !/aws|amazon|cognito/.test(p), 'may not contain "aws", "amazon" or "cognito"')
    .optional(),
  /** Where the managed login redirects after sign-in / sign-out (the web client's URLs). */
  callbackUrls: z.array(z.url()).min(1),
  logoutUrls: z.array(z.url()).min(1),
  /** Invitation and password-reset mail through SES instead of Cognito's 50-a-day default sender. */
  emailFrom: email.optional(),
});

const oidcAuth = z.strictObject({
  mode: z.literal('oidc'),
  /** The provider's issuer URL (`iss`); `<issuer>/.well-known/openid-configuration` must be public. */
  issuer: httpsUrl,
  /** Accepted `aud` (or `client_id`) values. */
  audience: z.array(z.string().min(1)).min(1),
  claims: z.strictObject({
    /** Claim that carries the employee id (the handlers fall back to `sub`). */
    employeeId: z.string().min(1),
    /** Claim that carries the groups `hr` / `admin` (an array or a space-separated string). */
    groups: z.string().min(1),
  }),
});

export const stageConfigSchema = z
  .strictObject({
    stage: z.enum(STAGES),
    /** Prefix of every physical name (functions, queues, schedule group) and of the stack names. */
    appName: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'lowercase letters, digits and hyphens, max 21'),
    /** Optional fixed deployment target; when absent the stacks are environment-agnostic. */
    account: z
      .string()
      .regex(/^\d{12}$/, '12 digits')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as ap-southeast-1')
      .optional(),
    cors: z.strictObject({ allowOrigins: z.array(origin).min(1) }),
    auth: z.discriminatedUnion('mode', [cognitoAuth, oidcAuth]),
    throttle: z.strictObject({
      /** Steady-state requests per second for the whole stage. */
      rateLimit: z.number().positive().max(10_000),
      burstLimit: z.number().int().positive().max(5_000),
    }),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      }),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    /** X-Ray active tracing on every function. */
    tracing: z.boolean(),
    /** Alarm notifications (SNS e-mail subscription, to be confirmed once). */
    alarmEmail: email.optional(),
    /** Rubric per employee category (env RUBRIC_BY_CATEGORY), e.g. `{ "civil_servant": "nd-335" }`. */
    rubricByCategory: z.partialRecord(z.enum(EMPLOYEE_CATEGORIES), z.string().min(1)).optional(),
    reminders: z.strictObject({
      /** From address of the reminder e-mails (REMINDER_SENDER). */
      sender: email,
      /** The verified SES identity that covers `sender` (the address or its domain). Default: both may send. */
      identity: z.string().min(3).optional(),
      /** Create the SES identity in this stack (an e-mail identity sends a verification link to it). */
      createIdentity: z.boolean(),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.stage !== 'prod') return;
    if (!c.alarmEmail) {
      ctx.addIssue({ code: 'custom', path: ['alarmEmail'], message: 'prod needs an alarm e-mail address' });
    }
    c.cors.allowOrigins.forEach((o, i) => {
      if (!o.startsWith('https://')) {
        ctx.addIssue({
          code: 'custom',
          path: ['cors', 'allowOrigins', i],
          message: 'prod allows https origins only',
        });
      }
    });
    if (c.reminders.sender.endsWith('@example.com')) {
      ctx.addIssue({
        code: 'custom',
        path: ['reminders', 'sender'],
        message: 'prod needs a real sender address',
      });
    }
  });

export type StageConfig = z.infer<typeof stageConfigSchema>;
export type CognitoAuthConfig = z.infer<typeof cognitoAuth>;
export type OidcAuthConfig = z.infer<typeof oidcAuth>;

type JsonObject = { [key: string]: unknown };

const base = {
  appName: 'danh-gia',
  cors: { allowOrigins: ['http://localhost:5173', 'http://localhost:3000'] },
  auth: {
    mode: 'cognito',
    mfa: 'optional',
    featurePlan: 'plus',
    callbackUrls: ['http://localhost:5173/auth/callback'],
    logoutUrls: ['http://localhost:5173/'],
  },
  throttle: { rateLimit: 50, burstLimit: 100 },
  logRetentionDays: 14,
  logLevel: 'DEBUG',
  tracing: true,
  reminders: { sender: 'no-reply@example.com', createIdentity: false },
} satisfies JsonObject;

/** Defaults per stage. prod deliberately lacks the values only the operator knows (see docs/DEPLOY.md). */
export const STAGE_DEFAULTS: Record<StageName, JsonObject> = {
  dev: base,
  prod: {
    ...base,
    cors: { allowOrigins: [] },
    auth: { ...base.auth, mfa: 'required', callbackUrls: [], logoutUrls: [] },
    throttle: { rateLimit: 500, burstLimit: 1000 },
    logRetentionDays: 365,
    logLevel: 'INFO',
  },
};

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; arrays and scalars replace. An `auth` block with another `mode` replaces whole. */
export function mergeConfig(defaults: JsonObject, override: JsonObject): JsonObject {
  const out: JsonObject = { ...defaults };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    const modeChanged =
      isObject(current) && isObject(value) && 'mode' in value && value.mode !== current.mode;
    out[key] = isObject(current) && isObject(value) && !modeChanged ? mergeConfig(current, value) : value;
  }
  return out;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads a context value the way CDK delivers it: `-c` values are strings, cdk.json values are JSON. */
function parseContextObject(key: string, raw: unknown): JsonObject {
  if (raw === undefined) return {};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError(`Context "${key}" is not valid JSON: ${raw}`);
    }
  }
  if (!isObject(value)) throw new ConfigError(`Context "${key}" must be an object`);
  return value;
}

/**
 * Builds the stage configuration from the context lookup (`node.tryGetContext`), or throws a ConfigError that
 * names every bad key and says where to set it.
 */
export function loadStageConfig(tryGetContext: (key: string) => unknown): StageConfig {
  const stageRaw = tryGetContext('stage') ?? 'dev';
  const stage = z.enum(STAGES).safeParse(stageRaw);
  if (!stage.success) {
    throw new ConfigError(`Unknown stage "${String(stageRaw)}": use -c stage=${STAGES.join('|')}`);
  }
  const stages = parseContextObject('stages', tryGetContext('stages'));
  const unknownStages = Object.keys(stages).filter((s) => !(STAGES as readonly string[]).includes(s));
  if (unknownStages.length > 0) {
    throw new ConfigError(`Context "stages" has unknown stage(s) ${unknownStages.join(', ')}`);
  }
  const override = parseContextObject(`stages.${stage.data}`, stages[stage.data]);
  const merged = mergeConfig({ ...STAGE_DEFAULTS[stage.data], stage: stage.data }, override);
  const parsed = stageConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration for stage "${stage.data}":\n${z.prettifyError(parsed.error)}\n` +
        `Set the values under context "stages" → "${stage.data}" (cdk.json or cdk.context.json); ` +
        'see docs/DEPLOY.md for every key.',
    );
  }
  return parsed.data;
}
