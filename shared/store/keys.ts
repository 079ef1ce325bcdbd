/**
 * Every key of every item, built in exactly one place. Each entity's function returns the full set of
 * key attributes it needs (table keys and the GSI keys it is listed by), plus its entity type.
 *
 * Access patterns (every list is a Query on one of these):
 * | pattern                                   | index | partition key                         |
 * |-------------------------------------------|-------|---------------------------------------|
 * | all units                                 | gsi1  | UNITS                                 |
 * | children of a unit                        | gsi2  | UNIT_CHILDREN#<parentId or ROOT>      |
 * | staff of a unit                           | gsi1  | UNIT_STAFF#<unitId>                   |
 * | an employee's evaluations for a year      | table | EMP#<employeeId>, sk EVAL#<year>…     |
 * | an evaluation's history                   | table | EMP#<employeeId>, sk HIST#<period>#…  |
 * | a reviewer's evaluations for a period     | table | ROSTER#reviewer#<reviewerId>#<period>, sk <unitId>; + BatchGet |
 * | an approver's evaluations for a period    | table | ROSTER#approver#<approverId>#<period>, sk <unitId>; + BatchGet |
 * | the same, for periods opened before 2026-12 | gsi4 / gsi5 (KEYS_ONLY) + BatchGet | REVIEWER#<id>#<period> / APPROVER#<id>#<period> |
 * | a unit's evaluations for a period (and counted in its counters) | table | UNIT#<unitId>, sk ROSTER#<period> (Get by key); + BatchGet |
 * | the same, for periods opened before 2026-12 | gsi3 (ALL) | UNIT_EVALS#<unitId>#<period>          |
 * | per-unit statistics of a period           | table | UNIT#<unitId>, sk PERIOD#<period> (BatchGet by key, every unit) |
 * | the same, written before 2026-12          | gsi1  | PERIOD_UNITS#<period>                 |
 * | all periods                               | gsi1  | PERIODS                               |
 * | all rubrics (every version)               | gsi1  | RUBRICS                               |
 * | delegations given to an acting head       | gsi1  | ACTING_FOR#<delegateId>               |
 * | a unit's annual results                   | table | UNIT#<unitId>, sk ANNUAL#<year>#<chunk> (before 2026-11: gsi3 UNIT_ANNUAL#<unitId>#<year>) |
 * | the steps a job run has checkpointed      | table | JOB#<job>#<scope>#RUN#<runId>, sk STEP#… |
 * | the outbox of one day                     | table | OUTBOX#<day>                          |
 * | an evaluation's products and their revision | table | EMP#<employeeId>, sk PROD#<period>#… |
 * | an evaluation's products/evidence audit log | table | EMP#<employeeId>, sk WLOG#<period>#… |
 * | an evaluation's attachments                 | table | EMP#<employeeId>, sk ATT#<period>#…  |
 * | a person's notifications and mail settings | table | NOTIF#<employeeId>                    |
 * | suppressed addresses (bounce, complaint)  | gsi1  | MAIL_SUPPRESSED                       |
 * | pending appeals of a period (to decide)   | table | APPEALS#<period>, sk <employeeId>     |
 * | a unit and its children's annual summary  | table | UNIT#<unitId>, sk ANNUAL_SUMMARY#<year> (BatchGet by key) |
 * | a data migration's progress (resumable)   | table | MIGRATION#<name>, sk #CHECKPOINT (Get by key) |
 *
 * Indexes and what they copy (table-definition.ts): gsi1, gsi2, gsi3 project ALL; gsi4 and gsi5 (the reviewers' and
 * approvers' lists of periods opened before 2026-12) KEYS_ONLY, read back by key, so an evaluation's transitions
 * write neither. An evaluation opened since 2026-12 is in no index: its unit, reviewer and approver list it on their
 * rosters (table items, one per unit, written when the period opens) and read it by key, so a draft costs one table
 * write and a transition no index write. Older ones are in gsi3, gsi4 and gsi5; until the `inbox-keys` migration has run on a table written
 * before 2026-11, the oldest carry their list keys in gsi1/gsi2 instead (shared/store/migrate-inbox-keys.ts).
 *
 * Pending appeals: one small marker per appeal waiting for its decision, in a partition of its own per period,
 * Put in the same transaction as the `appeal` transition and Deleted in the same one as `decideAppeal`, so the
 * list can never disagree with the evaluations. Appeals are few (a handful per thousand forms), so one partition
 * per period is never hot.
 */

export type RosterRole = 'reviewer' | 'approver';

export const ENTITY = {
  unit: 'Unit',
  employee: 'Employee',
  rubric: 'Rubric',
  period: 'Period',
  unitPeriod: 'UnitPeriod',
  evaluation: 'Evaluation',
  roster: 'Roster',
  history: 'HistoryEvent',
  orgAudit: 'OrgAuditEvent',
  idempotency: 'IdempotencyRecord',
  delegation: 'Delegation',
  ranking: 'RankingSnapshot',
  subunitRanking: 'SubunitRankingSnapshot',
  annual: 'AnnualResult',
  checkpoint: 'JobCheckpoint',
  outbox: 'OutboxMessage',
  product: 'Product',
  productRevision: 'ProductRevision',
  workLog: 'WorkLogEvent',
  attachment: 'Attachment',
  mailPreference: 'MailPreference',
  notification: 'Notification',
  mailQuota: 'MailQuota',
  pendingAppeal: 'PendingAppeal',
  annualSummary: 'AnnualSummary',
  migration: 'Migration',
} as const;

export type EntityType = (typeof ENTITY)[keyof typeof ENTITY];

export interface TableKey {
  pk: string;
  sk: string;
}

const ROOT = 'ROOT';
const pad = (n: number, width = 6) => String(n).padStart(width, '0');

export const keys = {
  unit: (unitId: string, parentId: string | null) => ({
    pk: `UNIT#${unitId}`,
    sk: '#UNIT',
    gsi1pk: 'UNITS',
    gsi1sk: unitId,
    gsi2pk: `UNIT_CHILDREN#${parentId ?? ROOT}`,
    gsi2sk: unitId,
    entityType: ENTITY.unit,
  }),
  unitKey: (unitId: string): TableKey => ({ pk: `UNIT#${unitId}`, sk: '#UNIT' }),
  allUnits: () => ({ index: 'gsi1', pk: 'UNITS' }) as const,
  childUnits: (parentId: string | null) =>
    ({ index: 'gsi2', pk: `UNIT_CHILDREN#${parentId ?? ROOT}` }) as const,

  employee: (employeeId: string, unitId: string) => ({
    pk: `EMP#${employeeId}`,
    sk: '#EMP',
    gsi1pk: `UNIT_STAFF#${unitId}`,
    gsi1sk: employeeId,
    entityType: ENTITY.employee,
  }),
  employeeKey: (employeeId: string): TableKey => ({ pk: `EMP#${employeeId}`, sk: '#EMP' }),
  unitStaff: (unitId: string) => ({ index: 'gsi1', pk: `UNIT_STAFF#${unitId}` }) as const,

  rubric: (rubricId: string, version: number) => ({
    pk: `RUBRIC#${rubricId}`,
    sk: `V#${pad(version)}`,
    gsi1pk: 'RUBRICS',
    gsi1sk: `${rubricId}#${pad(version)}`,
    entityType: ENTITY.rubric,
  }),
  rubricVersions: (rubricId: string) => ({ pk: `RUBRIC#${rubricId}`, skPrefix: 'V#' }),
  allRubrics: () => ({ index: 'gsi1', pk: 'RUBRICS' }) as const,

  period: (period: string) => ({
    pk: `PERIOD#${period}`,
    sk: '#PERIOD',
    gsi1pk: 'PERIODS',
    gsi1sk: period,
    entityType: ENTITY.period,
  }),
  periodKey: (period: string): TableKey => ({ pk: `PERIOD#${period}`, sk: '#PERIOD' }),
  allPeriods: () => ({ index: 'gsi1', pk: 'PERIODS' }) as const,

  /**
   * Per unit and period: status counts, grade counts and the A-quota counter (sharded by unit on purpose). In no
   * index: every submit, review and approval moves it, and an index copy would bill each of those a write unit
   * more; a period's counters are read by key, one BatchGet per 100 units (`periodCounters`). Counters written
   * before 2026-12 carry `gsi1pk`/`gsi1sk` (PERIOD_UNITS#<period>) and are read on gsi1 too (`periodUnits`).
   */
  unitPeriod: (unitId: string, period: string) => ({
    pk: `UNIT#${unitId}`,
    sk: `PERIOD#${period}`,
    entityType: ENTITY.unitPeriod,
  }),
  unitPeriodKey: (unitId: string, period: string): TableKey => ({
    pk: `UNIT#${unitId}`,
    sk: `PERIOD#${period}`,
  }),
  /** Where counters written before 2026-12 are listed (gsi1); later ones are in no index. */
  periodUnits: (period: string) => ({ index: 'gsi1', pk: `PERIOD_UNITS#${period}` }) as const,

  /**
   * An evaluation opened before 2026-12 is in its unit's list (gsi3, ALL) and its reviewer's and approver's lists
   * (gsi4 and gsi5, keys only). One opened since (`rostered`) is in no index: its unit, reviewer and approver list it
   * on their rosters, written once when the period opens, so neither the draft nor any transition writes an index.
   */
  evaluation: (e: {
    employeeId: string;
    period: string;
    reviewerId: string;
    approverId: string;
    unitId: string;
    rostered?: true | undefined;
  }) => ({
    pk: `EMP#${e.employeeId}`,
    sk: `EVAL#${e.period}`,
    ...(e.rostered
      ? {}
      : {
          gsi3pk: `UNIT_EVALS#${e.unitId}#${e.period}`,
          gsi3sk: e.employeeId,
          gsi4pk: `REVIEWER#${e.reviewerId}#${e.period}`,
          gsi4sk: e.employeeId,
          gsi5pk: `APPROVER#${e.approverId}#${e.period}`,
          gsi5sk: e.employeeId,
        }),
    entityType: ENTITY.evaluation,
  }),
  evaluationKey: (employeeId: string, period: string): TableKey => ({
    pk: `EMP#${employeeId}`,
    sk: `EVAL#${period}`,
  }),
  employeeEvaluations: (employeeId: string, yearOrPeriodPrefix: string) => ({
    pk: `EMP#${employeeId}`,
    skPrefix: `EVAL#${yearOrPeriodPrefix}`,
  }),
  reviewerQueue: (reviewerId: string, period: string) =>
    ({ index: 'gsi4', pk: `REVIEWER#${reviewerId}#${period}` }) as const,
  approverQueue: (approverId: string, period: string) =>
    ({ index: 'gsi5', pk: `APPROVER#${approverId}#${period}` }) as const,
  unitEvaluations: (unitId: string, period: string) =>
    ({ index: 'gsi3', pk: `UNIT_EVALS#${unitId}#${period}` }) as const,
  /**
   * A reviewer's or approver's roster for a period: the employee ids of one unit they review or approve there, as
   * open-period fixed them (a string set, added to only: a rerun writes the same ids again).
   */
  roster: (role: RosterRole, ownerId: string, period: string, unitId: string) => ({
    pk: `ROSTER#${role}#${ownerId}#${period}`,
    sk: unitId,
    entityType: ENTITY.roster,
  }),
  rostersOf: (role: RosterRole, ownerId: string, period: string) => ({
    pk: `ROSTER#${role}#${ownerId}#${period}`,
  }),
  /**
   * The unit's evaluations of a period already counted in its counters (open-period counts each once): also the
   * unit's list of its rostered evaluations, read by key.
   */
  unitRoster: (unitId: string, period: string) => ({
    pk: `UNIT#${unitId}`,
    sk: `ROSTER#${period}`,
    entityType: ENTITY.roster,
  }),

  /** One history event per evaluation version: the version in the key makes a double-applied transition impossible. */
  history: (employeeId: string, period: string, version: number) => ({
    pk: `EMP#${employeeId}`,
    sk: `HIST#${period}#${pad(version)}`,
    entityType: ENTITY.history,
  }),
  historyOf: (employeeId: string, period: string) => ({
    pk: `EMP#${employeeId}`,
    skPrefix: `HIST#${period}#`,
  }),

  orgAudit: (day: string, at: string, id: string) => ({
    pk: `AUDIT#${day}`,
    sk: `${at}#${id}`,
    entityType: ENTITY.orgAudit,
  }),

  idempotency: (principalId: string, idempotencyKey: string) => ({
    pk: `IDEMP#${principalId}#${idempotencyKey}`,
    sk: '#IDEMP',
    entityType: ENTITY.idempotency,
  }),

  delegation: (unitId: string, delegateId: string, from: string) => ({
    pk: `UNIT#${unitId}`,
    sk: `ACTING#${delegateId}#${from}`,
    gsi1pk: `ACTING_FOR#${delegateId}`,
    gsi1sk: `${unitId}#${from}`,
    entityType: ENTITY.delegation,
  }),
  unitDelegations: (unitId: string) => ({ pk: `UNIT#${unitId}`, skPrefix: 'ACTING#' }),
  delegationsTo: (delegateId: string) => ({ index: 'gsi1', pk: `ACTING_FOR#${delegateId}` }) as const,

  ranking: (unitId: string, period: string) => ({
    pk: `UNIT#${unitId}`,
    sk: `RANKING#${period}`,
    entityType: ENTITY.ranking,
  }),
  subunitRanking: (unitId: string, period: string) => ({
    pk: `UNIT#${unitId}`,
    sk: `SUBRANKING#${period}`,
    entityType: ENTITY.subunitRanking,
  }),

  annual: (employeeId: string, year: number, unitId: string) => ({
    pk: `EMP#${employeeId}`,
    sk: `ANNUAL#${year}`,
    gsi3pk: `UNIT_ANNUAL#${unitId}#${year}`,
    gsi3sk: employeeId,
    entityType: ENTITY.annual,
  }),
  unitAnnual: (unitId: string, year: number) =>
    ({ index: 'gsi3', pk: `UNIT_ANNUAL#${unitId}#${year}` }) as const,
  /** A unit's annual results for a year, up to 1,000 people an item (since 2026-11; `annual` items before). */
  unitAnnualChunk: (unitId: string, year: number, chunk: number) => ({
    pk: `UNIT#${unitId}`,
    sk: `ANNUAL#${year}#${pad(chunk, 3)}`,
    chunk,
    entityType: ENTITY.annual,
  }),
  unitAnnualChunks: (unitId: string, year: number) => ({ pk: `UNIT#${unitId}`, skPrefix: `ANNUAL#${year}#` }),

  /** The current run of a job for one scope (a period, a year, a day): status, counters, reference time. */
  checkpoint: (job: string, scope: string) => ({
    pk: `JOB#${job}#${scope}`,
    sk: '#CHECKPOINT',
    entityType: ENTITY.checkpoint,
  }),
  checkpointKey: (job: string, scope: string): TableKey => ({ pk: `JOB#${job}#${scope}`, sk: '#CHECKPOINT' }),
  /**
   * One finished step (usually one unit) of one run. The run id in the partition keeps a new run from seeing an
   * old run's steps; all steps of a run are one Query.
   */
  jobStep: (job: string, scope: string, runId: string, step: string) => ({
    pk: `JOB#${job}#${scope}#RUN#${runId}`,
    sk: `STEP#${step}`,
    entityType: ENTITY.checkpoint,
  }),
  jobSteps: (job: string, scope: string, runId: string) => ({
    pk: `JOB#${job}#${scope}#RUN#${runId}`,
    skPrefix: 'STEP#',
  }),

  outbox: (day: string, recipientId: string, reminder: string) => ({
    pk: `OUTBOX#${day}`,
    sk: `${recipientId}#${reminder}`,
    entityType: ENTITY.outbox,
  }),
  outboxKey: (day: string, recipientId: string, reminder: string): TableKey => ({
    pk: `OUTBOX#${day}`,
    sk: `${recipientId}#${reminder}`,
  }),
  outboxOfDay: (day: string) => ({ pk: `OUTBOX#${day}` }),

  /**
   * A product fed for an employee and period, in the employee's partition beside the evaluation: one Query with the
   * prefix below reads the products and their revision counter together. `#` cannot occur in a source name, so the
   * source id (anything printable) comes last.
   */
  product: (employeeId: string, period: string, source: string, sourceId: string) => ({
    pk: `EMP#${employeeId}`,
    sk: `PROD#${period}#P#${source}#${sourceId}`,
    entityType: ENTITY.product,
  }),
  productKey: (employeeId: string, period: string, source: string, sourceId: string): TableKey => ({
    pk: `EMP#${employeeId}`,
    sk: `PROD#${period}#P#${source}#${sourceId}`,
  }),
  /** Moved by every change that alters the products' score; a review is written only if it has not moved. */
  productRevision: (employeeId: string, period: string) => ({
    pk: `EMP#${employeeId}`,
    sk: `PROD#${period}#REV`,
    entityType: ENTITY.productRevision,
  }),
  productRevisionKey: (employeeId: string, period: string): TableKey => ({
    pk: `EMP#${employeeId}`,
    sk: `PROD#${period}#REV`,
  }),
  productsOf: (employeeId: string, period: string) => ({
    pk: `EMP#${employeeId}`,
    skPrefix: `PROD#${period}#`,
  }),
  workLog: (employeeId: string, period: string, at: string, id: string) => ({
    pk: `EMP#${employeeId}`,
    sk: `WLOG#${period}#${at}#${id}`,
    entityType: ENTITY.workLog,
  }),
  workLogOf: (employeeId: string, period: string) => ({
    pk: `EMP#${employeeId}`,
    skPrefix: `WLOG#${period}#`,
  }),
  attachment: (employeeId: string, period: string, attachmentId: string) => ({
    pk: `EMP#${employeeId}`,
    sk: `ATT#${period}#${attachmentId}`,
    entityType: ENTITY.attachment,
  }),
  attachmentKey: (employeeId: string, period: string, attachmentId: string): TableKey => ({
    pk: `EMP#${employeeId}`,
    sk: `ATT#${period}#${attachmentId}`,
  }),
  attachmentsOf: (employeeId: string, period: string) => ({
    pk: `EMP#${employeeId}`,
    skPrefix: `ATT#${period}#`,
  }),

  /**
   * A person's mail settings, in the partition of their notifications: `/v1/me` reads both with one Query. While an
   * address is suppressed the item is listed for HR on gsi1.
   */
  mailPreference: (employeeId: string, suppressed: boolean) => ({
    pk: `NOTIF#${employeeId}`,
    sk: '#PREF',
    ...(suppressed ? { gsi1pk: 'MAIL_SUPPRESSED', gsi1sk: employeeId } : {}),
    entityType: ENTITY.mailPreference,
  }),
  mailPreferenceKey: (employeeId: string): TableKey => ({ pk: `NOTIF#${employeeId}`, sk: '#PREF' }),
  suppressedAddresses: () => ({ index: 'gsi1', pk: 'MAIL_SUPPRESSED' }) as const,

  /** One in-app notification; newest last in the partition (the id starts with its time). */
  notification: (recipientId: string, id: string) => ({
    pk: `NOTIF#${recipientId}`,
    sk: `N#${id}`,
    entityType: ENTITY.notification,
  }),
  notificationKey: (recipientId: string, id: string): TableKey => ({
    pk: `NOTIF#${recipientId}`,
    sk: `N#${id}`,
  }),
  /** The whole partition: the mail settings (`#PREF`) and the notifications (`N#…`). */
  notificationsOf: (recipientId: string) => ({ pk: `NOTIF#${recipientId}` }),

  /** Messages handed to SES on one day (Vietnam time): the daily sending quota. */
  mailQuota: (day: string) => ({ pk: `MAILQUOTA#${day}`, sk: '#COUNT', entityType: ENTITY.mailQuota }),
  pendingAppeal: (period: string, employeeId: string) => ({
    pk: `APPEALS#${period}`,
    sk: employeeId,
    entityType: ENTITY.pendingAppeal,
  }),
  pendingAppealKey: (period: string, employeeId: string): TableKey => ({
    pk: `APPEALS#${period}`,
    sk: employeeId,
  }),
  pendingAppeals: (period: string) => ({ pk: `APPEALS#${period}` }),

  /** A data migration's progress: where each Scan segment goes on. */
  migration: (name: string) => ({ pk: `MIGRATION#${name}`, sk: '#CHECKPOINT', entityType: ENTITY.migration }),
  migrationKey: (name: string): TableKey => ({ pk: `MIGRATION#${name}`, sk: '#CHECKPOINT' }),

  /** A unit's annual figures and its subtree's, written by the annual roll-up's finalisation. */
  annualSummary: (unitId: string, year: number) => ({
    pk: `UNIT#${unitId}`,
    sk: `ANNUAL_SUMMARY#${year}`,
    entityType: ENTITY.annualSummary,
  }),
};
