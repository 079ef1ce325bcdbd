import { describe, expect, it } from 'vitest';
import { FORCED_D_REASONS } from '../../../shared/domain/grades.ts';
import { HN_3814, ND_335 } from '../../../shared/domain/rubrics.ts';
import { type Decided, type DecideInput, decide, type Refused } from '../../../shared/domain/transitions.ts';
import type { Action, ActorRelations, Evaluation } from '../../../shared/domain/types.ts';
import {
  AS,
  approved,
  evaluation,
  HN_A_SCORES,
  HN_SCORES,
  HN_SCORES_H,
  IDS,
  input,
  ND_SCORES,
  quotaState,
  reviewed,
  submitted,
  T,
} from './fixtures.ts';

function allowed(i: DecideInput): Decided {
  const r = decide(i);
  if (!r.ok) throw new Error(`expected allowed, got ${r.code}: ${r.message}`);
  return r;
}

function refused(i: DecideInput): Refused {
  const r = decide(i);
  if (r.ok) throw new Error(`expected refused, got ${r.next.status}`);
  return r;
}

const save = (scores: unknown = HN_SCORES, comment: string | null = null): Action => ({
  type: 'saveSelfAssessment',
  scores,
  comment,
});
const submit: Action = { type: 'submit' };
const reviewAction = (scores: unknown = HN_SCORES, comment: string | null = null): Action => ({
  type: 'review',
  scores,
  comment,
});
const ret = (comment = 'Bổ sung minh chứng kết quả công việc'): Action => ({ type: 'return', comment });
const approveAction = (scores: unknown = null, comment: string | null = null): Action => ({
  type: 'approve',
  scores,
  comment,
});
const appealAction = (reason = 'Điểm kết quả nhiệm vụ chưa phản ánh đúng'): Action => ({
  type: 'appeal',
  reason,
});
const decideAppealAction = (
  accept: boolean,
  scores: unknown = null,
  comment = 'Đã xem xét hồ sơ',
): Action => ({
  type: 'decideAppeal',
  accept,
  scores,
  comment,
});
const expire: Action = { type: 'expire' };

/** Everyone who may not act as employee, reviewer or approver. */
const OUTSIDERS: [string, ActorRelations][] = [
  ['a stranger', AS.stranger],
  ['HR in scope', AS.hr],
  ['an admin', AS.admin],
  ['the system', AS.system],
  ['the appeal decider', AS.decider],
];

describe('saveSelfAssessment', () => {
  it('the employee saves partial scores in DRAFT before the deadline; status stays DRAFT', () => {
    const e = evaluation();
    const r = allowed(input(e, AS.employee, save({ duties: 60 }, '  Hoàn thành kế hoạch  '), T.beforeSelf));
    expect(r.next.status).toBe('DRAFT');
    expect(r.next.version).toBe(2);
    expect(r.next.selfAssessment).toEqual({
      scores: { duties: 6000 },
      total: 6000,
      comment: 'Hoàn thành kế hoạch',
      submittedAt: null,
    });
    expect(r.event).toEqual({
      action: 'saveSelfAssessment',
      fromStatus: 'DRAFT',
      toStatus: 'DRAFT',
      comment: 'Hoàn thành kế hoạch',
      changes: { scores: { duties: 60 }, total: 60 },
    });
    expect(r.gradeChange).toBeNull();
  });

  it('is allowed at the last millisecond of the deadline, refused one millisecond later', () => {
    expect(decide(input(evaluation(), AS.employee, save(), T.atSelfDeadline)).ok).toBe(true);
    const r = refused(input(evaluation(), AS.employee, save(), T.justAfterSelf));
    expect(r.code).toBe('DEADLINE_PASSED');
    expect(r.message).toBe('Đã quá hạn tự đánh giá (23:59 ngày 03/04/2026).');
  });

  it('is allowed when RETURNED to the employee, refused when RETURNED to the reviewer', () => {
    const toEmployee = submitted({ status: 'RETURNED', returnedTo: 'employee' });
    expect(allowed(input(toEmployee, AS.employee, save(), T.beforeSelf)).next.status).toBe('RETURNED');
    const toReviewer = reviewed({ status: 'RETURNED', returnedTo: 'reviewer' });
    expect(refused(input(toReviewer, AS.employee, save(), T.beforeSelf)).code).toBe('INVALID_TRANSITION');
  });

  it.each(['SUBMITTED', 'REVIEWED', 'APPROVED', 'EXPIRED'] as const)('is refused in %s', (status) => {
    expect(refused(input(evaluation({ status }), AS.employee, save(), T.beforeSelf)).code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it.each(
    OUTSIDERS.concat([
      ['the reviewer', AS.reviewer],
      ['the approver', AS.approver],
    ]),
  )('is forbidden to %s', (_, who) => {
    expect(refused(input(evaluation(), who, save(), T.beforeSelf)).code).toBe('FORBIDDEN');
  });

  it('checks who before state: a stranger on an approved evaluation is FORBIDDEN', () => {
    expect(refused(input(approved(), AS.stranger, save(), T.beforeSelf)).code).toBe('FORBIDDEN');
  });

  it('refuses bad scores with one detail per problem', () => {
    const r = refused(
      input(evaluation(), AS.employee, save({ duties: 70.5, bonus: 1.234, x: 1 }), T.beforeSelf),
    );
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.details?.map((d) => d.path)).toEqual(['scores.duties', 'scores.bonus', 'scores.x']);
  });

  it('refuses a comment that is not text', () => {
    const action = { type: 'saveSelfAssessment', scores: {}, comment: 5 } as unknown as Action;
    expect(refused(input(evaluation(), AS.employee, action, T.beforeSelf)).details?.[0]?.path).toBe(
      'comment',
    );
  });

  it('refuses scores against another rubric version than the evaluation was opened with', () => {
    const i = input(evaluation(), AS.employee, save(), T.beforeSelf, { rubric: { ...HN_3814, version: 2 } });
    expect(refused(i).code).toBe('CONFLICT');
  });
});

describe('submit', () => {
  const saved = (scores = HN_SCORES_H) =>
    evaluation({ selfAssessment: { scores, total: 8850, comment: null, submittedAt: null } });

  it('the employee submits complete scores before the deadline → SUBMITTED', () => {
    const r = allowed(input(saved(), AS.employee, submit, T.beforeSelf));
    expect(r.next.status).toBe('SUBMITTED');
    expect(r.next.returnedTo).toBeNull();
    expect(r.next.selfAssessment?.submittedAt).toBe(T.beforeSelf);
    expect(r.event.changes).toEqual({ total: 88.5 });
  });

  it('resubmits after a return to the employee', () => {
    const e = submitted({ status: 'RETURNED', returnedTo: 'employee' });
    const r = allowed(input(e, AS.employee, submit, T.beforeSelf));
    expect(r.next.status).toBe('SUBMITTED');
    expect(r.next.returnedTo).toBeNull();
  });

  it('needs a saved self-assessment', () => {
    const r = refused(input(evaluation(), AS.employee, submit, T.beforeSelf));
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.details?.[0]?.path).toBe('selfAssessment');
  });

  it('needs every criterion scored', () => {
    const r = refused(
      input(
        saved({ discipline: 1800, duties: 6550 } as typeof HN_SCORES_H),
        AS.employee,
        submit,
        T.beforeSelf,
      ),
    );
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.details).toEqual([
      { path: 'selfAssessment.scores.bonus', message: 'Chưa chấm điểm tiêu chí “Điểm thưởng”.' },
    ]);
  });

  it('is refused after the self-assessment deadline', () => {
    expect(refused(input(saved(), AS.employee, submit, T.justAfterSelf)).code).toBe('DEADLINE_PASSED');
  });

  it('is refused twice', () => {
    expect(refused(input(submitted(), AS.employee, submit, T.beforeSelf)).code).toBe('INVALID_TRANSITION');
  });

  it.each(OUTSIDERS.concat([['the reviewer', AS.reviewer]]))('is forbidden to %s', (_, who) => {
    expect(refused(input(saved(), who, submit, T.beforeSelf)).code).toBe('FORBIDDEN');
  });
});

describe('review', () => {
  it('the reviewer reviews a SUBMITTED evaluation with complete scores → REVIEWED', () => {
    const r = allowed(input(submitted(), AS.reviewer, reviewAction(HN_SCORES, 'Tốt'), T.afterSelf));
    expect(r.next.status).toBe('REVIEWED');
    expect(r.next.review).toEqual({
      scores: HN_SCORES_H,
      total: 8850,
      comment: 'Tốt',
      reviewedAt: T.afterSelf,
      reviewerId: IDS.reviewer,
    });
    expect(r.next.flags).toEqual({});
  });

  it('may review as soon as it is submitted, before the self-assessment deadline', () => {
    expect(allowed(input(submitted(), AS.reviewer, reviewAction(), T.beforeSelf)).next.status).toBe(
      'REVIEWED',
    );
  });

  it('reviews again after the approver returned it', () => {
    const e = reviewed({ status: 'RETURNED', returnedTo: 'reviewer' });
    expect(allowed(input(e, AS.reviewer, reviewAction(), T.afterSelf)).next.status).toBe('REVIEWED');
  });

  it('a late review is allowed and flagged', () => {
    const r = allowed(input(submitted(), AS.reviewer, reviewAction(), T.afterReview));
    expect(r.next.flags.lateReview).toBe(true);
    expect(r.event.changes).toMatchObject({ late: true });
  });

  it('after the self-assessment deadline, reviews the unsubmitted draft as it is, flagged selfAssessmentMissing', () => {
    const draft = evaluation({
      selfAssessment: { scores: { duties: 5000 }, total: 5000, comment: null, submittedAt: null },
    });
    const r = allowed(input(draft, AS.reviewer, reviewAction(), T.justAfterSelf));
    expect(r.next.status).toBe('REVIEWED');
    expect(r.next.flags).toEqual({ selfAssessmentMissing: true });
    expect(r.next.selfAssessment).toEqual(draft.selfAssessment);
    const returned = submitted({ status: 'RETURNED', returnedTo: 'employee' });
    expect(
      allowed(input(returned, AS.reviewer, reviewAction(), T.afterSelf)).next.flags.selfAssessmentMissing,
    ).toBe(true);
  });

  it('a draft cannot be reviewed before the self-assessment deadline', () => {
    const r = refused(input(evaluation(), AS.reviewer, reviewAction(), T.atSelfDeadline));
    expect(r.code).toBe('INVALID_TRANSITION');
    expect(r.message).toContain('chưa nộp');
  });

  it.each(['REVIEWED', 'APPROVED', 'EXPIRED'] as const)('is refused in %s', (status) => {
    expect(refused(input(reviewed({ status }), AS.reviewer, reviewAction(), T.afterSelf)).code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('needs every criterion', () => {
    const r = refused(input(submitted(), AS.reviewer, reviewAction({ duties: 60 }), T.afterSelf));
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.details?.map((d) => d.path)).toEqual(['scores.discipline', 'scores.bonus']);
  });

  it.each(
    OUTSIDERS.concat([
      ['the employee', AS.employee],
      ['the approver', AS.approver],
    ]),
  )('is forbidden to %s', (_, who) => {
    expect(refused(input(submitted(), who, reviewAction(), T.afterSelf)).code).toBe('FORBIDDEN');
  });

  it('nobody reviews their own evaluation', () => {
    const self = { ...AS.reviewer, isEmployee: true };
    expect(refused(input(submitted(), self, reviewAction(), T.afterSelf)).code).toBe('FORBIDDEN');
  });
});

describe('return', () => {
  it('the reviewer returns a SUBMITTED evaluation to the employee, with a comment, before the self deadline', () => {
    const r = allowed(input(submitted(), AS.reviewer, ret(), T.beforeSelf));
    expect(r.next.status).toBe('RETURNED');
    expect(r.next.returnedTo).toBe('employee');
    expect(r.next.selfAssessment?.submittedAt).toBeNull();
    expect(r.next.selfAssessment?.scores).toEqual(HN_SCORES_H);
    expect(r.event).toMatchObject({ action: 'return', comment: 'Bổ sung minh chứng kết quả công việc' });
    expect(r.event.changes).toEqual({ returnedTo: 'employee' });
  });

  it('a return to the employee after the self-assessment deadline is refused: the employee could not resubmit', () => {
    const r = refused(input(submitted(), AS.reviewer, ret(), T.justAfterSelf));
    expect(r.code).toBe('DEADLINE_PASSED');
    expect(r.message).toContain('hãy nhận xét và chấm điểm trực tiếp');
  });

  it('the approver returns a REVIEWED evaluation to the reviewer, at any time', () => {
    for (const now of [T.afterSelf, T.afterApproval]) {
      const r = allowed(input(reviewed(), AS.approver, ret(), now));
      expect(r.next.status).toBe('RETURNED');
      expect(r.next.returnedTo).toBe('reviewer');
      expect(r.next.review).toEqual(reviewed().review);
    }
    expect(allowed(input(reviewed(), AS.acting, ret(), T.afterSelf)).next.returnedTo).toBe('reviewer');
  });

  it.each(['', '   ', null])('needs a comment (%j)', (comment) => {
    const action = { type: 'return', comment } as unknown as Action;
    const r = refused(input(submitted(), AS.reviewer, action, T.beforeSelf));
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.details).toEqual([{ path: 'comment', message: 'Cần ghi rõ lý do trả lại.' }]);
  });

  it('the reviewer cannot return a REVIEWED evaluation, nor the approver a SUBMITTED one', () => {
    expect(refused(input(reviewed(), AS.reviewer, ret(), T.afterSelf)).code).toBe('INVALID_TRANSITION');
    expect(refused(input(submitted(), AS.approver, ret(), T.beforeSelf)).code).toBe('INVALID_TRANSITION');
  });

  it.each(['DRAFT', 'APPROVED', 'EXPIRED'] as const)('nothing to return in %s', (status) => {
    expect(refused(input(reviewed({ status }), AS.reviewer, ret(), T.beforeSelf)).code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('nothing to return when already RETURNED', () => {
    const e = submitted({ status: 'RETURNED', returnedTo: 'employee' });
    expect(refused(input(e, AS.reviewer, ret(), T.beforeSelf)).code).toBe('INVALID_TRANSITION');
  });

  it.each(OUTSIDERS.concat([['the employee', AS.employee]]))('is forbidden to %s', (_, who) => {
    expect(refused(input(submitted(), who, ret(), T.beforeSelf)).code).toBe('FORBIDDEN');
  });
});

describe('approve', () => {
  it('the approver approves a REVIEWED evaluation with the reviewer scores → APPROVED with grade', () => {
    const r = allowed(input(reviewed(), AS.approver, approveAction(), T.afterReview));
    expect(r.next.status).toBe('APPROVED');
    expect(r.next.decision).toEqual({
      scores: HN_SCORES_H,
      total: 8850,
      grade: 'B',
      comment: null,
      approvedAt: T.afterReview,
      approverId: IDS.approver,
      adjusted: false,
      forcedReason: null,
      leaderRule: null,
    });
    expect(r.gradeChange).toEqual({ from: null, to: 'B' });
    expect(r.next.flags).toEqual({});
  });

  it('adjusting the scores needs a comment, and is recorded', () => {
    const adjusted = { ...HN_SCORES, duties: 70, bonus: 2 };
    const r = refused(input(reviewed(), AS.approver, approveAction(adjusted), T.afterReview));
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.details).toEqual([
      { path: 'comment', message: 'Cần ghi rõ lý do khi điều chỉnh điểm của người nhận xét.' },
    ]);
    const ok = allowed(
      input(reviewed(), AS.approver, approveAction(adjusted, 'Vượt tiến độ dự án'), T.afterReview),
    );
    expect(ok.next.decision).toMatchObject({
      total: 9000,
      grade: 'A',
      adjusted: true,
      comment: 'Vượt tiến độ dự án',
    });
    expect(ok.next.review?.total).toBe(8850);
    expect(ok.event.changes).toMatchObject({
      adjustedScores: { duties: { from: 65.5, to: 70 }, bonus: { from: 5, to: 2 } },
    });
  });

  it('sending the reviewer scores unchanged is no adjustment', () => {
    const r = allowed(input(reviewed(), AS.approver, approveAction(HN_SCORES), T.afterReview));
    expect(r.next.decision?.adjusted).toBe(false);
  });

  it('refuses incomplete adjustment scores', () => {
    const r = refused(input(reviewed(), AS.approver, approveAction({ duties: 60 }, 'x'), T.afterReview));
    expect(r.details?.map((d) => d.path)).toEqual(['scores.discipline', 'scores.bonus']);
  });

  it('a late approval is allowed and flagged', () => {
    const r = allowed(input(reviewed(), AS.approver, approveAction(), T.afterApproval));
    expect(r.next.flags.lateApproval).toBe(true);
  });

  it('an acting head approves, flagged approvedByActingHead', () => {
    const r = allowed(input(reviewed(), AS.acting, approveAction(), T.afterReview));
    expect(r.next.decision?.approverId).toBe(IDS.acting);
    expect(r.next.flags.approvedByActingHead).toBe(true);
  });

  describe('the approver acting as reviewer', () => {
    it.each([
      ['SUBMITTED', submitted()],
      ['RETURNED to the reviewer', reviewed({ status: 'RETURNED', returnedTo: 'reviewer' })],
    ])('after the review deadline approves %s in one step, scores required', (_, e) => {
      const missing = refused(input(e, AS.approver, approveAction(), T.afterReview));
      expect(missing.code).toBe('VALIDATION_FAILED');
      expect(missing.details?.[0]?.path).toBe('scores');
      const r = allowed(input(e, AS.approver, approveAction(HN_A_SCORES), T.afterReview));
      expect(r.next.status).toBe('APPROVED');
      expect(r.next.flags.reviewedByApprover).toBe(true);
      expect(r.next.flags.selfAssessmentMissing).toBeUndefined();
      expect(r.next.decision).toMatchObject({ total: 9200, grade: 'A', adjusted: false });
      expect(r.next.review).toMatchObject({
        total: 9200,
        reviewerId: IDS.approver,
        reviewedAt: T.afterReview,
      });
    });

    it.each([
      ['DRAFT', evaluation()],
      ['RETURNED to the employee', submitted({ status: 'RETURNED', returnedTo: 'employee' })],
    ])('after the review deadline approves an unsubmitted %s, flagged selfAssessmentMissing', (_, e) => {
      const r = allowed(input(e, AS.approver, approveAction(HN_SCORES), T.afterReview));
      expect(r.next.flags).toMatchObject({ reviewedByApprover: true, selfAssessmentMissing: true });
    });

    it('before the review deadline the approver waits for the reviewer', () => {
      for (const e of [submitted(), evaluation()]) {
        const r = refused(input(e, AS.approver, approveAction(HN_SCORES), T.afterSelf));
        expect(r.code).toBe('INVALID_TRANSITION');
      }
    });

    it('an approver who is also the reviewer may do both at once at any time after submission', () => {
      const r = allowed(input(submitted(), AS.reviewerApprover, approveAction(HN_SCORES), T.beforeSelf));
      expect(r.next.flags.reviewedByApprover).toBe(true);
      // but not on a draft before the self-assessment deadline
      expect(
        refused(input(evaluation(), AS.reviewerApprover, approveAction(HN_SCORES), T.beforeSelf)).code,
      ).toBe('INVALID_TRANSITION');
    });
  });

  it.each(['APPROVED', 'EXPIRED'] as const)('is refused in %s', (status) => {
    expect(refused(input(reviewed({ status }), AS.approver, approveAction(), T.afterReview)).code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it.each(
    OUTSIDERS.concat([
      ['the employee', AS.employee],
      ['the reviewer', AS.reviewer],
    ]),
  )('is forbidden to %s', (_, who) => {
    expect(refused(input(reviewed(), who, approveAction(), T.afterReview)).code).toBe('FORBIDDEN');
  });

  it('nobody approves their own evaluation', () => {
    expect(
      refused(input(reviewed(), { ...AS.approver, isEmployee: true }, approveAction(), T.afterReview)).code,
    ).toBe('FORBIDDEN');
  });

  describe('grades', () => {
    it.each([
      [{ discipline: 20, duties: 70, bonus: 0 }, 'A'],
      [{ discipline: 19.99, duties: 70, bonus: 0 }, 'B'],
      [{ discipline: 20, duties: 50, bonus: 0 }, 'B'],
      [{ discipline: 19.99, duties: 50, bonus: 0 }, 'C'],
      [{ discipline: 20, duties: 30, bonus: 0 }, 'C'],
      [{ discipline: 19.99, duties: 30, bonus: 0 }, 'D'],
    ])('%j → %s', (scores, grade) => {
      const r = allowed(input(reviewed(), AS.approver, approveAction(scores, 'Điều chỉnh'), T.afterReview));
      expect(r.next.decision?.grade).toBe(grade);
    });

    it('forced D flags win over the points', () => {
      const r = allowed(
        input(reviewed(), AS.approver, approveAction(HN_A_SCORES, 'x'), T.afterReview, {
          employeeFlags: { disciplined: true },
        }),
      );
      expect(r.next.decision).toMatchObject({
        total: 9200,
        grade: 'D',
        forcedReason: FORCED_D_REASONS.disciplined,
      });
      expect(r.gradeChange).toEqual({ from: null, to: 'D' });
      expect(r.event.changes).toMatchObject({ forcedReason: FORCED_D_REASONS.disciplined });
    });

    it('unit corruption forces D for a unit head, not for staff', () => {
      const flags = { employeeFlags: { unitCorruption: true } };
      const head = reviewed({ isUnitHead: true });
      const a = approveAction(HN_A_SCORES, 'x');
      expect(allowed(input(head, AS.approver, a, T.afterReview, flags)).next.decision?.grade).toBe('D');
      expect(allowed(input(reviewed(), AS.approver, a, T.afterReview, flags)).next.decision?.grade).toBe('A');
    });
  });

  describe('quota', () => {
    it('refuses an A past the Hanoi quota with QUOTA_EXCEEDED', () => {
      const i = input(reviewed(), AS.approver, approveAction(HN_A_SCORES, 'x'), T.afterReview, {
        quota: quotaState({ A: 3 }, 10),
      });
      const r = refused(i);
      expect(r.code).toBe('QUOTA_EXCEEDED');
      expect(r.message).toContain('3 người loại A');
    });

    it('grants the last A slot', () => {
      const i = input(reviewed(), AS.approver, approveAction(HN_A_SCORES, 'x'), T.afterReview, {
        quota: quotaState({ A: 2 }, 10),
      });
      expect(allowed(i).gradeChange).toEqual({ from: null, to: 'A' });
    });

    it('a full quota does not block a B', () => {
      const i = input(reviewed(), AS.approver, approveAction(), T.afterReview, {
        quota: quotaState({ A: 3 }, 10),
      });
      expect(allowed(i).next.decision?.grade).toBe('B');
    });

    it('applies the nd-335 rule (A ≤ 20% of B) to an nd-335 evaluation', () => {
      const e = reviewed({
        rubricId: 'nd-335',
        review: { scores: {}, total: 0, comment: null, reviewedAt: T.afterSelf, reviewerId: IDS.reviewer },
      });
      const a = approveAction(ND_SCORES, 'x');
      expect(refused(input(e, AS.approver, a, T.afterReview, { quota: quotaState({ B: 4 }) })).code).toBe(
        'QUOTA_EXCEEDED',
      );
      expect(
        allowed(input(e, AS.approver, a, T.afterReview, { quota: quotaState({ B: 5 }) })).next.decision
          ?.grade,
      ).toBe('A');
    });
  });

  describe('leader rule (nd-335, unit head)', () => {
    const head = () =>
      reviewed({
        rubricId: 'nd-335',
        isUnitHead: true,
        review: { scores: {}, total: 0, comment: null, reviewedAt: T.afterSelf, reviewerId: IDS.reviewer },
      });
    const a = approveAction(ND_SCORES, 'Theo kết quả sản phẩm');

    it('keeps the task score when every subordinate reaches C', () => {
      const r = allowed(
        input(head(), AS.approver, a, T.afterReview, {
          subordinateGrades: ['B', 'C'],
          quota: quotaState({ B: 5 }),
        }),
      );
      expect(r.next.decision).toMatchObject({ total: 9000, grade: 'A', leaderRule: null });
    });

    it('halves the task score when a subordinate is D', () => {
      const r = allowed(input(head(), AS.approver, a, T.afterReview, { subordinateGrades: ['B', 'D'] }));
      expect(r.next.decision?.scores.tasks).toBe(3000);
      expect(r.next.decision).toMatchObject({
        total: 6000,
        grade: 'C',
        leaderRule: { criterionId: 'tasks', before: 6000, after: 3000 },
      });
      expect(r.event.changes).toMatchObject({ leaderRule: { criterionId: 'tasks', before: 60, after: 30 } });
    });

    it('does not apply to staff, nor without subordinate grades, nor under hn-3814', () => {
      const staff = { ...head(), isUnitHead: false };
      expect(
        allowed(
          input(staff, AS.approver, a, T.afterReview, {
            subordinateGrades: ['D'],
            quota: quotaState({ B: 5 }),
          }),
        ).next.decision?.total,
      ).toBe(9000);
      expect(
        allowed(input(head(), AS.approver, a, T.afterReview, { quota: quotaState({ B: 5 }) })).next.decision
          ?.total,
      ).toBe(9000);
      const hnHead = reviewed({ isUnitHead: true });
      const r = allowed(
        input(hnHead, AS.approver, approveAction(HN_A_SCORES, 'x'), T.afterReview, {
          subordinateGrades: ['D'],
        }),
      );
      expect(r.next.decision?.total).toBe(9200);
    });
  });
});

describe('appeal', () => {
  it('the employee appeals a published result within the window → appeal PENDING, still APPROVED', () => {
    const r = allowed(input(approved(), AS.employee, appealAction(), T.appealDeadline));
    expect(r.next.status).toBe('APPROVED');
    expect(r.next.version).toBe(approved().version + 1);
    expect(r.next.appeal).toEqual({
      reason: 'Điểm kết quả nhiệm vụ chưa phản ánh đúng',
      filedAt: T.appealDeadline,
      status: 'PENDING',
    });
    expect(r.event).toMatchObject({ action: 'appeal', fromStatus: 'APPROVED', toStatus: 'APPROVED' });
  });

  it('is refused after the appeal window', () => {
    expect(refused(input(approved(), AS.employee, appealAction(), T.afterAppeal)).code).toBe(
      'DEADLINE_PASSED',
    );
  });

  it('is refused before publication', () => {
    expect(
      refused(input(approved({ publishedAt: null }), AS.employee, appealAction(), T.afterApproval)).code,
    ).toBe('INVALID_TRANSITION');
  });

  it('is refused a second time', () => {
    const e = approved({ appeal: { reason: 'x', filedAt: T.afterApproval, status: 'PENDING' } });
    expect(refused(input(e, AS.employee, appealAction(), T.afterApproval)).code).toBe('INVALID_TRANSITION');
  });

  it.each(['DRAFT', 'SUBMITTED', 'REVIEWED', 'EXPIRED'] as const)('is refused in %s', (status) => {
    expect(refused(input(approved({ status }), AS.employee, appealAction(), T.afterApproval)).code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('needs a reason', () => {
    const r = refused(input(approved(), AS.employee, appealAction('  '), T.afterApproval));
    expect(r.details).toEqual([{ path: 'reason', message: 'Cần nêu rõ nội dung khiếu nại.' }]);
  });

  it.each(
    OUTSIDERS.concat([
      ['the reviewer', AS.reviewer],
      ['the approver', AS.approver],
    ]),
  )('is forbidden to %s', (_, who) => {
    expect(refused(input(approved(), who, appealAction(), T.afterApproval)).code).toBe('FORBIDDEN');
  });
});

describe('decideAppeal', () => {
  const pending = (overrides: Partial<Evaluation> = {}) =>
    approved({ appeal: { reason: 'Chưa đúng', filedAt: T.afterApproval, status: 'PENDING' }, ...overrides });

  it('rejecting keeps the decision', () => {
    const e = pending();
    const r = allowed(input(e, AS.decider, decideAppealAction(false), T.afterAppeal));
    expect(r.next.decision).toEqual(e.decision);
    expect(r.next.appeal).toEqual({
      ...e.appeal,
      status: 'REJECTED',
      decidedAt: T.afterAppeal,
      deciderId: IDS.decider,
      comment: 'Đã xem xét hồ sơ',
    });
    expect(r.gradeChange).toBeNull();
  });

  it('accepting with scores makes a new decision and keeps the previous one', () => {
    const e = pending();
    const r = allowed(input(e, AS.decider, decideAppealAction(true, HN_A_SCORES), T.afterAppeal));
    expect(r.next.decision).toMatchObject({
      total: 9200,
      grade: 'A',
      approverId: IDS.decider,
      adjusted: true,
    });
    expect(r.next.appeal?.status).toBe('ACCEPTED');
    expect(r.next.appeal?.previousDecision).toEqual(e.decision);
    expect(r.gradeChange).toEqual({ from: 'B', to: 'A' });
    expect(r.event.changes).toMatchObject({
      previous: { total: 88.5, grade: 'B' },
      next: { total: 92, grade: 'A' },
    });
  });

  it('accepting is refused when the new grade breaks the quota', () => {
    const i = input(pending(), AS.decider, decideAppealAction(true, HN_A_SCORES), T.afterAppeal, {
      quota: quotaState({ A: 3, B: 7 }, 10),
    });
    expect(refused(i).code).toBe('QUOTA_EXCEEDED');
  });

  it('accepting without scores regrades with the current flags (a wrongly recorded discipline lifted)', () => {
    const e = pending({
      decision: {
        scores: { discipline: 2000, duties: 6500, bonus: 700 },
        total: 9200,
        grade: 'D',
        comment: null,
        approvedAt: T.afterReview,
        approverId: IDS.approver,
        adjusted: false,
        forcedReason: FORCED_D_REASONS.disciplined,
        leaderRule: null,
      },
    });
    const r = allowed(input(e, AS.hr, decideAppealAction(true), T.afterAppeal));
    expect(r.next.decision).toMatchObject({ total: 9200, grade: 'A', forcedReason: null });
    expect(r.gradeChange).toEqual({ from: 'D', to: 'A' });
  });

  it('accepting with the same grade gives no grade change', () => {
    const r = allowed(
      input(pending(), AS.decider, decideAppealAction(true, { ...HN_SCORES, bonus: 6 }), T.afterAppeal),
    );
    expect(r.next.decision?.total).toBe(8950);
    expect(r.gradeChange).toBeNull();
  });

  it('does not apply the leader rule twice on an accepted appeal', () => {
    const e = approved({
      rubricId: 'nd-335',
      isUnitHead: true,
      appeal: { reason: 'x', filedAt: T.afterApproval, status: 'PENDING' },
      decision: {
        scores: {
          ...Object.fromEntries(Object.entries(ND_SCORES).map(([k, v]) => [k, v * 100])),
          tasks: 3000,
        },
        total: 6000,
        grade: 'C',
        comment: null,
        approvedAt: T.afterReview,
        approverId: IDS.approver,
        adjusted: false,
        leaderRule: { criterionId: 'tasks', before: 6000, after: 3000 },
      },
    });
    const stillD = allowed(input(e, AS.decider, decideAppealAction(true), T.afterAppeal, { rubric: ND_335 }));
    expect(stillD.next.decision).toMatchObject({ total: 6000, leaderRule: { before: 6000, after: 3000 } });
    const subordinateFixed = allowed(
      input(e, AS.decider, decideAppealAction(true), T.afterAppeal, {
        subordinateGrades: ['C'],
        quota: quotaState({ B: 5 }),
      }),
    );
    expect(subordinateFixed.next.decision).toMatchObject({ total: 9000, grade: 'A', leaderRule: null });
  });

  it('needs a comment, a boolean accept, and no scores when rejecting', () => {
    expect(
      refused(input(pending(), AS.decider, decideAppealAction(false, null, ' '), T.afterAppeal)).details?.[0]
        ?.path,
    ).toBe('comment');
    expect(
      refused(input(pending(), AS.decider, decideAppealAction(false, HN_SCORES), T.afterAppeal)).details?.[0]
        ?.path,
    ).toBe('scores');
    const notBool = { type: 'decideAppeal', accept: 'yes', scores: null, comment: 'x' } as unknown as Action;
    expect(refused(input(pending(), AS.decider, notBool, T.afterAppeal)).details?.[0]?.path).toBe('accept');
  });

  it('needs a pending appeal', () => {
    expect(refused(input(approved(), AS.decider, decideAppealAction(false), T.afterAppeal)).code).toBe(
      'INVALID_TRANSITION',
    );
    const done = approved({ appeal: { reason: 'x', filedAt: T.afterApproval, status: 'REJECTED' } });
    expect(refused(input(done, AS.decider, decideAppealAction(false), T.afterAppeal)).code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it.each([
    ['a stranger', AS.stranger],
    ['an admin', AS.admin],
    ['the employee', AS.employee],
    ['the reviewer', AS.reviewer],
    ['the approver', AS.approver],
    ['the approver even as appeal decider', { ...AS.approver, isAppealDecider: true }],
    ['the employee even as HR', { ...AS.hr, actorId: IDS.employee, isEmployee: true }],
  ])('is forbidden to %s', (_, who) => {
    expect(refused(input(pending(), who, decideAppealAction(false), T.afterAppeal)).code).toBe('FORBIDDEN');
  });
});

describe('expire', () => {
  it.each([
    ['DRAFT', evaluation()],
    ['SUBMITTED', submitted()],
    ['REVIEWED', reviewed()],
    ['RETURNED', submitted({ status: 'RETURNED', returnedTo: 'employee' })],
  ])('expires %s at close', (_, e) => {
    const r = allowed(input(e, AS.system, expire, T.afterApproval));
    expect(r.next.status).toBe('EXPIRED');
    expect(r.next.returnedTo).toBeNull();
    expect(r.event).toEqual({
      action: 'expire',
      fromStatus: e.status,
      toStatus: 'EXPIRED',
      comment: null,
      changes: null,
    });
    expect(r.gradeChange).toBeNull();
  });

  it('is open to the system, admins and HR in scope', () => {
    for (const who of [AS.system, AS.admin, AS.hr]) {
      expect(allowed(input(evaluation(), who, expire, T.afterApproval)).next.status).toBe('EXPIRED');
    }
  });

  it.each(['APPROVED', 'EXPIRED'] as const)('is refused in %s', (status) => {
    expect(refused(input(approved({ status }), AS.system, expire, T.afterApproval)).code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it.each([
    ['the employee', AS.employee],
    ['the reviewer', AS.reviewer],
    ['the approver', AS.approver],
    ['a stranger', AS.stranger],
  ])('is forbidden to %s', (_, who) => {
    expect(refused(input(evaluation(), who, expire, T.afterApproval)).code).toBe('FORBIDDEN');
  });
});

describe('reopen (a period closed by mistake)', () => {
  const reopenAction = (
    before: Extract<Action, { type: 'reopen' }>['before'] = null,
    deadlines: Extract<Action, { type: 'reopen' }>['deadlines'] = null,
    reason = 'Đóng kỳ nhầm trước hạn',
  ): Action => ({ type: 'reopen', reason, deadlines, before });

  it.each([
    ['DRAFT', evaluation()],
    ['SUBMITTED', submitted()],
    ['REVIEWED', reviewed()],
    ['RETURNED to the employee', submitted({ status: 'RETURNED', returnedTo: 'employee' })],
    ['RETURNED to the reviewer', reviewed({ status: 'RETURNED', returnedTo: 'reviewer' })],
  ])('brings %s back from what expire recorded', (_, e) => {
    const expired = allowed(input(e, AS.system, expire, T.afterApproval)).next;
    expect(expired.expiredFrom).toEqual({ status: e.status, returnedTo: e.returnedTo });
    const r = allowed(input(expired, AS.admin, reopenAction(), T.afterApproval));
    expect(r.next).toMatchObject({ status: e.status, returnedTo: e.returnedTo, expiredFrom: null });
    expect(r.next.version).toBe(e.version + 2);
    expect(r.event).toEqual({
      action: 'reopen',
      fromStatus: 'EXPIRED',
      toStatus: e.status,
      comment: 'Đóng kỳ nhầm trước hạn',
      changes: { status: e.status, ...(e.returnedTo ? { returnedTo: e.returnedTo } : {}) },
    });
    expect(r.gradeChange).toBeNull();
  });

  it('follows the history for an evaluation expired before expiredFrom was recorded, if it fits', () => {
    const old = submitted({ status: 'EXPIRED' });
    const r = allowed(
      input(old, AS.admin, reopenAction({ status: 'SUBMITTED', returnedTo: null }), T.afterApproval),
    );
    expect(r.next.status).toBe('SUBMITTED');
    expect(refused(input(old, AS.admin, reopenAction(), T.afterApproval)).code).toBe('INVALID_TRANSITION');
    // A history that does not fit the evaluation (reviewed, but it holds no review) is not followed.
    expect(
      refused(input(old, AS.admin, reopenAction({ status: 'REVIEWED', returnedTo: null }), T.afterApproval))
        .code,
    ).toBe('INVALID_TRANSITION');
    expect(
      refused(input(old, AS.admin, reopenAction({ status: 'RETURNED', returnedTo: null }), T.afterApproval))
        .code,
    ).toBe('INVALID_TRANSITION');
  });

  it('gives the evaluation the new deadlines, when there are', () => {
    const expired = allowed(input(evaluation(), AS.system, expire, T.afterApproval)).next;
    const deadlines = {
      selfAssessment: '2026-05-20T23:59:59.999+07:00',
      review: '2026-05-22T23:59:59.999+07:00',
      approval: '2026-05-25T23:59:59.999+07:00',
    };
    const r = allowed(input(expired, AS.admin, reopenAction(null, deadlines), T.afterApproval));
    expect(r.next.deadlines).toEqual(deadlines);
    expect(r.event.changes).toMatchObject({ deadlines });
  });

  it('is for admins only, on EXPIRED only, with a reason', () => {
    const expired = allowed(input(evaluation(), AS.system, expire, T.afterApproval)).next;
    for (const who of [AS.system, AS.hr, AS.employee, AS.approver, AS.decider]) {
      expect(refused(input(expired, who, reopenAction(), T.afterApproval)).code).toBe('FORBIDDEN');
    }
    for (const e of [evaluation(), approved()]) {
      expect(refused(input(e, AS.admin, reopenAction(), T.afterApproval)).code).toBe('INVALID_TRANSITION');
    }
    expect(refused(input(expired, AS.admin, reopenAction(null, null, '  '), T.afterApproval))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'reason' }],
    });
  });
});

describe('after approval or expiry', () => {
  it.each([
    ['saveSelfAssessment', AS.employee, save()],
    ['submit', AS.employee, submit],
    ['review', AS.reviewer, reviewAction()],
    ['return', AS.reviewer, ret()],
    ['approve', AS.approver, approveAction(HN_SCORES)],
  ] as const)('%s is an INVALID_TRANSITION', (_, who, action) => {
    for (const e of [approved(), approved({ status: 'EXPIRED', decision: null, publishedAt: null })]) {
      expect(refused(input(e, who, action, T.afterApproval)).code).toBe('INVALID_TRANSITION');
    }
  });
});

describe('malformed input', () => {
  it('refuses an invalid now', () => {
    expect(refused(input(evaluation(), AS.employee, save(), 'hôm nay')).code).toBe('VALIDATION_FAILED');
  });

  it('refuses an unknown action', () => {
    const action = { type: 'delete' } as unknown as Action;
    expect(refused(input(evaluation(), AS.admin, action, T.beforeSelf)).code).toBe('VALIDATION_FAILED');
    expect(refused(input(evaluation(), AS.admin, null as unknown as Action, T.beforeSelf)).code).toBe(
      'VALIDATION_FAILED',
    );
  });
});

describe('a full month', () => {
  it('goes DRAFT → SUBMITTED → RETURNED → SUBMITTED → REVIEWED → RETURNED → REVIEWED → APPROVED → appeal → decided', () => {
    let e = evaluation();
    const step = (who: ActorRelations, action: Action, now: string, more: Partial<DecideInput> = {}) => {
      const r = allowed(input(e, who, action, now, more));
      expect(r.next.version).toBe(e.version + 1);
      e = r.next;
      return r;
    };
    step(AS.employee, save({ discipline: 20, duties: 68 }), T.beforeSelf);
    step(AS.employee, save(HN_SCORES, 'Hoàn thành'), T.beforeSelf);
    step(AS.employee, submit, T.beforeSelf);
    step(AS.reviewer, ret('Thiếu minh chứng'), T.beforeSelf);
    step(AS.employee, submit, T.atSelfDeadline);
    step(AS.reviewer, reviewAction(HN_SCORES), T.afterSelf);
    step(AS.approver, ret('Xem lại điểm thưởng'), T.afterSelf);
    step(AS.reviewer, reviewAction({ ...HN_SCORES, bonus: 3 }), T.afterReview);
    const approval = step(AS.approver, approveAction(), T.afterReview);
    expect(approval.next.decision?.total).toBe(8650);
    expect(e.flags).toEqual({ lateReview: true });
    e = { ...e, publishedAt: T.published };
    step(AS.employee, appealAction(), T.afterApproval);
    step(AS.decider, decideAppealAction(false), T.afterAppeal);
    expect(e.status).toBe('APPROVED');
    expect(e.version).toBe(12);
    expect(refused(input(e, AS.employee, appealAction(), T.afterApproval)).code).toBe('INVALID_TRANSITION');
  });
});
