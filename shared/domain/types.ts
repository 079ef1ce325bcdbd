/**
 * Core vocabulary of the domain (see docs/DOMAIN.md). Pure types, no I/O.
 * Points are always held as integers of hundredths (`Hundredths`): 12.5 points is 1250.
 */

export type Hundredths = number;

export const EMPLOYEE_CATEGORIES = ['cadre', 'civil_servant', 'public_employee', 'worker'] as const;
export type EmployeeCategory = (typeof EMPLOYEE_CATEGORIES)[number];

export const GRADES = ['A', 'B', 'C', 'D'] as const;

/** The scheduled jobs act as the system: recorded as `system` in every history they write (and imply). */
export const SYSTEM_ACTOR = 'system';
export type Grade = (typeof GRADES)[number];

export const EVALUATION_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'REVIEWED',
  'APPROVED',
  'RETURNED',
  'EXPIRED',
] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** Error codes of the HTTP contract that a domain rule can produce. */
export type DomainErrorCode =
  | 'FORBIDDEN'
  | 'INVALID_TRANSITION'
  | 'DEADLINE_PASSED'
  | 'QUOTA_EXCEEDED'
  | 'VALIDATION_FAILED'
  | 'CONFLICT';

export interface Problem {
  path: string;
  message: string;
}

/** Flags HR records on an employee that force grade D (Decree 335). */
export interface EmployeeFlags {
  disciplined?: boolean;
  degradation?: boolean;
  /** For leaders: corruption or waste dealt with in a unit under their direct management. */
  unitCorruption?: boolean;
}

export interface Deadlines {
  /** ISO 8601 with offset: the last instant at which the action is on time. */
  selfAssessment: string;
  review: string;
  approval: string;
}

export type ScoreMap = Record<string, Hundredths>;

export interface SelfAssessment {
  scores: ScoreMap;
  total: Hundredths;
  comment: string | null;
  /** null while saved but not yet submitted. */
  submittedAt: string | null;
}

export interface Review {
  scores: ScoreMap;
  total: Hundredths;
  comment: string | null;
  reviewedAt: string;
  reviewerId: string;
}

export interface Decision {
  scores: ScoreMap;
  total: Hundredths;
  grade: Grade;
  comment: string | null;
  approvedAt: string;
  approverId: string;
  /** True when the approver changed the reviewer's scores (a comment is then mandatory). */
  adjusted: boolean;
  /** Why the grade is D regardless of points, when it is. */
  forcedReason?: string | null;
  /**
   * The leader rule (nd-335): a unit head's task score halved because a subordinate is graded D. `scores` and
   * `total` already include it; this keeps the score the approver entered.
   */
  leaderRule?: { criterionId: string; before: Hundredths; after: Hundredths } | null;
}

export interface Appeal {
  reason: string;
  filedAt: string;
  status: 'PENDING' | 'ACCEPTED' | 'REJECTED';
  decidedAt?: string;
  deciderId?: string;
  comment?: string;
  /** The decision as it was before an accepted appeal changed it. */
  previousDecision?: Decision;
}

export interface EvaluationFlags {
  selfAssessmentMissing?: boolean;
  lateSelfAssessment?: boolean;
  lateReview?: boolean;
  lateApproval?: boolean;
  /** The approver reviewed and approved in one step after the review deadline. */
  reviewedByApprover?: boolean;
  /** Approved by an acting head on behalf of the unit head. */
  approvedByActingHead?: boolean;
}

export interface Evaluation {
  employeeId: string;
  period: string;
  unitId: string;
  category: EmployeeCategory;
  isUnitHead: boolean;
  status: EvaluationStatus;
  /** Whom a RETURNED evaluation waits for. */
  returnedTo: 'employee' | 'reviewer' | null;
  version: number;
  rubricId: string;
  rubricVersion: number;
  reviewerId: string;
  approverId: string;
  deadlines: Deadlines;
  selfAssessment: SelfAssessment | null;
  review: Review | null;
  decision: Decision | null;
  appeal: Appeal | null;
  flags: EvaluationFlags;
  /** Set when the period closes and results are published. */
  publishedAt: string | null;
  /** What an EXPIRED evaluation was just before the close expired it, so a reopened period can bring it back. */
  expiredFrom?: StatusBeforeExpiry | null;
}

/** The status (and whom a RETURNED one waited for) an evaluation had when its period's close expired it. */
export interface StatusBeforeExpiry {
  status: EvaluationStatus;
  returnedTo: 'employee' | 'reviewer' | null;
}

/** How the caller relates to one evaluation. The API works these out from the org data, never from the client. */
export interface ActorRelations {
  actorId: string;
  isEmployee: boolean;
  isReviewer: boolean;
  isApprover: boolean;
  /** Acting head named by the approver for a date range that includes now. */
  isActingApprover: boolean;
  /** The approver's own approver (head of the parent unit), who decides appeals. */
  isAppealDecider: boolean;
  /** HR whose scope (the subtree of its unit) contains the evaluation's unit. */
  isHrInScope: boolean;
  isAdmin: boolean;
  /** The scheduled job (period close), acting as nobody in particular. Only `expire` is open to it. */
  isSystem?: boolean;
}

/**
 * What a caller asks to do. `scores` are the RAW JSON values the client sent (criterion id → points, as numbers
 * with at most two decimals): the rules engine validates them against the evaluation's rubric, so the API never
 * converts them itself. `null` means "not sent".
 */
export type Action =
  | { type: 'saveSelfAssessment'; scores: unknown; comment: string | null }
  | { type: 'submit' }
  | { type: 'review'; scores: unknown; comment: string | null }
  | { type: 'return'; comment: string }
  | { type: 'approve'; scores: unknown | null; comment: string | null }
  | { type: 'appeal'; reason: string }
  | { type: 'decideAppeal'; accept: boolean; scores: unknown | null; comment: string }
  | { type: 'expire' }
  /**
   * An admin reopens the period closed by mistake: back to what the close expired. `before` is what the history says
   * it was, for an evaluation expired before `expiredFrom` was recorded; `deadlines`, when given, replace its own.
   */
  | { type: 'reopen'; reason: string; deadlines: Deadlines | null; before: StatusBeforeExpiry | null };

export type ActionType = Action['type'];

export const ACTION_TYPES: readonly ActionType[] = [
  'saveSelfAssessment',
  'submit',
  'review',
  'return',
  'approve',
  'appeal',
  'decideAppeal',
  'expire',
  'reopen',
];
