/**
 * Stage configuration: built-in defaults per stage, overridden from CDK context, validated with zod.
 *
 * Context keys (cdk.json `context`, cdk.context.json, ~/.cdk.json or `-c key=value`):
 * - `stage`: `dev` | `prod` (default `dev`).
 * - `stages`: `{ "<stage>": { ...partial StageConfig } }`, merged over the defaults below. An object, or a
 *   JSON string when passed with `-c stages='{...}'` (e.g. `-c stages="$(cat infra/examples/prod-oidc.json)"`).
 *
 * Unknown keys are rejected so that a typo fails the synth instead of silently keeping a default. Every key is
 * described in docs/DEPLOY.md.
 */
import * as z from 'zod';
import { cycleSpecSchema, cyclesByCategorySchema, topHeadApproverSchema } from '../shared/config.ts';
import { incomeTableSchema } from '../shared/domain/income.ts';
import { EMPLOYEE_CATEGORIES } from '../shared/domain/types.ts';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** The retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The region where CloudFront reads its WAF web ACL and its certificate. */
export const EDGE_REGION = 'us-east-1';

const httpsUrl = z.url({ protocol: /^https$/, hostname: z.regexes.domain });
/**
 * A browser origin: scheme, host and optional port, nothing else. A CSP source with a path matches only that exact
 * path, so the Content-Security-Policy lists origins only.
 */
const httpsOrigin = z
  .string()
  .regex(
    /^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/,
    'must be an origin (https://host[:port], no path), e.g. https://sso.example.gov.vn: a CSP source with a path matches that path only',
  );
const email = z.email();

/**
 * A value the functions read from an environment variable: checked here with the functions' own schema (so a bad
 * value fails the synth, not the first request), and passed on as written (`ruleEnvironment` in infra/constructs/app-function.ts).
 */
const checkedBy = (schema: z.ZodType) =>
  z.unknown().superRefine((value, ctx) => {
    const result = schema.safeParse(value);
    if (!result.success)
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', path: issue.path as PropertyKey[], message: issue.message });
  });
const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lowercase DNS name');

const cognitoAuth = z.strictObject({
  mode: z.literal('cognito'),
  /**
   * Cognito feature plan, billed per monthly active user: `lite` (hosted sign-in page, TOTP, groups: all this app
   * uses), `essentials` (managed login, passwordless), `plus` (threat protection; no free tier). See BENCHMARKS.md.
   */
  featurePlan: z.enum(['lite', 'essentials', 'plus']),
  /** `required` forces TOTP MFA for every user; `optional` lets users enrol. */
  mfa: z.enum(['optional', 'required']),
  /** Hosted sign-in prefix: `<prefix>.auth.<region>.amazoncognito.com`. Default includes the account id. */
  domainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and hyphens')
    .refine((p) => !/aws|amazon|cognito/.test(p), 'may not contain "aws", "amazon" or "cognito"')
    .optional(),
  /**
   * Sign-in redirects besides the app's own `<web URL>/auth/callback` (which is always allowed), e.g. the Vite dev
   * server's. The web URL itself needs no configuration: the app client lives in the same stack as CloudFront.
   */
  extraCallbackUrls: z.array(z.url()),
  extraLogoutUrls: z.array(z.url()),
  /** Invitations and password resets through SES from this verified address (Cognito's own sender: 50 a day). */
  emailFrom: email.optional(),
});

const oidcAuth = z.strictObject({
  mode: z.literal('oidc'),
  /** The provider's issuer (`iss`), exactly as in its tokens; `<issuer>/.well-known/openid-configuration` is public. */
  issuer: httpsUrl,
  /** The web app's client at the provider: public, authorization code with PKCE, no secret. */
  clientId: z.string().min(1),
  /** Accepted `aud` (or `client_id`) values of the bearer token. Default: `[clientId]`. */
  audience: z.array(z.string().min(1)).min(1).optional(),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'an OAuth scope'))
    .refine((s) => s.includes('openid'), 'must include "openid"'),
  /** The token the web app sends and the API's authorizer checks. */
  bearer: z.enum(['id_token', 'access_token']),
  claims: z.strictObject({
    /** Claim that carries the employee id (the handlers fall back to `sub`). */
    employeeId: z.string().min(1),
    /** Claim that carries the groups `hr` / `admin` (an array or a space-separated string). */
    groups: z.string().min(1),
  }),
  /** Endpoints the web app uses instead of those of the discovery document (their origins join the CSP). */
  endpoints: z
    .strictObject({
      authorization: httpsUrl.optional(),
      token: httpsUrl.optional(),
      endSession: httpsUrl.optional(),
    })
    .optional(),
  /**
   * Origins the browser must reach besides the issuer's and the endpoints above: every host the discovery document
   * names for the token, JWKS or userinfo endpoints when they are not on the issuer's host. The synth is offline, so
   * it cannot read the discovery document itself; docs/DEPLOY.md shows the one-line check.
   */
  connectOrigins: z.array(httpsOrigin).optional(),
});

/**
 * Work systems (a task-assignment or document system) that feed employees' products with OAuth client credentials
 * (Decree 335, Art. 26). In Cognito mode the stack makes a resource server with the scope and one app client (with
 * a secret, client-credentials flow only) per entry; with the city's SSO the clients are the provider's and are
 * named here by their client id.
 */
const machineClientsConfig = z.strictObject({
  /** OIDC mode: the issuer of client-credentials tokens (default: `auth.issuer`). */
  issuer: httpsUrl.optional(),
  /** OIDC mode: the accepted `aud` (or `client_id`) of those tokens (default: the clients' ids). */
  audience: z.array(z.string().min(1)).min(1).optional(),
  /** The claim naming the client in its token: `client_id` (Cognito and most providers), `azp` (Keycloak). */
  clientIdClaim: z.string().min(1),
  /** The scope allowing the feed, as tokens spell it. Default: `<app>-<stage>/tasks:write` with Cognito, `tasks:write` otherwise. */
  tasksWriteScope: z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'an OAuth scope')
    .optional(),
  clients: z.array(
    z.strictObject({
      /** A short name (Cognito: the app client's name). */
      name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lowercase letters, digits and hyphens'),
      /** OIDC mode: the client's id at the city's provider (Cognito generates its own). */
      clientId: z.string().min(1).optional(),
      /** Units whose whole subtree the client may feed. */
      units: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a unit id')).min(1),
      /** Source names it may feed under (the `{source}` of its route). */
      sources: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a source name')).min(1),
    }),
  ),
});

/** Evidence files: the private bucket's lifecycle and malware scanning. */
const evidenceConfig = z.strictObject({
  /**
   * GuardDuty Malware Protection for S3 on the evidence bucket: every new object is scanned and tagged, and a file
   * is downloadable only once tagged clean. Billed per GB scanned and per object (BENCHMARKS.md).
   */
  malwareProtection: z.boolean(),
  /** Days after upload before a file moves to Standard-IA: after the appeal window (at most ~45 days after upload). */
  infrequentAccessAfterDays: z.number().int().min(30),
  /** Days after upload before a file moves to Glacier Instant Retrieval (at least 30 days after Standard-IA). */
  archiveAfterDays: z.number().int().min(60),
  /** Days after upload before a file is deleted; unset: kept (records of a public body). */
  expireAfterDays: z.number().int().min(365).optional(),
  /**
   * Origins allowed to upload and download in the browser (the bucket's CORS). Default: the custom domain's names,
   * else any `https://*.cloudfront.net` (the distribution's own name is not known to the Data stack).
   */
  corsOrigins: z.array(httpsOrigin).min(1).optional(),
});

export const stageConfigSchema = z
  .strictObject({
    stage: z.enum(STAGES),
    /** Prefix of every physical name (functions, queues, schedule group) and of the stack names. */
    appName: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'lowercase letters, digits and hyphens, max 21'),
    /** Optional fixed deployment target; without it the stacks use the CLI's account and region. */
    account: z
      .string()
      .regex(/^\d{12}$/, '12 digits')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as ap-southeast-1')
      .optional(),
    auth: z.discriminatedUnion('mode', [cognitoAuth, oidcAuth]),
    /** A custom domain for the app (CloudFront), with TLS 1.2 at least. */
    domain: z
      .strictObject({
        names: z.array(hostname).min(1),
        /** An existing ACM certificate in us-east-1 covering the names; without it the Edge stack requests one. */
        certificateArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/,
            'an ACM certificate ARN in us-east-1 (CloudFront reads certificates from there only)',
          )
          .optional(),
      })
      .optional(),
    waf: z.strictObject({
      /** AWS WAF in front of CloudFront: a rate-based rule per client IP and the AWS managed common rule set. */
      enabled: z.boolean(),
      /**
       * Requests per client IP in any 5 minutes before that IP is blocked (for API calls; the static app is
       * cached). A ward office behind one NAT address counts as one IP: keep this well above one office's use.
       */
      rateLimitPerIp: z.number().int().min(100).max(2_000_000_000),
    }),
    throttle: z.strictObject({
      /** Steady-state requests per second for the whole API stage (per-route limits are in the App stack). */
      rateLimit: z.number().positive().max(10_000),
      burstLimit: z.number().int().positive().max(5_000),
    }),
    /** How new API function code goes live: 10 % for 5 minutes, rolled back on the functions' alarms, or at once. */
    deployment: z.enum(['canary', 'all-at-once']),
    /** Daily AWS Backup of the table, kept this many days (on top of point-in-time recovery's 35 days). */
    backup: z.strictObject({ retentionDays: z.number().int().min(1).max(3650) }),
    /** Warm throughput of the table and of each index (units per second), pre-warmed for open-period's burst. */
    capacity: z.strictObject({
      warmWriteUnitsPerSecond: z.number().int().min(4_000).max(40_000).optional(),
      warmReadUnitsPerSecond: z.number().int().min(12_000).max(40_000).optional(),
    }),
    /**
     * The Secrets Manager version id of the origin secret to deploy (after a rotation, docs/DEPLOY.md). Unset: the
     * version current at the first deploy.
     */
    originSecretVersion: z
      .string()
      .regex(/^[A-Za-z0-9-]{32,64}$/, 'a Secrets Manager VersionId')
      .optional(),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      }),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    /** X-Ray active tracing on every function (and POWERTOOLS_TRACE_ENABLED): about 5 USD a million traces. */
    tracing: z.boolean(),
    /** Alarm notifications (SNS e-mail subscription, to be confirmed once). */
    alarmEmail: email.optional(),
    /** Rubric per employee category (env RUBRIC_BY_CATEGORY), e.g. `{ "civil_servant": "nd-335" }`. */
    rubricByCategory: z.partialRecord(z.enum(EMPLOYEE_CATEGORIES), z.string().min(1)).optional(),
    machineClients: machineClientsConfig,
    evidence: evidenceConfig,
    /**
     * Evaluation cycle of the deployment (env EVALUATION_CYCLE): `"monthly"` (the default), `"quarterly"`, or dated
     * changes `[{ "from": "2026-07", "cycle": "quarterly" }]` (from a quarter's first month).
     */
    cycle: checkedBy(cycleSpecSchema).optional(),
    /** Cycle per employee category where it differs (env CYCLE_BY_CATEGORY), e.g. `{ "civil_servant": "quarterly" }`. */
    cycleByCategory: checkedBy(cyclesByCategorySchema).optional(),
    /**
     * Who evaluates the heads of top-level units (env TOP_HEAD_APPROVER): `"hr"` (the top unit's HR, the default),
     * `"none"`, or a collective body `{ "kind": "body", "id": …, "name": …, "members": [employee ids] }`.
     */
    topHeadApprover: checkedBy(topHeadApproverSchema).optional(),
    /** Extra income and bonus per grade (env INCOME_TABLE; shared/domain/income.ts). Unset: no income export. */
    incomeTable: checkedBy(incomeTableSchema)
      .refine((table) => JSON.stringify(table).length <= 2500, {
        message:
          "is over 2,500 characters: a function's environment holds 4 KB in all (keep the table to its items and amounts)",
      })
      .optional(),
    reminders: z.strictObject({
      /** From address of the reminder e-mails (REMINDER_SENDER). */
      sender: email,
      /** The verified SES identity that covers `sender` (the address or its domain). Default: both may send. */
      identity: z.string().min(3).optional(),
      /** Create the SES identity in this stack (an e-mail identity sends a verification link to it). */
      createIdentity: z.boolean(),
      /** The account's SES maximum send rate (per second) and 24-hour quota: what SES granted (docs/DEPLOY.md). */
      ratePerSecond: z.number().positive().max(10_000),
      dailyQuota: z.number().int().positive(),
      /** Consumers of the delivery queue at once; each sends ratePerSecond / consumers (at least 2: SQS's minimum). */
      consumers: z.number().int().min(2).max(100),
      /** Reminders about a deadline start this many days before its day (REMINDER_LEAD_DAYS; 0: on the day only). */
      leadDays: z.number().int().min(0).max(7).default(0),
      /** The web app's address for the links in the e-mails. Default: https://<first domain name>. */
      appUrl: httpsUrl.optional(),
    }),
  })
  // Runs even when other keys failed, so that a first prod synth names everything missing at once; the value may
  // then be partly invalid, hence the defensive reads.
  .superRefine(
    (config, ctx) => {
      const c = config as unknown as LooseConfig;
      const edge =
        c.waf?.enabled === true || (c.domain !== undefined && c.domain?.certificateArn === undefined);
      const machines = c.machineClients;
      if (c.auth?.mode === 'oidc' && Array.isArray(machines?.clients)) {
        machines.clients.forEach((client, i) => {
          if (!client?.clientId) {
            ctx.addIssue({
              code: 'custom',
              path: ['machineClients', 'clients', i, 'clientId'],
              message:
                "with the city's provider (auth.mode oidc) each machine client needs its clientId there",
            });
          }
        });
      }
      if (
        typeof c.evidence?.archiveAfterDays === 'number' &&
        typeof c.evidence.infrequentAccessAfterDays === 'number' &&
        c.evidence.archiveAfterDays < c.evidence.infrequentAccessAfterDays + 30
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['evidence', 'archiveAfterDays'],
          message:
            'S3 keeps an object in Standard-IA 30 days at least: archiveAfterDays ≥ infrequentAccessAfterDays + 30',
        });
      }
      if (edge && !c.region) {
        ctx.addIssue({
          code: 'custom',
          path: ['region'],
          message:
            `the WAF web ACL and the certificate of CloudFront live in ${EDGE_REGION} (the Edge stack); the App ` +
            'stack reads them across regions, which needs an explicit region: set "region" (e.g. "ap-southeast-1")',
        });
      }
      if (c.stage !== 'prod') return;
      if (!c.alarmEmail) {
        ctx.addIssue({ code: 'custom', path: ['alarmEmail'], message: 'prod needs an alarm e-mail address' });
      }
      if (typeof c.reminders?.sender === 'string' && c.reminders.sender.endsWith('@example.com')) {
        ctx.addIssue({
          code: 'custom',
          path: ['reminders', 'sender'],
          message: 'prod needs a real sender address',
        });
      }
      if (c.auth?.mode === 'cognito' && !c.auth.emailFrom) {
        ctx.addIssue({
          code: 'custom',
          path: ['auth', 'emailFrom'],
          message:
            "prod in Cognito mode sends invitations through SES: set an SES-verified address (Cognito's own sender allows 50 mails a day)",
        });
      }
    },
    { when: () => true },
  );

/** What the cross-key checks read, when the rest of the value may not have parsed. */
interface LooseConfig {
  stage?: unknown;
  region?: unknown;
  alarmEmail?: unknown;
  waf?: { enabled?: unknown };
  domain?: { certificateArn?: unknown };
  reminders?: { sender?: unknown };
  auth?: { mode?: unknown; emailFrom?: unknown };
  machineClients?: { clients?: ({ clientId?: unknown } | undefined)[] };
  evidence?: { infrequentAccessAfterDays?: unknown; archiveAfterDays?: unknown };
}

export type StageConfig = z.infer<typeof stageConfigSchema>;
export type CognitoAuthConfig = z.infer<typeof cognitoAuth>;
export type OidcAuthConfig = z.infer<typeof oidcAuth>;
export type AuthMode = StageConfig['auth']['mode'];

/** The Edge stack (us-east-1) exists when WAF is on or a certificate must be requested for a custom domain. */
export function needsEdgeStack(c: Pick<StageConfig, 'waf' | 'domain'>): boolean {
  return c.waf.enabled || (c.domain !== undefined && c.domain.certificateArn === undefined);
}

/** The web app's origin-relative sign-in paths (web/src: the callback route and the signed-out page). */
export const CALLBACK_PATH = '/auth/callback';
export const LOGOUT_PATH = '/';

/** `https://host[:port]` of a URL. */
export const originOf = (url: string) => new URL(url).origin;

/**
 * The origins the browser contacts to sign in with an OIDC provider: the issuer's (discovery), the configured
 * endpoints' and the extra ones. Origins only: a CSP source with a path would match that exact path alone.
 */
export function oidcOrigins(auth: OidcAuthConfig): string[] {
  const urls = [
    auth.issuer,
    auth.endpoints?.authorization,
    auth.endpoints?.token,
    auth.endpoints?.endSession,
  ];
  const origins = urls.filter((u): u is string => u !== undefined).map(originOf);
  return [...new Set([...origins, ...(auth.connectOrigins ?? [])])];
}

type JsonObject = { [key: string]: unknown };

/** Defaults of an auth block per stage and mode; an override's block is merged over those of its own mode. */
const AUTH_DEFAULTS: Record<StageName, Record<AuthMode, JsonObject>> = {
  dev: {
    cognito: {
      mode: 'cognito',
      featurePlan: 'lite',
      mfa: 'optional',
      // The Vite dev server (`npm run dev:web`) may sign in against a dev user pool too.
      extraCallbackUrls: [`http://localhost:5173${CALLBACK_PATH}`],
      extraLogoutUrls: [`http://localhost:5173${LOGOUT_PATH}`],
    },
    oidc: { mode: 'oidc', scopes: ['openid', 'profile', 'email'], bearer: 'id_token' },
  },
  prod: {
    cognito: {
      mode: 'cognito',
      featurePlan: 'lite',
      mfa: 'required',
      extraCallbackUrls: [],
      extraLogoutUrls: [],
    },
    oidc: { mode: 'oidc', scopes: ['openid', 'profile', 'email'], bearer: 'id_token' },
  },
};

/** The mode each stage uses when the configuration names none: a city federates its own sign-in in prod. */
export const DEFAULT_AUTH_MODE: Record<StageName, AuthMode> = { dev: 'cognito', prod: 'oidc' };

const base = {
  appName: 'danh-gia',
  waf: { enabled: false, rateLimitPerIp: 3000 },
  throttle: { rateLimit: 50, burstLimit: 100 },
  deployment: 'all-at-once',
  backup: { retentionDays: 1 },
  capacity: {},
  logRetentionDays: 14,
  logLevel: 'DEBUG',
  // X-Ray off: without Powertools Tracer (over the bundle budget) a trace holds only the invocation, not its
  // DynamoDB calls, and empty traces are not worth paying for. A stage may turn it on to see invocations.
  tracing: false,
  reminders: {
    sender: 'no-reply@example.com',
    createIdentity: false,
    // A new SES production account: 14 a second, 50,000 a day.
    ratePerSecond: 14,
    dailyQuota: 50_000,
    consumers: 2,
  },
  machineClients: { clientIdClaim: 'client_id', clients: [] },
  evidence: { malwareProtection: false, infrequentAccessAfterDays: 60, archiveAfterDays: 180 },
} satisfies JsonObject;

/** Defaults per stage. prod deliberately lacks the values only the operator knows (see docs/DEPLOY.md). */
export const STAGE_DEFAULTS: Record<StageName, JsonObject> = {
  dev: base,
  prod: {
    ...base,
    waf: { enabled: true, rateLimitPerIp: 3000 },
    throttle: { rateLimit: 500, burstLimit: 1000 },
    deployment: 'canary',
    backup: { retentionDays: 7 },
    // open-period writes ~1.7 million units in minutes: past the 4,000 a second a new on-demand table starts with.
    capacity: { warmWriteUnitsPerSecond: 10_000 },
    logRetentionDays: 365,
    logLevel: 'INFO',
    evidence: { malwareProtection: true, infrequentAccessAfterDays: 60, archiveAfterDays: 180 },
  },
};

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; arrays and scalars replace. */
export function mergeConfig(defaults: JsonObject, override: JsonObject): JsonObject {
  const out: JsonObject = { ...defaults };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeConfig(current, value) : value;
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
      throw new ConfigError(
        `Context "${key}" is not valid JSON: ${raw}\n` +
          'The CDK CLI keeps only the first line of a -c value: give the JSON on one line (e.g. jq -c . file.json).',
      );
    }
  }
  if (!isObject(value)) throw new ConfigError(`Context "${key}" must be an object`);
  return value;
}

/** The stage's defaults with the auth defaults of the mode the override asks for (or the stage's default mode). */
function stageDefaults(stage: StageName, override: JsonObject): JsonObject {
  const auth = isObject(override.auth) ? override.auth : {};
  const requested = auth.mode ?? DEFAULT_AUTH_MODE[stage];
  const mode: AuthMode =
    requested === 'cognito' || requested === 'oidc' ? requested : DEFAULT_AUTH_MODE[stage];
  return { ...STAGE_DEFAULTS[stage], stage, auth: AUTH_DEFAULTS[stage][mode] };
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
  const merged = mergeConfig(stageDefaults(stage.data, override), override);
  const parsed = stageConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration for stage "${stage.data}":\n${z.prettifyError(parsed.error)}\n` +
        `Set the values under context "stages" → "${stage.data}" (cdk.json, cdk.context.json or ` +
        `-c stages='{"${stage.data}": {…}}'); see docs/DEPLOY.md for every key.`,
    );
  }
  return parsed.data;
}
