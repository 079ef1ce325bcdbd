/**
 * Builders shared by the domain tests. Period 2026-03: no deadline of April 2026 falls on a weekend or holiday,
 * so the deadlines are plain: self-assessment 3/4 (Friday), review 6/4 (Monday), approval 8/4 (Wednesday).
 */
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import { emptyCounts, type QuotaState } from '../../../shared/domain/quota.ts';
import { HN_3814, ND_335, type Rubric } from '../../../shared/domain/rubrics.ts';
import type { DecideInput } from '../../../shared/domain/transitions.ts';
import type { Action, ActorRelations, Evaluation, Grade } from '../../../shared/domain/types.ts';

export const PERIOD = '2026-03';
export const DEADLINES = (() => {
  const d = deadlinesFor(PERIOD);
  return { selfAssessment: d.selfAssessment, review: d.review, approval: d.approval };
})();

export const T = {
  beforeSelf: '2026-04-02T10:00:00+07:00',
  atSelfDeadline: '2026-04-03T23:59:59.999+07:00',
  /** 00:00 on 4/4 in Vietnam: one millisecond after the self-assessment deadline. */
  justAfterSelf: '2026-04-03T17:00:00.000Z',
  afterSelf: '2026-04-05T10:00:00+07:00',
  afterReview: '2026-04-07T10:00:00+07:00',
  afterApproval: '2026-04-09T10:00:00+07:00',
  published: '2026-04-09T00:30:00+07:00',
  appealDeadline: '2026-04-14T23:59:59.999+07:00',
  afterAppeal: '2026-04-15T08:00:00+07:00',
} as const;

export const IDS = {
  employee: 'e1',
  reviewer: 'r1',
  approver: 'a1',
  acting: 'act1',
  decider: 'p1',
  hr: 'hr1',
  admin: 'adm1',
  stranger: 'x1',
} as const;

export const NOBODY: ActorRelations = {
  actorId: IDS.stranger,
  isEmployee: false,
  isReviewer: false,
  isApprover: false,
  isActingApprover: false,
  isAppealDecider: false,
  isHrInScope: false,
  isAdmin: false,
};

export const AS = {
  employee: { ...NOBODY, actorId: IDS.employee, isEmployee: true },
  reviewer: { ...NOBODY, actorId: IDS.reviewer, isReviewer: true },
  approver: { ...NOBODY, actorId: IDS.approver, isApprover: true },
  /** The unit head who is also the employee's direct supervisor (supervisorId null). */
  reviewerApprover: { ...NOBODY, actorId: IDS.approver, isReviewer: true, isApprover: true },
  acting: { ...NOBODY, actorId: IDS.acting, isActingApprover: true },
  decider: { ...NOBODY, actorId: IDS.decider, isAppealDecider: true },
  hr: { ...NOBODY, actorId: IDS.hr, isHrInScope: true },
  admin: { ...NOBODY, actorId: IDS.admin, isAdmin: true },
  system: { ...NOBODY, actorId: 'system', isSystem: true },
  stranger: NOBODY,
} satisfies Record<string, ActorRelations>;

export function evaluation(overrides: Partial<Evaluation> = {}, rubric: Rubric = HN_3814): Evaluation {
  return {
    employeeId: IDS.employee,
    period: PERIOD,
    unitId: 'u1',
    category: 'civil_servant',
    isUnitHead: false,
    status: 'DRAFT',
    returnedTo: null,
    version: 1,
    rubricId: rubric.id,
    rubricVersion: rubric.version,
    reviewerId: IDS.reviewer,
    approverId: IDS.approver,
    deadlines: DEADLINES,
    selfAssessment: null,
    review: null,
    decision: null,
    appeal: null,
    flags: {},
    publishedAt: null,
    ...overrides,
  };
}

/** hn-3814 scores: 18 + 65.5 + 5 = 88.5 (grade B). */
export const HN_SCORES = { discipline: 18, duties: 65.5, bonus: 5 };
export const HN_SCORES_H = { discipline: 1800, duties: 6550, bonus: 500 };
/** hn-3814 scores: 20 + 65 + 7 = 92 (grade A). */
export const HN_A_SCORES = { discipline: 20, duties: 65, bonus: 7 };
/** nd-335 scores: 5+5+2.5×4+10 = 30 general + 60 tasks = 90 (grade A). */
export const ND_SCORES = {
  politics: 5,
  ethics: 5,
  competence: 2.5,
  responsibility: 2.5,
  serviceAttitude: 2.5,
  cooperation: 2.5,
  innovation: 10,
  tasks: 60,
};

export const submitted = (overrides: Partial<Evaluation> = {}) =>
  evaluation({
    status: 'SUBMITTED',
    selfAssessment: { scores: HN_SCORES_H, total: 8850, comment: null, submittedAt: T.beforeSelf },
    ...overrides,
  });

export const reviewed = (overrides: Partial<Evaluation> = {}) =>
  submitted({
    status: 'REVIEWED',
    review: {
      scores: HN_SCORES_H,
      total: 8850,
      comment: null,
      reviewedAt: T.afterSelf,
      reviewerId: IDS.reviewer,
    },
    ...overrides,
  });

export const approved = (overrides: Partial<Evaluation> = {}) =>
  reviewed({
    status: 'APPROVED',
    decision: {
      scores: HN_SCORES_H,
      total: 8850,
      grade: 'B',
      comment: null,
      approvedAt: T.afterReview,
      approverId: IDS.approver,
      adjusted: false,
      forcedReason: null,
      leaderRule: null,
    },
    publishedAt: T.published,
    ...overrides,
  });

export function quotaState(
  counts: Partial<Record<Grade, number>> = {},
  evaluated = 10,
  outstanding = false,
): QuotaState {
  return { evaluated, outstanding, counts: { ...emptyCounts(), ...counts } };
}

export function input(
  e: Evaluation,
  relations: ActorRelations,
  action: Action,
  now: string,
  more: Partial<DecideInput> = {},
): DecideInput {
  return {
    evaluation: e,
    relations,
    action,
    now,
    rubric: e.rubricId === ND_335.id ? ND_335 : HN_3814,
    employeeFlags: {},
    quota: quotaState(),
    appealDeadline: e.publishedAt === null ? null : T.appealDeadline,
    ...more,
  };
}
