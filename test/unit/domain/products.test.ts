import { describe, expect, it } from 'vitest';
import { taskScoreOutOf } from '../../../shared/domain/nd335.ts';
import {
  computedTaskScore,
  productsOpen,
  taskCriterionOf,
  toConvertedProduct,
} from '../../../shared/domain/products.ts';
import { HN_3814, ND_335 } from '../../../shared/domain/rubrics.ts';
import { decide } from '../../../shared/domain/transitions.ts';
import { AS, approved, evaluation, input, ND_SCORES, quotaState, reviewed, T } from './fixtures.ts';

const fed = (overrides: Partial<Parameters<typeof toConvertedProduct>[1]> = {}) => ({
  id: 'p',
  weight: 100,
  completed: true,
  majorErrors: 0,
  delays: 0,
  errorsExcused: 0,
  delaysExcused: 0,
  ...overrides,
});

describe('fed products and the task criterion', () => {
  it('nd-335 computes `tasks` from products; hn-3814 has no task criterion; none fed: scored by hand', () => {
    expect(taskCriterionOf(ND_335)).toEqual({ id: 'tasks', max: 7000 });
    expect(taskCriterionOf(HN_3814)).toBeNull();
    expect(computedTaskScore(HN_3814, [fed()])).toEqual({});
    expect(computedTaskScore(ND_335, [])).toEqual({});
    expect(computedTaskScore(ND_335, [fed({ majorErrors: 1 })])).toEqual({ tasks: 6475 });
  });

  it('excused errors and delays are not deducted; an excuse never exceeds what the source reports now', () => {
    expect(computedTaskScore(ND_335, [fed({ majorErrors: 2, errorsExcused: 1 })])).toEqual({ tasks: 6475 });
    expect(
      computedTaskScore(ND_335, [fed({ majorErrors: 1, delays: 1, errorsExcused: 1, delaysExcused: 1 })]),
    ).toEqual({
      tasks: 7000,
    });
    // The source corrected its report to one error after the reviewer excused two.
    expect(toConvertedProduct('p', fed({ majorErrors: 1, errorsExcused: 2 }))).toMatchObject({
      errorsExcused: 1,
    });
  });

  it('a task criterion of another maximum gets the same share of it', () => {
    const products = [toConvertedProduct('a', fed({ majorErrors: 1 }))];
    // 92.5 % of 60 = 55.5
    expect(taskScoreOutOf(products, 6000)).toBe(5550);
    const rubric = {
      ...ND_335,
      criteria: ND_335.criteria.map((c) => (c.id === 'tasks' ? { ...c, max: 6000 } : c)),
    };
    expect(computedTaskScore(rubric, [fed({ majorErrors: 1 })])).toEqual({ tasks: 5550 });
  });

  it('products change only before the review', () => {
    expect(['DRAFT', 'SUBMITTED', 'RETURNED'].every((s) => productsOpen(s as never))).toBe(true);
    expect(['REVIEWED', 'APPROVED', 'EXPIRED'].some((s) => productsOpen(s as never))).toBe(false);
  });
});

describe('computed scores in the transitions', () => {
  const { tasks: _typed, ...general } = ND_SCORES;
  const computed = { computedScores: { tasks: 6475 } };

  it('the self-assessment and the review take the computed score; another typed value is refused on the field', () => {
    const draft = evaluation({}, ND_335);
    const saved = decide(
      input(
        draft,
        AS.employee,
        { type: 'saveSelfAssessment', scores: general, comment: null },
        T.beforeSelf,
        {
          rubric: ND_335,
          ...computed,
        },
      ),
    );
    expect(saved.ok && saved.next.selfAssessment?.scores.tasks).toBe(6475);
    const same = decide(
      input(
        draft,
        AS.employee,
        { type: 'saveSelfAssessment', scores: { ...general, tasks: 64.75 }, comment: null },
        T.beforeSelf,
        {
          rubric: ND_335,
          ...computed,
        },
      ),
    );
    expect(same.ok).toBe(true);
    const typed = decide(
      input(
        evaluation({ status: 'SUBMITTED' }, ND_335),
        AS.reviewer,
        { type: 'review', scores: { ...general, tasks: 70 }, comment: null },
        T.afterSelf,
        { rubric: ND_335, ...computed },
      ),
    );
    expect(typed.ok).toBe(false);
    if (!typed.ok) expect(typed.details?.map((d) => d.path)).toEqual(['scores.tasks']);
    const review = decide(
      input(
        evaluation({ status: 'SUBMITTED' }, ND_335),
        AS.reviewer,
        { type: 'review', scores: general, comment: null },
        T.afterSelf,
        {
          rubric: ND_335,
          ...computed,
        },
      ),
    );
    expect(review.ok && review.next.review?.scores.tasks).toBe(6475);
  });

  it('submitting takes the products as they are now, even if they changed since the last save', () => {
    const scores = Object.fromEntries(Object.entries(general).map(([k, v]) => [k, v * 100]));
    const draft = evaluation(
      {
        selfAssessment: {
          scores: { ...scores, tasks: 7000 },
          total: 10_000,
          comment: null,
          submittedAt: null,
        },
      },
      ND_335,
    );
    const sent = decide(
      input(draft, AS.employee, { type: 'submit' }, T.beforeSelf, { rubric: ND_335, ...computed }),
    );
    expect(sent.ok && sent.next.selfAssessment).toMatchObject({ scores: { tasks: 6475 }, total: 9475 });
  });

  it('an approval with scores is held to the computed one; an accepted appeal may set another', () => {
    const nd = reviewed({ rubricId: 'nd-335' });
    const adjusted = decide(
      input(
        nd,
        AS.approver,
        { type: 'approve', scores: { ...general, tasks: 50 }, comment: 'x' },
        T.afterReview,
        {
          rubric: ND_335,
          ...computed,
        },
      ),
    );
    expect(adjusted.ok).toBe(false);
    if (!adjusted.ok) expect(adjusted.details?.[0]?.path).toBe('scores.tasks');
    const appealed = approved({
      rubricId: 'nd-335',
      appeal: { reason: 'Lỗi do nguyên nhân khách quan', filedAt: T.published, status: 'PENDING' },
    });
    const decided = decide(
      input(
        appealed,
        AS.decider,
        { type: 'decideAppeal', accept: true, scores: { ...general, tasks: 68 }, comment: 'Chấp nhận' },
        T.published,
        { rubric: ND_335, appealDeadline: T.appealDeadline, quota: quotaState({ B: 10 }), ...computed },
      ),
    );
    expect(decided.ok && decided.next.decision?.scores.tasks).toBe(6800);
    // Without the task score, the accepted appeal takes the computed one.
    const filled = decide(
      input(
        appealed,
        AS.decider,
        { type: 'decideAppeal', accept: true, scores: general, comment: 'Chấp nhận' },
        T.published,
        { rubric: ND_335, appealDeadline: T.appealDeadline, quota: quotaState({ B: 10 }), ...computed },
      ),
    );
    expect(filled.ok && filled.next.decision?.scores.tasks).toBe(6475);
  });
});
