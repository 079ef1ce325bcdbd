/**
 * Grade bands belong to the rubric version: a city with 90 / 75 / 50 (Ho Chi Minh City, Quyết định 20/2024) grades
 * with its own bands, and history keeps the bands it was graded with. Approval and appeal use the evaluation's
 * rubric version; the edges 74.99 / 75 / 89.99 / 90 are where the two cities differ or meet.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bandGrade } from '../../../shared/domain/grades.ts';
import {
  ND_335,
  nextRubricVersion,
  type Rubric,
  rubricSchema,
  rubricToJson,
} from '../../../shared/domain/rubrics.ts';
import { decide } from '../../../shared/domain/transitions.ts';
import { AS, approved, input, reviewed, T } from './fixtures.ts';

/** The admin's body for Ho Chi Minh City's variant of nd-335: the same criteria, bands 90 / 75 / 50. */
function hcmcRubricBody() {
  const { id: _id, version: _version, ...body } = rubricToJson(ND_335) as Record<string, unknown>;
  return {
    ...body,
    name: 'Đánh giá, xếp loại chất lượng theo quý (Quyết định 20/2024/QĐ-UBND TP. Hồ Chí Minh)',
    bands: [
      { grade: 'A', min: 90 },
      { grade: 'B', min: 75 },
      { grade: 'C', min: 50 },
      { grade: 'D', min: 0 },
    ],
  };
}

function hcmcRubric(): Rubric {
  const parsed = rubricSchema.parse(hcmcRubricBody());
  return nextRubricVersion(null, { ...parsed, id: 'nd-335-hcm' });
}

/** nd-335 scores adding up to `total` hundredths: the general criteria full (30), the rest on tasks. */
function ndScores(total: number) {
  return {
    politics: 5,
    ethics: 5,
    competence: 2.5,
    responsibility: 2.5,
    serviceAttitude: 2.5,
    cooperation: 2.5,
    innovation: 10,
    tasks: (total - 3000) / 100,
  };
}
const hundredths = (scores: Record<string, number>) =>
  Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, Math.round(v * 100)]));

describe('bands per rubric version', () => {
  const hcmc = hcmcRubric();

  it('the documented example body (docs/examples/rubric-hcm.json) is this very rubric', () => {
    const example = JSON.parse(
      readFileSync(new URL('../../../docs/examples/rubric-hcm.json', import.meta.url), 'utf8'),
    );
    const parsed = rubricSchema.parse(example);
    expect(parsed.bands).toEqual(hcmc.bands);
    expect(parsed.criteria).toEqual(ND_335.criteria);
    expect(parsed.quota).toEqual(ND_335.quota);
  });

  it('an admin’s rubric version carries its own bands, labels defaulting to the standard ones', () => {
    expect(hcmc.bands.map((b) => [b.grade, b.min, b.label])).toEqual([
      ['A', 9000, 'Hoàn thành xuất sắc nhiệm vụ'],
      ['B', 7500, 'Hoàn thành tốt nhiệm vụ'],
      ['C', 5000, 'Hoàn thành nhiệm vụ'],
      ['D', 0, 'Không hoàn thành nhiệm vụ'],
    ]);
    expect(hcmc.quota).toEqual({ kind: 'shareOfB', percent: 20 });
  });

  it.each([
    [7499, 'C', 'B'],
    [7500, 'B', 'B'],
    [8999, 'B', 'B'],
    [9000, 'A', 'A'],
    [6999, 'C', 'C'],
    [5000, 'C', 'C'],
    [4999, 'D', 'D'],
  ] as const)('a total of %i hundredths is %s in Ho Chi Minh City and %s in Hanoi', (total, hcm, hanoi) => {
    expect(bandGrade(total, hcmc.bands)).toBe(hcm);
    expect(bandGrade(total, ND_335.bands)).toBe(hanoi);
  });

  it.each([
    [7499, 'C'],
    [7500, 'B'],
    [8999, 'B'],
    [9000, 'A'],
  ] as const)('approval of %i hundredths under the HCMC version grades %s', (total, grade) => {
    const scores = hundredths(ndScores(total));
    const e = reviewed({
      rubricId: hcmc.id,
      rubricVersion: hcmc.version,
      selfAssessment: { scores, total, comment: null, submittedAt: T.beforeSelf },
      review: { scores, total, comment: null, reviewedAt: T.afterSelf, reviewerId: 'r1' },
    });
    // A unit with room for an A (20% of 10 B).
    const result = decide(
      input(e, AS.approver, { type: 'approve', scores: null, comment: null }, T.afterReview, {
        rubric: hcmc,
        quota: { evaluated: 12, outstanding: false, counts: { A: 0, B: 10, C: 0, D: 0 } },
      }),
    );
    expect(result.ok && result.next.decision?.grade).toBe(grade);
  });

  it('an accepted appeal regrades with the evaluation’s own version’s bands', () => {
    const scores = hundredths(ndScores(7600));
    const e = approved({
      rubricId: hcmc.id,
      rubricVersion: hcmc.version,
      review: { scores, total: 7600, comment: null, reviewedAt: T.afterSelf, reviewerId: 'r1' },
      decision: {
        scores,
        total: 7600,
        grade: 'B',
        comment: null,
        approvedAt: T.afterReview,
        approverId: 'a1',
        adjusted: false,
        forcedReason: null,
        leaderRule: null,
      },
      appeal: { reason: 'Xin xem lại', filedAt: T.published, status: 'PENDING' },
    });
    const lower = hundredths(ndScores(7499));
    const result = decide(
      input(
        e,
        AS.decider,
        { type: 'decideAppeal', accept: true, scores: ndScores(7499), comment: 'Chấm lại' },
        T.published,
        {
          rubric: hcmc,
          quota: { evaluated: 12, outstanding: false, counts: { A: 0, B: 10, C: 0, D: 0 } },
        },
      ),
    );
    expect(result.ok && result.next.decision).toMatchObject({ total: 7499, grade: 'C', scores: lower });
  });

  it('a later version with other bands changes nothing already graded: the decision keeps its version', () => {
    const parsed = rubricSchema.parse({
      ...hcmcRubricBody(),
      bands: [
        { grade: 'A', min: 95 },
        { grade: 'B', min: 80 },
        { grade: 'C', min: 50 },
        { grade: 'D', min: 0 },
      ],
    });
    const v2 = nextRubricVersion(hcmc, { ...parsed, id: hcmc.id });
    expect(v2.version).toBe(2);
    expect(hcmc.bands.find((b) => b.grade === 'B')?.min).toBe(7500);
    // Deciding an evaluation of version 1 with version 2 is refused: the engine never mixes versions.
    const e = reviewed({ rubricId: hcmc.id, rubricVersion: 1 });
    const result = decide(
      input(e, AS.approver, { type: 'approve', scores: null, comment: null }, T.afterReview, { rubric: v2 }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe('CONFLICT');
  });
});
