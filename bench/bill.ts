/**
 * `npm run bench -- bill`: the whole monthly AWS bill of a city, line by line, from the per-request and per-item
 * figures measured in BENCHMARKS.md (API, jobs, outbox, storage) and the stated prices below; the alarm count is
 * read from the synthesised prod stacks (the committed example configuration), so the bill follows the code. It
 * prints the tables of BENCHMARKS.md's "The bill" section; `test/infra/bill.test.ts` checks they are there.
 *
 * Nothing here is measured against AWS: prices are the published on-demand ones (USD, Asia Pacific (Singapore)
 * unless said otherwise, as of writing; check the pricing pages) and free tiers are the always-free ones only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../infra/build.ts';
import { REPO_ROOT } from '../infra/bundling.ts';
import { loadStageConfig } from '../infra/config.ts';
import type { ACCESS_LOG_FIELDS } from '../infra/stacks/app-stack.ts';

export const PRICES = {
  cognito: {
    /** Lite: 10,000 MAU free, then tiers per MAU. */
    lite: [
      { upTo: 10_000, usd: 0 },
      { upTo: 100_000, usd: 0.0055 },
      { upTo: 1_000_000, usd: 0.0046 },
      { upTo: 10_000_000, usd: 0.00325 },
      { upTo: Number.POSITIVE_INFINITY, usd: 0.0025 },
    ],
    /** Essentials: 10,000 MAU free, then per MAU. */
    essentials: [
      { upTo: 10_000, usd: 0 },
      { upTo: Number.POSITIVE_INFINITY, usd: 0.015 },
    ],
    /** Plus (threat protection): per MAU, no free tier. */
    plus: [{ upTo: Number.POSITIVE_INFINITY, usd: 0.02 }],
  },
  /** HTTP API, per million requests (first 300 million; the published first-tier rate). */
  httpApiPerMillion: 1.0,
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoReadPerMillion: 0.1425,
  dynamoWritePerMillion: 0.7125,
  dynamoStoragePerGbMonth: 0.285,
  dynamoStorageFreeGb: 25,
  pitrPerGbMonth: 0.228,
  /** AWS Backup, DynamoDB backups (warm), per GB-month. */
  backupPerGbMonth: 0.114,
  logsIngestPerGb: 0.7,
  logsStoragePerGbMonth: 0.033,
  /** CloudWatch always-free: 5 GB of logs (ingestion and storage), 10 alarm metrics, 10 metrics, 3 dashboards. */
  logsFreeGb: 5,
  alarmPerMetric: 0.1,
  alarmFreeMetrics: 10,
  customMetricPerMonth: 0.3,
  customMetricsFree: 10,
  dashboardPerMonth: 3,
  dashboardsFree: 3,
  xrayPerMillionTraces: 5,
  xrayFreeTraces: 100_000,
  /** CloudFront always-free: 1 TB out, 10 million HTTPS requests, 2 million function invocations a month. */
  cloudFrontFreeGb: 1024,
  cloudFrontFreeRequests: 10_000_000,
  cloudFrontFreeFunctionInvocations: 2_000_000,
  /** Beyond it, Asia Pacific edges (Vietnam is served from them). */
  cloudFrontPerGb: 0.14,
  cloudFrontPer10kHttps: 0.012,
  cloudFrontFunctionsPerMillion: 0.1,
  wafWebAclPerMonth: 5,
  wafRulePerMonth: 1,
  wafPerMillionRequests: 0.6,
  sqsPerMillion: 0.4,
  sqsFreeRequests: 1_000_000,
  schedulerPerMillion: 1,
  schedulerFreeInvocations: 14_000_000,
  sesPerThousand: 0.1,
  secretPerMonth: 0.4,
  s3PerGbMonth: 0.025,
} as const;

/** Hanoi: the figures measured in BENCHMARKS.md (`npm run bench -- rankings` and `api`), per month. */
export const MEASURED = {
  staff: 170_000,
  /** API requests per person: 4 transitions and ~8 reads (BENCHMARKS.md: 2.04 M for Hanoi). */
  apiRequestsPerStaff: 12,
  /**
   * DynamoDB units of the API, Hanoi (BENCHMARKS.md, "The lean data path", 2026-11-29 night: 9.5 read and 32.0
   * write units per evaluation through its four steps, each POST with an Idempotency-Key as the web app sends it,
   * reads ×2 for page views; the evening before: 3.23 M and 5.64 M without keys, and first 8.14 M and 12.5 M).
   */
  apiReadUnits: 3.23e6,
  apiWriteUnits: 5.44e6,
  /**
   * DynamoDB units of the jobs without the outbox (compute-rankings, open, close, remind, annual), from the same
   * run (the evening before: 1.54 M and 1.35 M; first 1.67 M and 3.78 M). compute-rankings reads the evaluations by
   * key now (3.65 M of the reads): a unit's list costs about three times the read units of the index's Query.
   */
  jobsReadUnits: 4.24e6,
  jobsWriteUnits: 1.16e6,
  /**
   * The reminders: 0.5 messages a person for each day of a reminder window (1.5 with the three-day window the
   * earlier default had: about one message per person per deadline they still face that day); per message the
   * outbox item (~1.5 KB: 2 units) written when queued, claimed and marked SENT, and the day's quota counter
   * (BENCHMARKS.md, "Reminders at city scale").
   */
  remindersPerStaffAndWindowDay: 0.5,
  outboxWriteUnitsPerMessage: 7,
  /** Per message: the outbox item and the person's mail settings, read consistently when it is sent. */
  outboxReadUnitsPerMessage: 2,
  /**
   * Storage after a year (BENCHMARKS.md, the same run's estimate): 7.0 GB, evaluations in no index now (13.3 GB with
   * their three index copies before); 1.58 KB per item written when the city is loaded.
   */
  storageGbAfterYear: 7.0,
  evaluationWriteUnits: 1.58,
  /** How many copies of an evaluation are stored: the table's only (before 2026-12: the table's and three indexes'). */
  evaluationCopies: 1,
  /** Per person-month beside the evaluation: history, snapshots, results (KB, BENCHMARKS.md's "+ 2"). */
  otherKbPerStaffMonth: 2,
  /** Lambda: the jobs' 2.0 h at 1 GB (BENCHMARKS.md), the API at 100 ms and 1 GB per request. */
  jobGbSeconds: 7200,
  apiSecondsPerRequest: 0.1,
  jobInvocations: 120_155,
  /** SQS: Lambda's long polls on the 3 work queues (5 pollers, 3 a minute each), plus ~40 runs × 3,000 steps. */
  sqsPollRequests: 3 * 5 * 3 * 60 * 24 * 30,
  sqsStepRequests: 120_000,
  /** The delivery queue: its pollers like the others, and per message a tenth of a send, a receive, a delete. */
  sqsDeliveryPollRequests: 5 * 3 * 60 * 24 * 30,
  sqsRequestsPerReminder: 0.3,
  scheduledInvocations: 160,
};

/** What the estimate assumes beyond the measurements (stated in BENCHMARKS.md beside the table). */
export const ASSUMED = {
  /** Visits a month per person (one per transition), each revalidating index.html and config.json. */
  visitsPerStaff: 4,
  entryRequestsPerVisit: 2,
  /** Hashed assets fetched once a month (then from the browser cache). */
  assetRequestsPerStaff: 3,
  staticKbPerStaff: 31 + 4 * 1.5,
  apiResponseKb: 2,
  /** Lambda's JSON platform lines per invocation (start and report), bytes. */
  platformLogBytes: 400,
  /** One Powertools EMF blob on a third of the requests (the transitions), bytes. */
  emfBytes: 350,
  emfShare: 1 / 3,
  /** CloudFront standard log line and S3 server access log line, bytes. */
  cdnLogLineBytes: 450,
  s3LogLineBytes: 350,
  /** Application metric-hours a month: 6 evaluation metrics ~220 h, reminders 27 h, heartbeats 92 h, steps 40 h. */
  metricHours: 6 * 220 + 27 + 92 + 40,
};

export type AuthMode = 'oidc' | 'lite' | 'essentials' | 'plus';

export interface BillOptions {
  /** 1 = Hanoi (170,000 staff); 10 = the whole country's civil service. */
  scale: number;
  auth: AuthMode;
  /** Reminders start this many days before each deadline's day (the stage's `reminders.leadDays`; 0: on the day). */
  reminderLeadDays: number;
  /** Alarm metrics in the stacks (counted from the templates). */
  alarmMetrics: number;
  /** Daily backups kept (the prod configuration's `backup.retentionDays`). */
  backupDays: number;
}

export interface BillLine {
  service: string;
  basis: string;
  usd: number;
}

const tiered = (units: number, tiers: readonly { upTo: number; usd: number }[]) => {
  let rest = units;
  let from = 0;
  let usd = 0;
  for (const t of tiers) {
    const n = Math.max(0, Math.min(rest, t.upTo - from));
    usd += n * t.usd;
    rest -= n;
    from = t.upTo;
    if (rest <= 0) break;
  }
  return usd;
};

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const millions = (n: number) => `${fmt(n / 1e6, 2)} M`;

/** One API access-log line as the stage writes it, with typical values. */
export function accessLogLineBytes(): number {
  const sample: Record<keyof typeof ACCESS_LOG_FIELDS, string> = {
    requestId: 'Zk3x9gW1SQ0EJmQ=',
    time: '26/Nov/2026:08:15:42 +0000',
    ip: '113.190.232.17',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0 Safari/537.36',
    routeKey: 'POST /v1/evaluations/{employeeId}/{period}/submit',
    status: '200',
    protocol: 'HTTP/1.1',
    responseLength: '1873',
    latency: '84',
    integrationLatency: '79',
    integrationError: '-',
    authorizerError: '-',
    sub: '5b2d8c1e-7a0f-4a33-9d61-0c8e2f1b7d40',
  };
  return Buffer.byteLength(JSON.stringify(sample)) + 1;
}

export function monthlyBill(o: BillOptions): BillLine[] {
  const m = MEASURED;
  const a = ASSUMED;
  const staff = m.staff * o.scale;
  const apiRequests = staff * m.apiRequestsPerStaff;
  const staticRequests = staff * (a.visitsPerStaff * a.entryRequestsPerVisit + a.assetRequestsPerStaff);
  const edgeRequests = apiRequests + staticRequests;
  const reminders = staff * m.remindersPerStaffAndWindowDay * (o.reminderLeadDays + 1);

  const apiWrites = m.apiWriteUnits * o.scale;
  const reads = (m.apiReadUnits + m.jobsReadUnits) * o.scale + reminders * m.outboxReadUnitsPerMessage;
  const writes = apiWrites + m.jobsWriteUnits * o.scale + reminders * m.outboxWriteUnitsPerMessage;
  const dynamoRequests =
    (reads / 1e6) * PRICES.dynamoReadPerMillion + (writes / 1e6) * PRICES.dynamoWritePerMillion;

  const storageGb = m.storageGbAfterYear * o.scale;
  // PITR and backups bill the table without its global secondary indexes: the evaluation's table copy only.
  const itemKb = m.evaluationWriteUnits / m.evaluationCopies;
  const baseTableGb =
    storageGb * ((itemKb + m.otherKbPerStaffMonth) / (m.evaluationWriteUnits + m.otherKbPerStaffMonth));
  const backupCopies = o.backupDays;

  const gbSeconds = m.jobGbSeconds * o.scale + apiRequests * m.apiSecondsPerRequest;
  const invocations = apiRequests + m.jobInvocations * o.scale;

  const apiLogBytes = accessLogLineBytes() + a.platformLogBytes + a.emfBytes * a.emfShare;
  const logsGb = (apiRequests * apiLogBytes + m.jobInvocations * o.scale * 2048) / 2 ** 30;
  const logsStoredGb = logsGb * 12; // a year kept (prod: 365 days), uncompressed: an upper bound
  const logsUsd =
    Math.max(0, logsGb - PRICES.logsFreeGb) * PRICES.logsIngestPerGb +
    logsStoredGb * PRICES.logsStoragePerGbMonth;

  const traffic = (staff * a.staticKbPerStaff + apiRequests * a.apiResponseKb) / 2 ** 20;
  const cloudFront =
    Math.max(0, traffic - PRICES.cloudFrontFreeGb) * PRICES.cloudFrontPerGb +
    (Math.max(0, edgeRequests - PRICES.cloudFrontFreeRequests) / 1e4) * PRICES.cloudFrontPer10kHttps +
    (Math.max(0, staticRequests - PRICES.cloudFrontFreeFunctionInvocations) / 1e6) *
      PRICES.cloudFrontFunctionsPerMillion;

  const sqsRequests =
    m.sqsPollRequests +
    m.sqsDeliveryPollRequests +
    m.sqsStepRequests * o.scale +
    reminders * m.sqsRequestsPerReminder;
  const s3LogGbYear = ((edgeRequests * a.cdnLogLineBytes + staticRequests * a.s3LogLineBytes) / 2 ** 30) * 12;

  const identity =
    o.auth === 'oidc'
      ? { basis: "the city's own OpenID Connect provider", usd: 0 }
      : {
          basis: `Cognito ${o.auth}, ${fmt(staff)} monthly active users`,
          usd: tiered(staff, PRICES.cognito[o.auth]),
        };

  return [
    { service: 'Identity', ...identity },
    {
      service: 'API Gateway (HTTP API)',
      basis: `${millions(apiRequests)} requests`,
      usd: (apiRequests / 1e6) * PRICES.httpApiPerMillion,
    },
    {
      service: 'Lambda',
      basis: `${fmt(gbSeconds)} GB-s (API 100 ms at 1 GB, jobs ${fmt((m.jobGbSeconds * o.scale) / 3600, 1)} h), ${millions(invocations)} invocations`,
      usd: gbSeconds * PRICES.lambdaPerGbSecond + (invocations / 1e6) * PRICES.lambdaPerMillionRequests,
    },
    {
      service: 'DynamoDB requests',
      basis: `${millions(reads)} read units, ${millions(writes)} write units (API, jobs, reminder outbox)`,
      usd: dynamoRequests,
    },
    {
      service: 'DynamoDB storage',
      basis: `${fmt(storageGb, 1)} GB after a year, indexes included (${PRICES.dynamoStorageFreeGb} GB free)`,
      usd: Math.max(0, storageGb - PRICES.dynamoStorageFreeGb) * PRICES.dynamoStoragePerGbMonth,
    },
    {
      service: 'DynamoDB point-in-time recovery',
      basis: `${fmt(baseTableGb, 1)} GB: the table without its indexes`,
      usd: baseTableGb * PRICES.pitrPerGbMonth,
    },
    {
      service: 'AWS Backup',
      basis: `${backupCopies} daily copies of ${fmt(baseTableGb, 1)} GB`,
      usd: backupCopies * baseTableGb * PRICES.backupPerGbMonth,
    },
    {
      service: 'CloudWatch Logs',
      basis: `${fmt(logsGb, 1)} GB a month (${fmt(apiLogBytes)} B per API request), a year kept`,
      usd: logsUsd,
    },
    {
      service: 'CloudWatch alarms',
      basis: `${o.alarmMetrics} alarm metrics (${PRICES.alarmFreeMetrics} free)`,
      usd: Math.max(0, o.alarmMetrics - PRICES.alarmFreeMetrics) * PRICES.alarmPerMetric,
    },
    {
      service: 'CloudWatch metrics and dashboard',
      basis: `${fmt(a.metricHours / 730, 1)} metric-months of EMF metrics (billed by the hour, ${PRICES.customMetricsFree} free), 1 dashboard (${PRICES.dashboardsFree} free)`,
      usd:
        Math.max(0, a.metricHours / 730 - PRICES.customMetricsFree) * PRICES.customMetricPerMonth +
        Math.max(0, 1 - PRICES.dashboardsFree) * PRICES.dashboardPerMonth,
    },
    { service: 'X-Ray', basis: 'tracing off in prod (`tracing: false`)', usd: 0 },
    {
      service: 'CloudFront',
      basis: `${millions(edgeRequests)} requests, ${fmt(traffic, 0)} GB, ${millions(staticRequests)} function runs (always-free: 10 M, 1 TB, 2 M)`,
      usd: cloudFront,
    },
    {
      service: 'AWS WAF',
      basis: `1 web ACL, 2 rules, ${millions(edgeRequests)} requests`,
      usd:
        PRICES.wafWebAclPerMonth +
        2 * PRICES.wafRulePerMonth +
        (edgeRequests / 1e6) * PRICES.wafPerMillionRequests,
    },
    {
      service: 'SQS',
      basis: `${millions(sqsRequests)} requests (1 M free)`,
      usd: (Math.max(0, sqsRequests - PRICES.sqsFreeRequests) / 1e6) * PRICES.sqsPerMillion,
    },
    {
      service: 'EventBridge Scheduler',
      basis: `~${MEASURED.scheduledInvocations} invocations (14 M free)`,
      usd: 0,
    },
    {
      service: 'SES',
      basis: `${fmt(reminders)} reminder e-mails`,
      usd: (reminders / 1000) * PRICES.sesPerThousand,
    },
    { service: 'Secrets Manager', basis: 'the origin secret', usd: PRICES.secretPerMonth },
    {
      service: 'S3',
      basis: `web app; CloudFront and S3 access logs, ${fmt(s3LogGbYear, 0)} GB after a year`,
      usd: s3LogGbYear * PRICES.s3PerGbMonth,
    },
  ];
}

export const total = (lines: BillLine[]) => lines.reduce((s, l) => s + l.usd, 0);

const exampleStages = () => readFileSync(join(REPO_ROOT, 'infra', 'examples', 'prod-oidc.json'), 'utf8');

/**
 * What the bill reads from the prod example: its alarm metrics (a metric-math alarm bills each metric), backups and
 * reminder window.
 */
export function fromProdExample(): Pick<BillOptions, 'alarmMetrics' | 'backupDays' | 'reminderLeadDays'> {
  const stages = exampleStages();
  const config = loadStageConfig((key) => ({ stage: 'prod', stages })[key]);
  return {
    alarmMetrics: countAlarmMetrics(),
    backupDays: config.backup.retentionDays,
    reminderLeadDays: config.reminders.leadDays,
  };
}

function countAlarmMetrics(): number {
  const outdir = mkdtempSync(join(tmpdir(), 'danh-gia-bill-'));
  try {
    const stages = exampleStages();
    const { app, stacks } = createApp({
      outdir,
      context: { stage: 'prod', stages, 'aws:cdk:bundling-stacks': [] },
    });
    app.synth();
    let count = 0;
    for (const stack of [stacks.data, stacks.app, stacks.jobs, stacks.monitoring]) {
      const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
      for (const alarm of Object.values(alarms)) {
        const metrics = alarm.Properties.Metrics as { MetricStat?: unknown }[] | undefined;
        count += metrics ? metrics.filter((x) => x.MetricStat).length : 1;
      }
    }
    return count;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The tables of BENCHMARKS.md's bill section. */
export function billMarkdown(example = fromProdExample()): string {
  const hanoi = monthlyBill({ ...example, scale: 1, auth: 'oidc' });
  const country = monthlyBill({ ...example, scale: 10, auth: 'oidc' });
  const usd = (n: number) => fmt(n, 2);
  const lines = [
    '| service | Hanoi: basis | USD | 10× (1.7 M staff) |',
    '| --- | --- | ---: | ---: |',
    ...hanoi.map((l, i) => `| ${l.service} | ${l.basis} | ${usd(l.usd)} | ${usd(country[i]?.usd ?? 0)} |`),
    `| **total, the city's own sign-in** | | **${usd(total(hanoi))}** | **${usd(total(country))}** |`,
  ];
  const plans = ['lite', 'essentials', 'plus'] as const;
  const cognito = [
    '| identity | Hanoi: identity | Hanoi: total | 10×: identity | 10×: total |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| the city's own OIDC provider (default) | 0.00 | ${usd(total(hanoi))} | 0.00 | ${usd(total(country))} |`,
    ...plans.map((plan) => {
      const h = monthlyBill({ ...example, scale: 1, auth: plan });
      const c = monthlyBill({ ...example, scale: 10, auth: plan });
      return `| Cognito ${plan} | ${usd(h[0]?.usd ?? 0)} | ${usd(total(h))} | ${usd(c[0]?.usd ?? 0)} | ${usd(total(c))} |`;
    }),
  ];
  const windows = [
    '| reminder window (`reminders.leadDays`) | e-mails, Hanoi | Hanoi: total | 10×: total |',
    '| --- | ---: | ---: | ---: |',
    ...[0, 1, 2].map((leadDays) => {
      const h = monthlyBill({ ...example, scale: 1, auth: 'oidc', reminderLeadDays: leadDays });
      const c = monthlyBill({ ...example, scale: 10, auth: 'oidc', reminderLeadDays: leadDays });
      const mails = MEASURED.staff * MEASURED.remindersPerStaffAndWindowDay * (leadDays + 1);
      const name =
        leadDays === 0
          ? 'the deadline’s day only (default)'
          : `${leadDays + 1} days (from ${leadDays} before)`;
      return `| ${name} | ${fmt(mails)} | ${usd(total(h))} | ${usd(total(c))} |`;
    }),
  ];
  return [...lines, '', ...cognito, '', ...windows].join('\n');
}

export async function run(): Promise<void> {
  console.log(billMarkdown());
}
