/**
 * Subtree aggregates on the in-memory store: every unit ranking says what its own staff did (as before) and what
 * its whole subtree did (summed bottom-up by the ranking pipeline), and the annual report adds, from the annual
 * roll-up, the unit's and each direct sub-unit's subtree; nothing lists more than the unit's own staff.
 */
import { describe, expect, it } from 'vitest';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import { readAnnual, readRanking } from '../../../shared/app/reports.ts';
import { summarizeSubtree } from '../../../shared/domain/subtree.ts';
import { demoCity } from './support.ts';

describe('subtree aggregates', () => {
  it('a ranking keeps its own figures and adds the subtree: the root’s counts every evaluation of the city', async () => {
    const { as, store, period } = await demoCity();
    await runJobInline(store, 'compute-rankings', { target: period, fresh: true });
    const hr = as('hn-hr', ['hr']);
    const root = await readRanking(hr, 'hn', period);
    const stc = await readRanking(hr, 'stc', period);
    const ns = await readRanking(hr, 'stc-ns', period);
    const gia = await readRanking(hr, 'stc-gia', period);
    const counters = await store.evaluations.periodCounters(period);
    const all = counters.reduce((n, c) => n + c.evaluated, 0);
    // Own figures as before: the root has no evaluation of its own (its head is skipped, its HR is one).
    expect(root.participation.evaluated).toBe(counters.find((c) => c.unitId === 'hn')?.evaluated ?? 0);
    expect(root.subtree).toMatchObject({ units: 8, staff: all, participation: { evaluated: all } });
    // stc = its own staff + stc-ns + stc-gia.
    const sum = (f: (r: typeof stc) => number) => f(stc) + f(ns) + f(gia);
    expect(stc.subtree).toMatchObject({
      units: 3,
      staff: sum((r) => r.participation.evaluated),
      distribution: {
        A: sum((r) => r.distribution.A),
        B: sum((r) => r.distribution.B),
        C: sum((r) => r.distribution.C),
        D: sum((r) => r.distribution.D),
      },
      participation: {
        submitted: sum((r) => r.participation.submitted),
        reviewed: sum((r) => r.participation.reviewed),
        approved: sum((r) => r.participation.approved),
        missing: sum((r) => r.participation.missing),
        late: sum((r) => r.participation.late),
      },
    });
    expect(stc.subtree?.inflation.approved).toBe(2);
    // A unit with no sub-unit: its subtree is itself.
    expect(ns.subtree).toMatchObject({
      units: 1,
      participation: ns.participation,
      distribution: ns.distribution,
    });
    expect(ns.subtree?.inflation.meanSelfMinusReview).toBe(ns.inflation.meanSelfMinusReview);
    // The league table of the parent agrees with each child's subtree.
    expect(ns.subtree?.meanTotal).toBe(
      ns.entries.length ? ns.entries.reduce((s, e) => s + e.total, 0) / ns.entries.length : null,
    );
  });

  it('signals over a subtree use the unit-level thresholds on the sums', () => {
    const base = {
      units: 3,
      evaluated: 10,
      submitted: 8,
      reviewed: 7,
      approved: 5,
      late: 1,
      sumTotals: 46000,
      countA: 4,
      countB: 1,
      countC: 0,
      countD: 0,
      gapSum: 4200,
      gapCount: 7,
      identicalComments: 3,
    };
    const s = summarizeSubtree(base);
    expect(s).toMatchObject({
      staff: 10,
      meanTotal: 9200,
      participation: { missing: 2 },
      inflation: { shareA: 8000, meanSelfMinusReview: 600, allSameGrade: false },
    });
    expect(s.inflation.signals).toEqual(['NEARLY_ALL_A', 'SELF_ABOVE_REVIEW', 'COPY_PASTE_COMMENTS']);
    expect(summarizeSubtree({ ...base, countA: 5, countB: 0 }).inflation.signals).toContain('ALL_SAME_GRADE');
    expect(
      summarizeSubtree({ ...base, approved: 0, countA: 0, countB: 0, sumTotals: 0, gapCount: 0 }),
    ).toMatchObject({
      meanTotal: null,
      inflation: { shareA: 0, meanSelfMinusReview: null, signals: ['COPY_PASTE_COMMENTS'] },
    });
  });

  it('the annual report lists its own staff, plus the subtree of the unit and of each sub-unit from the roll-up', async () => {
    const { as, store, period } = await demoCity();
    const year = Number(period.slice(0, 4));
    const hr = as('hn-hr', ['hr']);
    const before = await readAnnual(hr, year, 'hn');
    expect(before).toMatchObject({ subtree: null });
    expect(before.subunits.every((u) => u.subtree === null)).toBe(true);
    await runJobInline(store, 'annual-rollup', { target: String(year), fresh: true });
    const report = await readAnnual(hr, year, 'hn');
    // Own staff only, one row each; the city's 40 staff are counted, not listed.
    expect(report.items.map((i) => i.employeeId).sort()).toEqual(['hn-ct', 'hn-hr']);
    expect(report.subtree).toMatchObject({ units: 8, staff: 40, computedAt: expect.any(String) });
    expect(report.subunits.map((u) => u.name)).toEqual([
      'Sở Giáo dục và Đào tạo',
      'Sở Nội vụ',
      'Sở Tài chính',
      'UBND Phường Hoàn Kiếm',
    ]);
    const stc = report.subunits.find((u) => u.unitId === 'stc');
    expect(stc?.subtree).toMatchObject({ units: 3, staff: 14 });
    const staff = report.subunits.reduce((n, u) => n + (u.subtree?.staff ?? 0), 0);
    expect(staff + report.items.length).toBe(report.subtree?.staff);
    // Nobody has 6 months in the demo: all not classified, the mean from the one month they have.
    expect(report.subtree).toMatchObject({
      classified: 0,
      notClassified: 40,
      grades: { A: 0, B: 0, C: 0, D: 0 },
    });
    expect(stc?.subtree?.meanAverage).toBeGreaterThan(0);
  });
});
