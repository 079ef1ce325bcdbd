/**
 * What the web app reads from the HTTP API (../shared/API.md). Written out here so the browser bundle holds no
 * server code; test/web/api-types.test.ts checks at compile time that the server's presenters still produce these
 * shapes, so the two cannot drift apart silently.
 */

export type Grade = 'A' | 'B' | 'C' | 'D';
export type EvaluationStatus = 'DRAFT' | 'SUBMITTED' | 'REVIEWED' | 'APPROVED' | 'RETURNED' | 'EXPIRED';
export type Scores = Record<string, number>;

export interface Deadlines {
  selfAssessment: string;
  review: string;
  approval: string;
}

export interface EvaluationFlags {
  selfAssessmentMissing?: boolean;
  lateSelfAssessment?: boolean;
  lateReview?: boolean;
  lateApproval?: boolean;
  reviewedByApprover?: boolean;
  approvedByActingHead?: boolean;
}

export interface Evaluation {
  employeeId: string;
  employeeName: string;
  period: string;
  unitId: string;
  /** Names come with a GET of the evaluation (and `/v1/me?include=current`); transitions answer ids only. */
  unitName?: string | null;
  status: EvaluationStatus;
  returnedTo: 'employee' | 'reviewer' | null;
  version: number;
  rubricId: string;
  rubricVersion: number;
  reviewerId: string;
  reviewerName?: string | null;
  approverId: string;
  approverName?: string | null;
  /** When the approver is a role (heads of top-level units): who, in words; null for a person. */
  approverRole?: string | null;
  /** The duty group the A quota is counted in (Decree 335). */
  dutyGroup?: string | null;
  deadlines: Deadlines;
  selfAssessment: {
    scores: Scores;
    total: number;
    comment: string | null;
    submittedAt: string | null;
  } | null;
  review: {
    scores: Scores;
    total: number;
    comment: string | null;
    reviewedAt: string;
    reviewerId: string;
    reviewerName?: string | null;
  } | null;
  decision: {
    scores: Scores;
    total: number;
    grade: Grade;
    gradeLabel: string;
    comment: string | null;
    approvedAt: string;
    approverId: string;
    approverName?: string | null;
    adjusted: boolean;
    forcedReason: string | null;
  } | null;
  appeal: {
    reason: string;
    filedAt: string;
    status: 'PENDING' | 'ACCEPTED' | 'REJECTED';
    decidedAt: string | null;
    deciderId: string | null;
    deciderName?: string | null;
    comment: string | null;
  } | null;
  flags: EvaluationFlags;
  publishedAt: string | null;
  /** The last instant to appeal the published result (null before the close). */
  appealDeadline?: string | null;
}

export interface HistoryItem {
  at: string;
  version: number;
  actorId: string;
  action: string;
  fromStatus: EvaluationStatus | null;
  toStatus: EvaluationStatus;
  comment?: string;
  onBehalfOf?: string;
  /** The actor's name (null for the system and for an administrator who is no employee). */
  actorName?: string | null;
  onBehalfOfName?: string | null;
}

export type EmployeeCategory = 'cadre' | 'civil_servant' | 'public_employee' | 'worker';

/** Recorded by HR: each forces grade D (Decree 335). */
export interface EmployeeFlags {
  disciplined?: boolean;
  degradation?: boolean;
  unitCorruption?: boolean;
}

export interface Employee {
  id: string;
  name: string;
  unitId: string;
  category: EmployeeCategory;
  supervisorId: string | null;
  isUnitHead: boolean;
  email: string | null;
  active: boolean;
  flags?: EmployeeFlags;
  /** The group of similar duties the A quota is counted in (Decree 335); null: none. */
  dutyGroup?: string | null;
  /** For each flag that is set: who set it (and their name), when, on what grounds. */
  flagNotes?: Partial<
    Record<keyof EmployeeFlags, { by: string; byName: string | null; at: string; reason: string }>
  >;
}

/** What `PUT /v1/employees/{id}` takes. */
export interface EmployeeInput {
  name: string;
  unitId: string;
  category: EmployeeCategory;
  supervisorId: string | null;
  isUnitHead?: boolean;
  email?: string;
  active?: boolean;
  flags?: EmployeeFlags;
  /** The grounds of a change of the flags: required when one changes. */
  flagReason?: string;
  dutyGroup?: string | null;
}

/** `POST /v1/org/import`: what was written (all or nothing). */
export interface ImportResult {
  units: number;
  employees: number;
  errors: { row: number; message: string }[];
}

type ImportCounts = { create: number; update: number; unchanged: number };

/** `POST /v1/org/import?dryRun=true`: what the import would change, field by field, and the rows in error. */
export interface ImportPreview extends ImportResult {
  dryRun: boolean;
  summary: { units: ImportCounts; employees: ImportCounts };
  changes: {
    row: number;
    kind: 'unit' | 'employee';
    id: string;
    action: 'create' | 'update' | 'unchanged';
    fields: string[];
  }[];
}

export interface Me {
  employeeId: string;
  employee: Employee | null;
  roles: string[];
  openPeriods: string[];
  /** The open periods the caller has an evaluation in (monthly and quarterly categories differ). */
  ownPeriods?: string[];
  pending: { selfAssessment: number; reviews: number; approvals: number };
  /** Which kinds of period the deployment has: months, quarters or both. */
  cycles?: ('monthly' | 'quarterly')[];
  notifications: { unread: number };
  email: EmailSettings;
}

/** The person's reminder e-mails: on or off (their own switch), and whether SES stopped mail to the address. */
export interface EmailSettings {
  enabled: boolean;
  suppressed: { reason: 'bounce' | 'complaint'; at: string } | null;
}

export type NotificationKind = 'returned' | 'reviewed' | 'approved' | 'published' | 'appealDecided';

export interface AppNotification {
  id: string;
  kind: NotificationKind;
  at: string;
  period: string;
  employeeId: string;
  employeeName: string | null;
  grade: Grade | null;
  accepted: boolean | null;
  reason: string | null;
  returnedTo: 'employee' | 'reviewer' | null;
  read: boolean;
  readAt: string | null;
  /** The sentence to show, in Vietnamese, and the page it links to. */
  message: string;
  path: string;
}

export interface PendingTask {
  kind: 'selfAssessment' | 'review' | 'approve';
  period: string;
  count: number;
  deadline: string;
  path: string;
}

export interface Notifications {
  unread: number;
  tasks: PendingTask[];
  items: AppNotification[];
}

export interface SuppressedAddress {
  employeeId: string;
  name: string;
  unitId: string;
  email: string;
  reason: 'bounce' | 'complaint';
  detail: string | null;
  at: string;
}

export interface Criterion {
  id: string;
  label: string;
  max: number;
  group?: string;
}

export interface Band {
  grade: Grade;
  min: number;
  label: string;
}

export type QuotaRule =
  | { kind: 'shareOfEvaluated'; percent: number; outstandingPercent?: number }
  | { kind: 'shareOfB'; percent: number };

export interface Rubric {
  id: string;
  version: number;
  name: string;
  criteria: Criterion[];
  bands: Band[];
  quota: QuotaRule;
  categories?: EmployeeCategory[];
  leaderTaskCriterion?: string;
}

export interface Unit {
  id: string;
  name: string;
  parentId: string | null;
  outstanding: boolean;
}

export interface PeriodInfo {
  period: string;
  status: 'OPEN' | 'CLOSED';
  deadlines: Deadlines;
  closesAt: string | null;
  openedAt: string;
  closedAt: string | null;
  publishedAt: string | null;
  /** Last moment to appeal, once the period is closed and published. */
  appealDeadline?: string | null;
  counts: Partial<Record<EvaluationStatus, number>>;
  /** A close under way (AWS: the job is expiring the forms); the status still says OPEN. */
  closing?: boolean;
  /** A reopening under way (AWS: the job is bringing the forms back); the status says OPEN. */
  reopening?: boolean;
  /** Appeals filed since the close: any one of them and the period can no longer be reopened. */
  appealsFiled?: number;
  /** Until when a closed period may still be reopened (its appeal deadline, while no appeal was filed). */
  reopenableUntil?: string | null;
  /** Whether the reader may reopen it now (admins only): the page offers "Mở lại kỳ" exactly then. */
  mayReopen?: boolean;
}

export type InflationSignal = 'NEARLY_ALL_A' | 'ALL_SAME_GRADE' | 'SELF_ABOVE_REVIEW' | 'COPY_PASTE_COMMENTS';

export interface Ranking {
  unitId: string;
  unitName: string;
  period: string;
  computedAt: string;
  rubricId: string | null;
  entries: {
    rank: number;
    employeeId: string;
    name: string;
    total: number;
    grade: Grade;
    gradeLabel: string;
  }[];
  distribution: Record<Grade, number>;
  quota: {
    rule: string;
    limit: number;
    used: number;
    ok: boolean;
    /** Under Decree 335 with duty groups: each group's use (`group` null for staff without one). */
    groups?: { group: string | null; limit: number; used: number; ok: boolean }[];
  } | null;
  participation: {
    evaluated: number;
    submitted: number;
    reviewed: number;
    approved: number;
    missing: number;
    late: number;
  };
  inflation: {
    unitId: string;
    name: string;
    approved: number;
    /** Basis points (1/100 of a percent). */
    shareA: number;
    meanSelfMinusReview: number | null;
    allSameGrade: boolean;
    identicalComments: number;
    signals: InflationSignal[];
  };
  /**
   * The unit and every unit below it, summed by the ranking pipeline (the figures above are the unit's own staff
   * only); null on a snapshot computed before it existed.
   */
  subtree?: SubtreeFigures | null;
}

export interface SubtreeFigures {
  units: number;
  staff: number;
  /** Points; null when nothing was approved. */
  meanTotal: number | null;
  distribution: Record<Grade, number>;
  participation: Ranking['participation'];
  inflation: Omit<Ranking['inflation'], 'unitId' | 'name'>;
}

/** The annual figures of a unit and everything below it, from the last annual roll-up. */
export interface AnnualFigures {
  units: number;
  staff: number;
  classified: number;
  notClassified: number;
  grades: Record<Grade, number>;
  meanAverage: number | null;
}

export interface SubunitRanking {
  unitId: string;
  period: string;
  computedAt: string;
  entries: {
    rank: number;
    unitId: string;
    name: string;
    meanTotal: number | null;
    /** Percent. */
    shareA: number;
    /** Percent. */
    participation: number;
  }[];
}

export interface AnnualReport {
  unitId: string;
  year: number;
  items: {
    employeeId: string;
    name: string;
    average: number | null;
    monthsCounted: number;
    /** Periods evaluated, and the periods the year had (12 months, 4 quarters, or a mix). */
    periodsCounted?: number;
    periodsInYear?: number;
    grade: Grade | null;
    gradeLabel: string;
    classified: boolean;
    /** Why the year is not classified; null when it is. */
    reason?: string | null;
  }[];
  /** The unit and every unit below it (null for a year never rolled up); `items` are its own staff only. */
  subtree?: (AnnualFigures & { computedAt: string }) | null;
  subunits?: { unitId: string; name: string; subtree: AnnualFigures | null }[];
}

/** `GET /v1/reports/income/{period}`: what the results pay, per person, from the configured table. */
export interface IncomeReport {
  unitId: string;
  unitName: string;
  period: string | null;
  year: number;
  currency: string;
  columns: { id: string; label: string; per: 'month' | 'period' | 'year' }[];
  items: {
    employeeId: string;
    name: string;
    dutyGroup: string | null;
    points: number | null;
    grade: Grade | null;
    gradeLabel: string;
    amounts: Record<string, number>;
    total: number;
  }[];
  totals: Record<string, number>;
  grandTotal: number;
  note: string;
}

export interface Delegation {
  unitId: string;
  headId: string;
  delegateId: string;
  from: string;
  to: string;
  reason: string | null;
}

/** One item of a bulk approval: the approved evaluation (status 200), or the refusal. */
export type BulkOutcome =
  | { employeeId: string; status: number; evaluation: Evaluation }
  | { employeeId: string; status: number; error: ApiErrorBody['error'] };

export interface BulkResult {
  period: string;
  approved: number;
  failed: number;
  items: BulkOutcome[];
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { path?: string; message: string }[] };
}

/** A converted product fed by a work system (GET …/products). */
export interface Product {
  id: string;
  source: string;
  sourceId: string;
  title: string;
  weight: number;
  dueAt: string | null;
  completedAt: string | null;
  completed: boolean;
  majorErrors: number;
  delays: number;
  errorsExcused: number;
  delaysExcused: number;
  excuseNote: string | null;
  excusedBy: string | null;
  excusedAt: string | null;
  comment: string | null;
  commentedAt: string | null;
  /** The product's own score out of 100. */
  score: number;
  updatedAt: string;
}

export interface ProductsView {
  employeeId: string;
  period: string;
  /** Products, excuses, comments and evidence may still change (before the review). */
  open: boolean;
  /** computed: the task criterion comes from the products; manual: typed (none fed); none: the rubric has none. */
  scoring: 'computed' | 'manual' | 'none';
  taskScore: { criterionId: string; max: number; value: number } | null;
  items: Product[];
}

export interface Attachment {
  id: string;
  target: { kind: 'product'; productId: string } | { kind: 'criterion'; criterionId: string };
  name: string;
  contentType: string;
  size: number;
  status: 'UPLOADING' | 'AVAILABLE';
  ownerId: string;
  createdAt: string;
  confirmedAt: string | null;
}

export interface UploadTicket {
  attachment: Attachment;
  upload: { method: 'POST'; url: string; fields: Record<string, string>; expiresAt: string };
}

/** One appeal waiting for a decision, as `GET /v1/appeals` lists it (the decider's inbox). */
export interface PendingAppeal {
  employeeId: string;
  employeeName: string;
  unitId: string;
  unitName: string | null;
  version: number;
  filedAt: string;
  grade: Grade | null;
  gradeLabel: string | null;
  total: number | null;
  /** Cut to 200 characters (`reasonTruncated`); the evaluation has it whole. */
  reason: string;
  reasonTruncated: boolean;
  /** The period's appeal deadline: the last instant an appeal could be filed. */
  deadline: string | null;
  /** False for an admin, who sees every pending appeal and decides none. */
  mayDecide: boolean;
}

export interface PendingAppeals {
  period: string;
  items: PendingAppeal[];
}

/** `GET /v1/units/{unitId}/employees`: one page of a unit's own staff, in Vietnamese order of the names. */
export interface UnitStaffPage {
  unitId: string;
  unitName: string;
  /** The unit's staff the list holds, all pages together. */
  total: number;
  items: Employee[];
  nextCursor: string | null;
}
