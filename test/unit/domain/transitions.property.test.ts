/**
 * Property tests of `decide`: for any evaluation, caller, action and time it never throws, and it either yields
 * a valid next state or refuses with a code of the HTTP contract. A unit driven only through `decide` never
 * ends up over its A quota.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sum } from '../../../shared/domain/points.ts';
import { quotaStatus } from '../../../shared/domain/quota.ts';
import { HN_3814, ND_335, type Rubric, rubricMaxTotal } from '../../../shared/domain/rubrics.ts';
import { type DecideInput, decide } from '../../../shared/domain/transitions.ts';
import {
  type Action,
  type ActorRelations,
  type DomainErrorCode,
  EVALUATION_STATUSES,
  type Evaluation,
  GRADES,
  type ScoreMap,
} from '../../../shared/domain/types.ts';
import { AS, DEADLINES, evaluation, IDS, NOBODY, quotaState, T } from './fixtures.ts';

const CONTRACT_CODES: DomainErrorCode[] = [
  'FORBIDDEN',
  'INVALID_TRANSITION',
  'DEADLINE_PASSED',
  'QUOTA_EXCEEDED',
  'VALIDATION_FAILED',
  'CONFLICT',
];

const rubricArb = fc.constantFrom(HN_3814, ND_335);

/** Stored scores: valid hundredths for some or all criteria of the rubric. */
const scoreMapArb = (rubric: Rubric): fc.Arbitrary<ScoreMap> =>
  fc
    .tuple(...rubric.criteria.map((c) => fc.option(fc.integer({ min: 0, max: c.max }), { nil: undefined })))
    .map((values) => {
      const out: ScoreMap = {};
      rubric.criteria.forEach((c, i) => {
        const v = values[i];
        if (v !== undefined) out[c.id] = v;
      });
      return out;
    });

/** What a client may send as scores: mostly plausible points, sometimes garbage. */
const rawScoresArb = (rubric: Rubric): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constant(Object.fromEntries(rubric.criteria.map((c) => [c.id, c.max / 100]))),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(...rubric.criteria.map((c) => fc.integer({ min: 0, max: c.max })))
        .map((vs) => Object.fromEntries(rubric.criteria.map((c, i) => [c.id, (vs[i] ?? 0) / 100]))),
    },
    {
      weight: 2,
      arbitrary: fc.dictionary(
        fc.oneof(fc.constantFrom(...rubric.criteria.map((c) => c.id)), fc.string()),
        fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)),
      ),
    },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: fc.constant(null) },
  );

const commentArb = fc.oneof(fc.constant(null), fc.constant(''), fc.constant('Lý do cụ thể'), fc.string());

/** `expireWeight` is low in walks, where an early expiry would end the walk (others weigh 10). */
const actionArb = (rubric: Rubric, expireWeight = 10): fc.Arbitrary<Action> => {
  const w = <T>(arbitrary: fc.Arbitrary<T>) => ({ weight: 10, arbitrary });
  return fc.oneof(
    w(
      fc.record({
        type: fc.constant('saveSelfAssessment' as const),
        scores: rawScoresArb(rubric),
        comment: commentArb,
      }),
    ),
    w(fc.constant({ type: 'submit' as const })),
    w(fc.record({ type: fc.constant('review' as const), scores: rawScoresArb(rubric), comment: commentArb })),
    w(
      fc.record({
        type: fc.constant('return' as const),
        comment: fc.oneof(fc.constant('Bổ sung'), fc.string()),
      }),
    ),
    w(
      fc.record({ type: fc.constant('approve' as const), scores: rawScoresArb(rubric), comment: commentArb }),
    ),
    w(
      fc.record({
        type: fc.constant('appeal' as const),
        reason: fc.oneof(fc.constant('Chưa đúng'), fc.string()),
      }),
    ),
    w(
      fc.record({
        type: fc.constant('decideAppeal' as const),
        accept: fc.boolean(),
        scores: rawScoresArb(rubric),
        comment: fc.oneof(fc.constant('Đã xem xét'), fc.string()),
      }),
    ),
    { weight: expireWeight, arbitrary: fc.constant({ type: 'expire' as const }) },
    {
      weight: expireWeight,
      arbitrary: fc.record({
        type: fc.constant('reopen' as const),
        reason: fc.oneof(fc.constant('Đóng kỳ nhầm'), fc.string()),
        deadlines: fc.constant(null),
        // What an old evaluation's history says it was (new ones carry `expiredFrom`).
        before: fc.option(
          fc.constantFrom(
            { status: 'DRAFT' as const, returnedTo: null },
            { status: 'SUBMITTED' as const, returnedTo: null },
            { status: 'RETURNED' as const, returnedTo: 'reviewer' as const },
            { status: 'APPROVED' as const, returnedTo: null },
          ),
          { nil: null },
        ),
      }),
    },
  );
};

const randomRelationsArb: fc.Arbitrary<ActorRelations> = fc.record({
  actorId: fc.constantFrom(IDS.employee, IDS.reviewer, IDS.approver, IDS.decider, IDS.hr, 'x'),
  isEmployee: fc.boolean(),
  isReviewer: fc.boolean(),
  isApprover: fc.boolean(),
  isActingApprover: fc.boolean(),
  isAppealDecider: fc.boolean(),
  isHrInScope: fc.boolean(),
  isAdmin: fc.boolean(),
  isSystem: fc.boolean(),
});

/** Who would normally perform each action. */
const LIKELY_ACTORS: Record<Action['type'], ActorRelations[]> = {
  saveSelfAssessment: [AS.employee],
  submit: [AS.employee],
  review: [AS.reviewer, AS.reviewerApprover],
  return: [AS.reviewer, AS.approver, AS.acting],
  approve: [AS.approver, AS.acting, AS.reviewerApprover],
  appeal: [AS.employee],
  decideAppeal: [AS.decider, AS.hr],
  expire: [AS.system, AS.admin, AS.hr],
  reopen: [AS.admin],
};

/** Mostly the person the action is for (so that many actions succeed), sometimes anyone or any mix. */
const relationsFor = (action: Action): fc.Arbitrary<ActorRelations> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...LIKELY_ACTORS[action.type]) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.values(AS)) },
    { weight: 1, arbitrary: randomRelationsArb },
  );

const nowArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...Object.values(T)) },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: Date.parse('2026-03-01T00:00:00Z'), max: Date.parse('2026-05-01T00:00:00Z') })
      .map((ms) => new Date(ms).toISOString()),
  },
  { weight: 1, arbitrary: fc.string() },
);

const evaluationArb = (rubric: Rubric): fc.Arbitrary<Evaluation> =>
  fc
    .record({
      status: fc.constantFrom(...EVALUATION_STATUSES),
      returnedTo: fc.constantFrom('employee' as const, 'reviewer' as const),
      isUnitHead: fc.boolean(),
      self: fc.option(fc.tuple(scoreMapArb(rubric), fc.option(fc.constant(T.beforeSelf), { nil: null })), {
        nil: null,
      }),
      review: fc.option(scoreMapArb(rubric), { nil: null }),
      decision: fc.option(fc.tuple(scoreMapArb(rubric), fc.constantFrom(...GRADES)), { nil: null, freq: 3 }),
      appeal: fc.option(fc.constantFrom('PENDING' as const, 'ACCEPTED' as const, 'REJECTED' as const), {
        nil: null,
      }),
      published: fc.boolean(),
      flags: fc.record(
        { selfAssessmentMissing: fc.boolean(), lateReview: fc.boolean() },
        { requiredKeys: [] },
      ),
    })
    .map((g) =>
      evaluation(
        {
          status: g.status,
          // Stored evaluations only carry a target while RETURNED.
          returnedTo: g.status === 'RETURNED' ? g.returnedTo : null,
          isUnitHead: g.isUnitHead,
          selfAssessment:
            g.self === null
              ? null
              : {
                  scores: g.self[0],
                  total: sum(Object.values(g.self[0])),
                  comment: null,
                  submittedAt: g.self[1],
                },
          review:
            g.review === null
              ? null
              : {
                  scores: g.review,
                  total: sum(Object.values(g.review)),
                  comment: null,
                  reviewedAt: T.afterSelf,
                  reviewerId: IDS.reviewer,
                },
          decision:
            g.decision === null
              ? null
              : {
                  scores: g.decision[0],
                  total: sum(Object.values(g.decision[0])),
                  grade: g.decision[1],
                  comment: null,
                  approvedAt: T.afterReview,
                  approverId: IDS.approver,
                  adjusted: false,
                },
          appeal: g.appeal === null ? null : { reason: 'x', filedAt: T.afterApproval, status: g.appeal },
          publishedAt: g.published ? T.published : null,
          flags: g.flags,
        },
        rubric,
      ),
    );

const inputArb: fc.Arbitrary<DecideInput> = rubricArb
  .chain((rubric) =>
    actionArb(rubric).chain((action) =>
      fc.tuple(fc.constant(rubric), fc.constant(action), relationsFor(action)),
    ),
  )
  .chain(([rubric, action, relations]) =>
    fc.record({
      evaluation: evaluationArb(rubric),
      relations: fc.constant(relations),
      action: fc.constant(action),
      now: nowArb,
      rubric: fc.constant(rubric),
      employeeFlags: fc.record(
        { disciplined: fc.boolean(), degradation: fc.boolean(), unitCorruption: fc.boolean() },
        { requiredKeys: [] },
      ),
      quota: fc
        .record({
          A: fc.nat(5),
          B: fc.nat(20),
          C: fc.nat(5),
          D: fc.nat(5),
          evaluated: fc.nat(40),
          outstanding: fc.boolean(),
        })
        .map((q) => quotaState({ A: q.A, B: q.B, C: q.C, D: q.D }, q.evaluated, q.outstanding)),
      appealDeadline: fc.option(fc.constantFrom(T.appealDeadline, 'garbage'), { nil: null }),
      subordinateGrades: fc.option(fc.array(fc.constantFrom(...GRADES), { maxLength: 5 }), {
        nil: undefined,
      }),
    }),
  );

/** What every evaluation `decide` produces must satisfy. */
function stateProblems(before: Evaluation, next: Evaluation, rubric: Rubric): string[] {
  const problems: string[] = [];
  if (!EVALUATION_STATUSES.includes(next.status)) problems.push('unknown status');
  if (next.version !== before.version + 1) problems.push('version not bumped by one');
  if ((next.status === 'RETURNED') !== (next.returnedTo !== null)) problems.push('returnedTo inconsistent');
  for (const k of [
    'employeeId',
    'period',
    'rubricId',
    'rubricVersion',
    'reviewerId',
    'approverId',
  ] as const) {
    if (next[k] !== before[k]) problems.push(`${k} changed`);
  }
  if (next.status === 'SUBMITTED' && next.selfAssessment?.submittedAt == null)
    problems.push('submitted without date');
  if (next.status === 'REVIEWED' && next.review === null) problems.push('reviewed without review');
  if (next.status === 'APPROVED') {
    const d = next.decision;
    if (d === null) problems.push('approved without decision');
    else {
      if (d.total !== sum(Object.values(d.scores))) problems.push('decision total is not the sum');
      if (!GRADES.includes(d.grade)) problems.push('bad grade');
      if (d.total < 0 || d.total > rubricMaxTotal(rubric)) problems.push('total out of range');
      const ids = new Set(rubric.criteria.map((c) => c.id));
      if (Object.keys(d.scores).some((k) => !ids.has(k))) problems.push('unknown criterion in decision');
    }
  }
  for (const part of [next.selfAssessment, next.review]) {
    if (part !== null && part.total !== sum(Object.values(part.scores)))
      problems.push('total is not the sum');
  }
  if (before.status === 'APPROVED' && next.status !== 'APPROVED') problems.push('left APPROVED');
  // The one way out of EXPIRED is a reopening, back to a state before approval.
  if (before.status === 'EXPIRED' && (next.status === 'APPROVED' || next.status === 'EXPIRED'))
    problems.push('an EXPIRED evaluation became APPROVED or EXPIRED again');
  if ((next.status === 'EXPIRED') !== (next.expiredFrom != null))
    problems.push('expiredFrom set outside EXPIRED, or missing on it');
  if (next.status === 'EXPIRED' && next.expiredFrom?.status === 'EXPIRED')
    problems.push('expired from EXPIRED');
  return problems;
}

describe('decide (properties)', () => {
  it('never throws, and yields a valid state or a contract error code', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const r = decide(i);
        if (r.ok) {
          expect(stateProblems(i.evaluation, r.next, i.rubric)).toEqual([]);
          expect(r.event.fromStatus).toBe(i.evaluation.status);
          expect(r.event.toStatus).toBe(r.next.status);
          expect(r.event.action).toBe(i.action.type);
          if (r.gradeChange?.to != null) expect(r.next.decision?.grade).toBe(r.gradeChange.to);
        } else {
          expect(CONTRACT_CODES).toContain(r.code);
          expect(r.message.length).toBeGreaterThan(0);
          if (r.code === 'VALIDATION_FAILED') expect(r.details?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random walks through the month from a fresh draft keep every state valid', () => {
    const stepArb = (rubric: Rubric) =>
      actionArb(rubric, 1).chain((action) =>
        fc.record({
          action: fc.constant(action),
          relations: relationsFor(action),
          minutes: fc.integer({ min: 0, max: 12 * 60 }),
          publish: fc.boolean(),
          natural: fc.boolean(),
        }),
      );
    const full = (rubric: Rubric) => Object.fromEntries(rubric.criteria.map((c) => [c.id, c.max / 200]));
    /** The action the month would naturally take next, so walks get far; random steps mix in the rest. */
    const naturalStep = (e: Evaluation, rubric: Rubric): [ActorRelations, Action] => {
      switch (e.status) {
        case 'DRAFT':
          return e.selfAssessment === null
            ? [AS.employee, { type: 'saveSelfAssessment', scores: full(rubric), comment: null }]
            : [AS.employee, { type: 'submit' }];
        case 'SUBMITTED':
          return [AS.reviewer, { type: 'review', scores: full(rubric), comment: null }];
        case 'REVIEWED':
          return [AS.approver, { type: 'approve', scores: null, comment: null }];
        case 'RETURNED':
          return e.returnedTo === 'employee'
            ? [AS.employee, { type: 'submit' }]
            : [AS.reviewer, { type: 'review', scores: full(rubric), comment: null }];
        case 'APPROVED':
          return e.appeal === null
            ? [AS.employee, { type: 'appeal', reason: 'Chưa đúng' }]
            : [AS.decider, { type: 'decideAppeal', accept: true, scores: null, comment: 'Đã xem xét' }];
        default:
          return [AS.system, { type: 'expire' }];
      }
    };
    const walkArb = rubricArb.chain((rubric) =>
      fc.record({
        rubric: fc.constant(rubric),
        steps: fc.array(stepArb(rubric), { minLength: 1, maxLength: 30 }),
      }),
    );
    let succeeded = 0;
    const reached = new Set<string>();
    fc.assert(
      fc.property(walkArb, ({ rubric, steps }) => {
        let e = evaluation({}, rubric);
        let ms = Date.parse('2026-04-01T08:00:00+07:00');
        for (const step of steps) {
          ms += step.minutes * 60_000;
          const now = new Date(ms).toISOString();
          const [relations, action] = step.natural ? naturalStep(e, rubric) : [step.relations, step.action];
          const r = decide({
            evaluation: e,
            relations,
            action,
            now,
            rubric,
            employeeFlags: {},
            quota: quotaState({ B: 10 }, 10),
            appealDeadline: e.publishedAt === null ? null : T.appealDeadline,
          });
          if (!r.ok) {
            expect(CONTRACT_CODES).toContain(r.code);
            continue;
          }
          succeeded++;
          reached.add(r.next.status);
          expect(stateProblems(e, r.next, rubric)).toEqual([]);
          e = r.next;
          // The period closes and publishes after approval.
          if (e.status === 'APPROVED' && e.publishedAt === null && step.publish)
            e = { ...e, publishedAt: now };
        }
      }),
      { numRuns: 300 },
    );
    // Not vacuous: the walks do move evaluations along.
    expect(succeeded).toBeGreaterThan(600);
    expect([...reached].sort()).toEqual([...EVALUATION_STATUSES].sort());
  });

  it('a caller with no relation to the evaluation is always FORBIDDEN', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const r = decide({ ...i, relations: NOBODY, now: T.afterSelf });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.code).toBe('FORBIDDEN');
      }),
    );
  });

  it('HR and admins never act as employee, reviewer or approver', () => {
    fc.assert(
      fc.property(inputArb, fc.constantFrom(AS.hr, AS.admin), (i, who) => {
        const r = decide({ ...i, relations: who });
        if (r.ok) expect(['expire', 'decideAppeal', 'reopen']).toContain(i.action.type);
      }),
    );
  });

  it('a granted A never breaks the quota, through any sequence of approvals in a unit', () => {
    const approvalArb = fc.record({
      rubric: rubricArb,
      outstanding: fc.boolean(),
      staff: fc.array(fc.record({ total: fc.integer({ min: 0, max: 100 }), unitHead: fc.boolean() }), {
        minLength: 1,
        maxLength: 25,
      }),
    });
    fc.assert(
      fc.property(approvalArb, ({ rubric, outstanding, staff }) => {
        let quota = quotaState({}, staff.length, outstanding);
        for (const [n, s] of staff.entries()) {
          // Spread the wanted total over the criteria, up to each max, so the scores are valid.
          let left = s.total * 100;
          const scores: Record<string, number> = {};
          for (const c of rubric.criteria) {
            const v = Math.min(c.max, left);
            scores[c.id] = v / 100;
            left -= v;
          }
          const e: Evaluation = {
            ...evaluation({ employeeId: `e${n}`, status: 'SUBMITTED', isUnitHead: s.unitHead }, rubric),
            deadlines: DEADLINES,
          };
          const r = decide({
            evaluation: e,
            relations: AS.approver,
            action: { type: 'approve', scores, comment: null },
            now: T.afterReview,
            rubric,
            employeeFlags: {},
            quota,
            appealDeadline: null,
          });
          if (!r.ok) {
            expect(r.code).toBe('QUOTA_EXCEEDED');
            continue;
          }
          const to = r.gradeChange?.to;
          if (to != null) quota = { ...quota, counts: { ...quota.counts, [to]: quota.counts[to] + 1 } };
          expect(quotaStatus(rubric.quota, quota).ok).toBe(true);
        }
      }),
    );
  });
});
