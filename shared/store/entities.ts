/**
 * What the store keeps, entity by entity, and the one checked decoder of each: every item read back from the
 * table goes through its entity's schema, so a malformed or foreign item is an error where it is read, never a
 * wrong value further on. Key attributes (`pk`, `sk`, `gsi…`, `entityType`, `expiresAt`) are not part of an
 * entity: the schemas drop them. Writers build items from these types and `keys.ts`.
 */
import * as z from 'zod';
import type { Band, Rubric } from '../domain/rubrics.ts';
import {
  type Appeal,
  type Deadlines,
  type Decision,
  EMPLOYEE_CATEGORIES,
  type EmployeeFlags,
  EVALUATION_STATUSES,
  type Evaluation,
  type EvaluationFlags,
  GRADES,
  type Review,
  type SelfAssessment,
} from '../domain/types.ts';

const nullableString = z.string().nullable();
const scoreMap = z.record(z.string(), z.number());
const grade = z.enum(GRADES);
const status = z.enum(EVALUATION_STATUSES);

export const unitSchema = z.object({
  id: z.string(),
  name: z.string(),
  parentId: nullableString,
  outstanding: z.boolean(),
  updatedAt: z.string(),
});
export type Unit = z.output<typeof unitSchema>;

const employeeFlagsSchema = z.object({
  disciplined: z.boolean().optional(),
  degradation: z.boolean().optional(),
  unitCorruption: z.boolean().optional(),
}) satisfies z.ZodType<EmployeeFlags>;

/** Who set a flag, when, and on what grounds (a decision's number, a conclusion): kept while the flag is set. */
const flagNoteSchema = z.object({ by: z.string(), at: z.string(), reason: z.string() });
export type FlagNote = z.output<typeof flagNoteSchema>;
const flagNotesSchema = z.object({
  disciplined: flagNoteSchema.optional(),
  degradation: flagNoteSchema.optional(),
  unitCorruption: flagNoteSchema.optional(),
});
export type FlagNotes = z.output<typeof flagNotesSchema>;

export const employeeSchema = z.object({
  id: z.string(),
  name: z.string(),
  unitId: z.string(),
  category: z.enum(EMPLOYEE_CATEGORIES),
  supervisorId: nullableString,
  isUnitHead: z.boolean(),
  email: nullableString,
  active: z.boolean(),
  flags: employeeFlagsSchema,
  /** The group of similar duties (Decree 335) the A quota is counted in, when the unit uses groups. */
  dutyGroup: z.string().nullable().optional(),
  /** For each flag that is set: who set it, when and why (absent when no flag is set). */
  flagNotes: flagNotesSchema.optional(),
  updatedAt: z.string(),
});
export type Employee = z.output<typeof employeeSchema>;

export const delegationSchema = z.object({
  unitId: z.string(),
  /** The unit head who named the acting head. */
  headId: z.string(),
  delegateId: z.string(),
  from: z.string(),
  to: z.string(),
  reason: nullableString,
  createdAt: z.string(),
});
export type Delegation = z.output<typeof delegationSchema>;

export const AUDITED_ENTITIES = ['unit', 'employee', 'delegation', 'rubric', 'period'] as const;
export const orgAuditEventSchema = z.object({
  at: z.string(),
  actorId: z.string(),
  action: z.string(),
  entity: z.enum(AUDITED_ENTITIES),
  entityId: z.string(),
  changes: z.record(z.string(), z.unknown()).optional(),
});
export type OrgAuditEvent = z.output<typeof orgAuditEventSchema>;

const deadlinesSchema = z.object({
  selfAssessment: z.string(),
  review: z.string(),
  approval: z.string(),
}) satisfies z.ZodType<Deadlines>;

/** REOPENING: an admin reopened the CLOSED period; the reopen-period job is bringing back what the close expired. */
export const PERIOD_STATUSES = ['OPEN', 'CLOSING', 'CLOSED', 'REOPENING'] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];

export const skippedEmployeeSchema = z.object({ employeeId: z.string(), reason: z.string() });
export type SkippedEmployee = z.output<typeof skippedEmployeeSchema>;

export const periodSchema = z.object({
  period: z.string(),
  status: z.enum(PERIOD_STATUSES),
  deadlines: deadlinesSchema,
  /** When the scheduled close is due (after the approval deadline). */
  closesAt: z.string(),
  openedAt: z.string(),
  openedBy: z.string(),
  /** Employees that could not get a draft (e.g. nobody to approve them), kept for HR to fix. */
  skipped: z.array(skippedEmployeeSchema),
  /** How many were skipped in all (the list keeps the first MAX_SKIPPED_LISTED). */
  skippedCount: z.number().optional(),
  /** When a close began: a close resumed later still closes as of that instant. */
  closingStartedAt: z.string().optional(),
  closedAt: nullableString,
  publishedAt: nullableString,
  appealDeadline: nullableString,
  /**
   * The employee categories evaluated in this period (their cycle makes periods of its kind), fixed when the
   * period is first opened. Absent on periods opened before cycles were configurable: every category.
   */
  categories: z.array(z.enum(EMPLOYEE_CATEGORIES)).optional(),
  /** Appeals filed since the period closed (counted with each appeal): a period with any cannot be reopened. */
  appealsFiled: z.number().optional(),
  /** The last reopening: who, when (the reopen-period run's time), why. */
  reopen: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
});
export type Period = z.output<typeof periodSchema>;

const selfAssessmentSchema = z.object({
  scores: scoreMap,
  total: z.number(),
  comment: nullableString,
  submittedAt: nullableString,
}) satisfies z.ZodType<SelfAssessment>;

const reviewSchema = z.object({
  scores: scoreMap,
  total: z.number(),
  comment: nullableString,
  reviewedAt: z.string(),
  reviewerId: z.string(),
}) satisfies z.ZodType<Review>;

const decisionSchema = z.object({
  scores: scoreMap,
  total: z.number(),
  grade,
  comment: nullableString,
  approvedAt: z.string(),
  approverId: z.string(),
  adjusted: z.boolean(),
  forcedReason: nullableString.optional(),
  leaderRule: z
    .object({ criterionId: z.string(), before: z.number(), after: z.number() })
    .nullable()
    .optional(),
}) satisfies z.ZodType<Decision>;

const appealSchema = z.object({
  reason: z.string(),
  filedAt: z.string(),
  status: z.enum(['PENDING', 'ACCEPTED', 'REJECTED']),
  decidedAt: z.string().optional(),
  deciderId: z.string().optional(),
  comment: z.string().optional(),
  previousDecision: decisionSchema.optional(),
}) satisfies z.ZodType<Appeal>;

const evaluationFlagsSchema = z.object({
  selfAssessmentMissing: z.boolean().optional(),
  lateSelfAssessment: z.boolean().optional(),
  lateReview: z.boolean().optional(),
  lateApproval: z.boolean().optional(),
  reviewedByApprover: z.boolean().optional(),
  approvedByActingHead: z.boolean().optional(),
}) satisfies z.ZodType<EvaluationFlags>;

export const evaluationSchema = z.object({
  employeeId: z.string(),
  /** The employee's name when the period opened, for lists and rankings without a look-up per row. */
  employeeName: z.string(),
  period: z.string(),
  unitId: z.string(),
  category: z.enum(EMPLOYEE_CATEGORIES),
  isUnitHead: z.boolean(),
  status,
  returnedTo: z.enum(['employee', 'reviewer']).nullable(),
  version: z.number(),
  rubricId: z.string(),
  rubricVersion: z.number(),
  reviewerId: z.string(),
  approverId: z.string(),
  /** The unit whose head approves (the employee's unit, or its parent for a unit head): acting heads act for it. */
  approverUnitId: z.string(),
  /** The employee's duty group when the period opened (absent: none): the group the A quota is counted in. */
  dutyGroup: z.string().optional(),
  deadlines: deadlinesSchema,
  selfAssessment: selfAssessmentSchema.nullable(),
  review: reviewSchema.nullable(),
  decision: decisionSchema.nullable(),
  appeal: appealSchema.nullable(),
  flags: evaluationFlagsSchema,
  /** Set by the close's expiry (what it was), cleared when a reopened period brings it back. */
  expiredFrom: z
    .object({ status, returnedTo: z.enum(['employee', 'reviewer']).nullable() })
    .nullable()
    .optional(),
  /**
   * Opened since 2026-12: listed on its reviewer's and approver's rosters (not on gsi4/gsi5), counted in its unit's
   * counters through the unit's roster, and its opening history event is implied by the draft (see `withOpening`).
   */
  rostered: z.literal(true).optional(),
  /** Publication belongs to the period: never stored on the evaluation, always null when read back. */
  publishedAt: z.null().default(null),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredEvaluation = z.output<typeof evaluationSchema>;
/** A stored evaluation is an evaluation of the rules engine, with what the store adds (checked at compile time). */
export type IsEvaluation = StoredEvaluation extends Evaluation ? true : never;
export const storedEvaluationIsEvaluation: IsEvaluation = true;

/** One history event per evaluation version: the version in its key makes a double-applied transition impossible. */
export const historyEventSchema = z.object({
  employeeId: z.string(),
  period: z.string(),
  version: z.number(),
  at: z.string(),
  actorId: z.string(),
  action: z.string(),
  fromStatus: status.nullable(),
  toStatus: status,
  comment: nullableString,
  changes: z.record(z.string(), z.unknown()).nullable(),
  /** Set when an acting head acted for the unit head. */
  onBehalfOf: nullableString.optional(),
});
export type HistoryEvent = z.output<typeof historyEventSchema>;

/** A roster: the employee ids one reviewer or approver (or the unit's counters) has for a period in one unit. */
export const rosterSchema = z.object({
  ids: z.set(z.string()).default(() => new Set<string>()),
  /** The unit roster's revision: its count is taken only if nobody counted meanwhile. */
  rev: z.number().default(0),
});

/** Per unit and period: status counts, grade counts and the base of the A quota. */
export interface UnitPeriodCounters {
  unitId: string;
  period: string;
  /** Evaluations opened for the unit this period: the base of the 30% rule. */
  evaluated: number;
  outstanding: boolean;
  status: Record<(typeof EVALUATION_STATUSES)[number], number>;
  grades: Record<(typeof GRADES)[number], number>;
  /** Approved grades per duty group (only evaluations with a group), for the per-group A quota. */
  groups?: Record<string, Record<(typeof GRADES)[number], number>>;
}

const bandSchema = z.object({ grade, min: z.number(), label: z.string() }) satisfies z.ZodType<Band>;
export const rubricRecordSchema = z.object({
  id: z.string(),
  version: z.number(),
  name: z.string(),
  categories: z.array(z.enum(EMPLOYEE_CATEGORIES)),
  criteria: z.array(
    z.object({ id: z.string(), label: z.string(), max: z.number(), group: z.string().optional() }),
  ),
  bands: z.array(bandSchema),
  quota: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('shareOfEvaluated'), percent: z.number(), outstandingPercent: z.number() }),
    z.object({ kind: z.literal('shareOfB'), percent: z.number() }),
  ]),
  leaderTaskCriterion: z.string().optional(),
}) satisfies z.ZodType<Rubric>;

/**
 * A unit's own figures and those of its whole subtree, from which parents rank their sub-units and reports show the
 * subtree (sums of the units' own figures: each is additive). The later fields are absent from snapshots computed
 * before they existed (read as 0; `units` 0 marks such a snapshot).
 */
export const subtreeFiguresSchema = z.object({
  approved: z.number(),
  evaluated: z.number(),
  sumTotals: z.number(),
  countA: z.number(),
  /** Units counted (a unit's own figures: 1). */
  units: z.number().default(0),
  submitted: z.number().default(0),
  reviewed: z.number().default(0),
  late: z.number().default(0),
  countB: z.number().default(0),
  countC: z.number().default(0),
  countD: z.number().default(0),
  /** Sum and number of (self − review) gaps, hundredths, for the mean gap of the subtree. */
  gapSum: z.number().default(0),
  gapCount: z.number().default(0),
  /** Comments repeated word for word inside their unit (each unit's own count, summed). */
  identicalComments: z.number().default(0),
});
export type SubtreeFigures = z.output<typeof subtreeFiguresSchema>;

const participationSchema = z.object({
  evaluated: z.number(),
  submitted: z.number(),
  reviewed: z.number(),
  approved: z.number(),
  missing: z.number(),
  late: z.number(),
});
const gradeCounts = z.object({ A: z.number(), B: z.number(), C: z.number(), D: z.number() });

export const rankingSnapshotSchema = z.object({
  unitId: z.string(),
  unitName: z.string(),
  period: z.string(),
  computedAt: z.string(),
  rubricId: nullableString,
  entries: z.array(
    z.object({ rank: z.number(), employeeId: z.string(), name: z.string(), total: z.number(), grade }),
  ),
  distribution: gradeCounts,
  quota: z
    .object({
      rule: z.string(),
      limit: z.number(),
      used: z.number(),
      ok: z.boolean(),
      /** Under a per-group rule with duty groups: each group's use (`group` null for staff without one). */
      groups: z
        .array(
          z.object({
            group: z.string().nullable(),
            limit: z.number(),
            used: z.number(),
            ok: z.boolean(),
          }),
        )
        .optional(),
    })
    .nullable(),
  participation: participationSchema,
  inflation: z.object({
    unitId: z.string(),
    name: z.string(),
    approved: z.number(),
    shareA: z.number(),
    meanSelfMinusReview: z.number().nullable(),
    allSameGrade: z.boolean(),
    identicalComments: z.number(),
    signals: z.array(z.enum(['NEARLY_ALL_A', 'ALL_SAME_GRADE', 'SELF_ABOVE_REVIEW', 'COPY_PASTE_COMMENTS'])),
  }),
  subtree: subtreeFiguresSchema,
});
export type RankingSnapshot = z.output<typeof rankingSnapshotSchema>;

export const subunitRankingSnapshotSchema = z.object({
  unitId: z.string(),
  period: z.string(),
  computedAt: z.string(),
  entries: z.array(
    z.object({
      unitId: z.string(),
      name: z.string(),
      meanTotal: z.number().nullable(),
      shareA: z.number(),
      participation: z.number(),
      rank: z.number(),
    }),
  ),
});
export type SubunitRankingSnapshot = z.output<typeof subunitRankingSnapshotSchema>;

export const annualRecordSchema = z.object({
  employeeId: z.string(),
  name: z.string(),
  /** The unit the employee belonged to when the year was rolled up. */
  unitId: z.string(),
  year: z.number(),
  average: z.number().nullable(),
  monthsCounted: z.number(),
  grade: grade.nullable(),
  classified: z.boolean(),
  /** The months counted, wherever the employee was then. */
  periods: z.array(z.string()),
  /** The periods the year had for the employee's category, and why the year is not classified (absent before). */
  periodsInYear: z.number().optional(),
  reason: nullableString.optional(),
  computedAt: z.string(),
});
export type StoredAnnualResult = z.output<typeof annualRecordSchema>;

/** What a ranking reads of an evaluation: the ranking job asks the table for these attributes only. */
export const rankingRowSchema = z.object({
  employeeId: z.string(),
  employeeName: z.string(),
  status,
  rubricId: z.string(),
  rubricVersion: z.number(),
  dutyGroup: z.string().optional(),
  /** Absent when projected from an item whose flags were never set. */
  flags: evaluationFlagsSchema.optional(),
  // A projection leaves out what was null on the item: absent reads as null.
  selfAssessment: z.object({ total: z.number(), submittedAt: nullableString }).nullable().default(null),
  review: z.object({ total: z.number(), comment: nullableString }).nullable().default(null),
  decision: z.object({ total: z.number(), grade, comment: nullableString }).nullable().default(null),
});
export type RankingRow = z.output<typeof rankingRowSchema>;

export const RUN_STATUSES = ['RUNNING', 'DONE'] as const;
export const runSchema = z.object({
  job: z.string(),
  scope: z.string(),
  runId: z.string(),
  trigger: z.string(),
  status: z.enum(RUN_STATUSES),
  /** The run's reference time: what the job writes as computedAt, createdAt, etc. Unchanged on resume. */
  at: z.string(),
  startedAt: z.string(),
  finishedAt: nullableString,
  summary: z.record(z.string(), z.unknown()).nullable(),
});
export type StoredRun = z.output<typeof runSchema>;

export const stepRecordSchema = z.object({ step: z.string(), result: z.unknown() });

/**
 * PENDING: queued; SENDING: claimed by a consumer (since `claimedAt`); SENT: SES accepted it; FAILED: SES refused
 * this message for good; NO_ADDRESS, OPTED_OUT, SUPPRESSED: not sent to this person (no address, e-mail turned off,
 * the address bounced or complained); FOLDED: not sent, its content went into a later day's message.
 */
export const OUTBOX_STATUSES = [
  'PENDING',
  'SENDING',
  'SENT',
  'FAILED',
  'NO_ADDRESS',
  'OPTED_OUT',
  'SUPPRESSED',
  'FOLDED',
] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
/** The statuses a message never leaves. */
export const FINAL_OUTBOX_STATUSES: readonly OutboxStatus[] = [
  'SENT',
  'FAILED',
  'NO_ADDRESS',
  'OPTED_OUT',
  'SUPPRESSED',
  'FOLDED',
];
export const reminderTaskSchema = z.object({
  kind: z.enum(['self', 'review', 'approve']),
  period: z.string(),
  /** Evaluations waiting for this person (1 for their own self-assessment). */
  count: z.number(),
  deadline: z.string(),
});
export type ReminderTask = z.output<typeof reminderTaskSchema>;
export const outboxMessageSchema = z.object({
  day: z.string(),
  recipientId: z.string(),
  reminder: z.string(),
  to: nullableString,
  subject: z.string(),
  /** The plain-text part; the HTML part is made from it when sent (shared/app/jobs/reminder-content.ts). */
  text: z.string(),
  tasks: z.array(reminderTaskSchema),
  status: z.enum(OUTBOX_STATUSES),
  channel: z.enum(['ses', 'local']).nullable(),
  createdAt: z.string(),
  sentAt: nullableString,
  /** The error's name only: a provider's message may quote the address. */
  error: z.string().optional(),
  /** When the current claim was taken (status SENDING), and sends tried so far. */
  claimedAt: z.string().optional(),
  attempts: z.number().optional(),
  /** SES's message id, from the send's answer or from SES's own Send event (the proof it was accepted). */
  providerMessageId: z.string().optional(),
  acceptedAt: z.string().optional(),
  /** FOLDED: the day whose message carries this one's tasks instead. */
  foldedInto: z.string().optional(),
});
export type OutboxMessage = z.output<typeof outboxMessageSchema>;

export const storedResponseSchema = z.object({
  statusCode: z.number(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});
export type StoredResponse = z.output<typeof storedResponseSchema>;

/** The answer to a request sent with an Idempotency-Key, kept to be replayed to a retry. */
export const receiptSchema = z.object({
  principalId: z.string(),
  key: z.string(),
  /** What the request was (route, path, body): the same key with another request is refused. */
  requestHash: z.string(),
  response: storedResponseSchema,
  at: z.string(),
});
export type StoredReceipt = z.output<typeof receiptSchema>;

/**
 * Decodes one item read from the table. A failure means the table holds something this code did not write
 * (corruption, a foreign writer, a missed migration): a bug to surface, never a client's mistake.
 */
export function decode<S extends z.ZodType>(
  schema: S,
  item: Record<string, unknown>,
  what: string,
): z.output<S> {
  const result = schema.safeParse(item);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first ? `${first.path.join('.') || '(item)'}: ${first.message}` : 'invalid';
    throw new Error(
      `stored ${what} ${String(item.pk ?? '')}/${String(item.sk ?? '')} is malformed (${where})`,
    );
  }
  return result.data;
}

// ---- Products fed by the work systems, and evidence (Decree 335, Art. 26) -------------------------------------

/** A converted product assigned to an employee for a period, as the source system last reported it. */
export const productSchema = z.object({
  employeeId: z.string(),
  period: z.string(),
  /** The system that fed it (a task-assignment or document system, or `import` names for CSV files). */
  source: z.string(),
  /** The source system's own id: (source, sourceId) is the product's identity within the employee's period. */
  sourceId: z.string(),
  title: z.string(),
  /** Conversion coefficient in hundredths (1.5 → 150). */
  weight: z.number(),
  dueAt: nullableString,
  /** Delivered when set. */
  completedAt: nullableString,
  majorErrors: z.number(),
  delays: z.number(),
  /** The reviewer's confirmation of objective causes (absent until the reviewer sets it). */
  errorsExcused: z.number().default(0),
  delaysExcused: z.number().default(0),
  excuseNote: nullableString.default(null),
  excusedBy: nullableString.default(null),
  excusedAt: nullableString.default(null),
  /** The employee's comment on the product. */
  comment: nullableString.default(null),
  commentedAt: nullableString.default(null),
  /** Who fed it last (`client:<id>` for a machine client, else the employee id of the person who imported). */
  fedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredProduct = z.output<typeof productSchema>;

/** Per employee and period: a counter that every change of the products' scoring moves (the review guards on it). */
export const productRevisionSchema = z.object({
  employeeId: z.string(),
  period: z.string(),
  revision: z.number(),
  count: z.number(),
});
export type ProductRevision = z.output<typeof productRevisionSchema>;

export const WORK_LOG_ACTIONS = ['feed', 'comment', 'excuse', 'attach', 'detach'] as const;
/** The audit trail of an evaluation's products and evidence (the evaluation's own history has one event a version). */
export const workLogEventSchema = z.object({
  employeeId: z.string(),
  period: z.string(),
  at: z.string(),
  actorId: z.string(),
  action: z.enum(WORK_LOG_ACTIONS),
  /** Ids and figures only: no titles, names or file contents. */
  changes: z.record(z.string(), z.unknown()),
});
export type WorkLogEvent = z.output<typeof workLogEventSchema>;

export const ATTACHMENT_STATUSES = ['UPLOADING', 'AVAILABLE'] as const;
export const attachmentSchema = z.object({
  id: z.string(),
  employeeId: z.string(),
  period: z.string(),
  /** What it documents: one of the evaluation's products, or a criterion of its rubric. */
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('product'), productId: z.string() }),
    z.object({ kind: z.literal('criterion'), criterionId: z.string() }),
  ]),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  status: z.enum(ATTACHMENT_STATUSES),
  /** The object's key in the evidence bucket. */
  objectKey: z.string(),
  ownerId: z.string(),
  createdAt: z.string(),
  confirmedAt: nullableString,
});
export type StoredAttachment = z.output<typeof attachmentSchema>;
/**
 * A person's e-mail settings, kept apart from the employee record the org import manages: e-mail turned off by
 * the person, and the suppression SES's bounce and complaint events set. A suppression holds for the address that
 * bounced only: once HR records another address, it no longer applies.
 */
export const mailSuppressionSchema = z.object({
  reason: z.enum(['bounce', 'complaint']),
  address: z.string(),
  at: z.string(),
  /** SES's classification (`Permanent/General`, `abuse`…), for HR. */
  detail: z.string().nullable(),
});
export type MailSuppression = z.output<typeof mailSuppressionSchema>;
export const mailPreferenceSchema = z.object({
  employeeId: z.string(),
  emailOff: z.boolean(),
  suppression: mailSuppressionSchema.nullable(),
  updatedAt: z.string(),
});
export type MailPreference = z.output<typeof mailPreferenceSchema>;

/** What happened to someone's evaluation, for the bell in the web app. Small on purpose: ids and a few fields. */
export const NOTIFICATION_KINDS = ['returned', 'reviewed', 'approved', 'published', 'appealDecided'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const notificationSchema = z.object({
  recipientId: z.string(),
  /** Unique per recipient and sortable by time: `<at>~<kind>~<employeeId>~<period>[~v<version>]`. */
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  at: z.string(),
  /** The evaluation it is about: `employeeId` and `period`. */
  employeeId: z.string(),
  /** For a notice about someone else's evaluation (returned to the reviewer): whose. */
  employeeName: z.string().optional(),
  period: z.string(),
  actorId: nullableString,
  /** returned: to whom; approved, appealDecided, published: the grade; appealDecided: accepted or not. */
  returnedTo: z.enum(['employee', 'reviewer']).optional(),
  grade: grade.nullable().optional(),
  accepted: z.boolean().optional(),
  /** returned, appealDecided: the comment given (shortened), the reason the person needs. */
  reason: z.string().optional(),
  readAt: nullableString,
});
export type StoredNotification = z.output<typeof notificationSchema>;

/** What the remind job reads of an evaluation (a projection: a fifth of the item). */
export const reminderRowSchema = evaluationSchema.pick({
  employeeId: true,
  period: true,
  status: true,
  returnedTo: true,
  reviewerId: true,
  approverId: true,
  deadlines: true,
});
export type ReminderRow = z.output<typeof reminderRowSchema>;
/** What the name look-up reads of an employee or a unit (a projection: the id and the name only). */
export const nameRowSchema = z.object({ id: z.string(), name: z.string() });

/** Names of people and units, by id, for answers that show them beside the ids. */
export interface Names {
  employees: Map<string, string>;
  units: Map<string, string>;
}

/**
 * A pending appeal as the decider's list shows it: who, where, what was appealed, and the parties the decision
 * rule needs (written with the `appeal` transition, removed with `decideAppeal`).
 */
export const pendingAppealSchema = z.object({
  period: z.string(),
  employeeId: z.string(),
  employeeName: z.string(),
  unitId: z.string(),
  reviewerId: z.string(),
  approverId: z.string(),
  approverUnitId: z.string(),
  /** Who made the decision under appeal (they may not decide the appeal). */
  decisionApproverId: z.string(),
  /** The evaluation's version once appealed: nothing but the decision changes it. */
  version: z.number(),
  filedAt: z.string(),
  grade,
  total: z.number(),
  /** The reason, cut to MAX_APPEAL_REASON_SHOWN characters (the evaluation keeps it whole). */
  reason: z.string(),
  reasonTruncated: z.boolean(),
});
export type PendingAppeal = z.output<typeof pendingAppealSchema>;

/** Annual results summed over units (each unit's current staff): what an annual report's subtree rows show. */
export const annualFiguresSchema = z.object({
  units: z.number(),
  staff: z.number(),
  classified: z.number(),
  grades: gradeCounts,
  /** Sum and number of the annual averages (hundredths), for the mean of the subtree. */
  averageSum: z.number(),
  averaged: z.number(),
});
export type AnnualFigures = z.output<typeof annualFiguresSchema>;

/** Per unit and year, from the annual roll-up: its own staff's figures and its whole subtree's. */
export const annualSummarySchema = z.object({
  unitId: z.string(),
  year: z.number(),
  computedAt: z.string(),
  own: annualFiguresSchema,
  subtree: annualFiguresSchema,
});
export type AnnualSummary = z.output<typeof annualSummarySchema>;
