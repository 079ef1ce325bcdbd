/**
 * Rankings: computed per unit from its evaluations (one Query each), stored as snapshots with the time they
 * were computed, and served as stored. Parents rank their sub-units on the figures of each sub-unit's whole
 * subtree. Computing is idempotent: the same evaluations give the same snapshot (but for `computedAt`).
 */

import { GRADE_LABELS } from '../domain/grades.ts';
import { divideRoundHalfUp, toPoints } from '../domain/points.ts';
import { quotaStatus } from '../domain/quota.ts';
import { annualResult, basisPoints, inflationSignals, rankSubunits, rankUnit } from '../domain/rankings.ts';
import { DEFAULT_RUBRIC_ID } from '../domain/rubrics.ts';
import type { EvaluationFlags, EvaluationStatus, Grade, Hundredths } from '../domain/types.ts';
import { forbidden, notFound } from '../http/errors.ts';
import type { Db } from '../store/client.ts';
import {
  getUnitPeriod,
  listEmployeeEvaluations,
  listQueue,
  type UnitPeriodCounters,
} from '../store/evaluation-store.ts';
import { keys } from '../store/keys.ts';
import {
  type Employee,
  listChildUnits,
  listUnitStaff,
  listUnits,
  type Unit,
  unitChain,
} from '../store/org-store.ts';
import { getPeriod } from '../store/period-store.ts';
import {
  getRanking,
  getSubunitRanking,
  putRanking,
  putSubunitRanking,
  type RankingSnapshot,
  type SubtreeFigures,
  type SubunitRankingSnapshot,
} from '../store/ranking-store.ts';
import { getRubricVersion } from '../store/rubric-store.ts';
import { Access } from './access.ts';
import type { Caller } from './evaluations.ts';
import { inParallel } from './parallel.ts';

function mostCommon<T>(values: T[]): T | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) if (n > bestCount) [best, bestCount] = [v, n];
  return best;
}

/**
 * What a ranking reads of an evaluation. A stored evaluation is one; the ranking job asks DynamoDB for these
 * attributes only (`RANKING_ATTRIBUTES`), a third of the item.
 */
export interface RankingRow {
  employeeId: string;
  employeeName: string;
  status: EvaluationStatus;
  rubricId: string;
  rubricVersion: number;
  /** Absent when projected from an item whose flags were never set. */
  flags?: EvaluationFlags;
  selfAssessment: { total: Hundredths; submittedAt: string | null } | null;
  review: { total: Hundredths; comment: string | null } | null;
  decision: { total: Hundredths; grade: Grade; comment: string | null } | null;
}

export const RANKING_ATTRIBUTES = [
  'employeeId',
  'employeeName',
  'status',
  'rubricId',
  'rubricVersion',
  'flags',
  'selfAssessment.total',
  'selfAssessment.submittedAt',
  'review.total',
  'review.comment',
  'decision.total',
  'decision.grade',
  'decision.comment',
] as const;

/**
 * The unit's own snapshot (without its subtree figures, which need its children). `evaluations` and `counters`
 * are read here unless the caller has them already (the ranking job reads a few units' in one request).
 */
export async function computeUnitSnapshot(
  db: Db,
  unit: Pick<Unit, 'id' | 'name'>,
  period: string,
  computedAt: string,
  evaluations?: readonly RankingRow[],
  counters?: Pick<UnitPeriodCounters, 'evaluated' | 'outstanding'>,
): Promise<Omit<RankingSnapshot, 'subtree'> & { own: SubtreeFigures }> {
  const rows: readonly RankingRow[] =
    evaluations ?? (await listQueue(db, keys.unitEvaluations(unit.id, period)));
  const ranking = rankUnit(
    rows.map((e) => ({
      employeeId: e.employeeId,
      name: e.employeeName,
      status: e.status,
      total: e.status === 'APPROVED' ? (e.decision?.total ?? null) : null,
      grade: e.status === 'APPROVED' ? (e.decision?.grade ?? null) : null,
      flags: e.flags ?? {},
      selfTotal: e.selfAssessment?.submittedAt ? e.selfAssessment.total : null,
      reviewTotal: e.review?.total ?? null,
    })),
  );
  // A unit normally scores everyone with one rubric; with a mix, the quota follows the most common one.
  const rubricKey = mostCommon(rows.map((e) => `${e.rubricId}@${e.rubricVersion}`));
  let quota: RankingSnapshot['quota'] = null;
  let rubricId: string | null = null;
  if (rubricKey) {
    const [id = DEFAULT_RUBRIC_ID, version = '1'] = rubricKey.split('@');
    rubricId = id;
    const rubric = await getRubricVersion(db, id, Number(version));
    const { evaluated, outstanding } = counters ?? (await getUnitPeriod(db, unit.id, period));
    if (rubric) {
      quota = quotaStatus(rubric.quota, {
        evaluated,
        outstanding,
        counts: ranking.distribution,
      });
    }
  }
  const [inflation] = inflationSignals([
    {
      unitId: unit.id,
      name: unit.name,
      rows: rows.map((e) => ({
        employeeId: e.employeeId,
        grade: e.status === 'APPROVED' ? (e.decision?.grade ?? null) : null,
        selfTotal: e.selfAssessment?.submittedAt ? e.selfAssessment.total : null,
        reviewTotal: e.review?.total ?? null,
        comments: [e.review?.comment ?? null, e.decision?.comment ?? null],
      })),
    },
  ]);
  if (!inflation) throw new Error('inflationSignals returned no unit');
  return {
    unitId: unit.id,
    unitName: unit.name,
    period,
    computedAt,
    rubricId,
    entries: ranking.entries,
    distribution: ranking.distribution,
    quota,
    participation: ranking.participation,
    inflation,
    own: {
      approved: ranking.entries.length,
      evaluated: rows.length,
      sumTotals: ranking.entries.reduce((s, e) => s + e.total, 0),
      countA: ranking.distribution.A,
    },
  };
}

const addFigures = (a: SubtreeFigures, b: SubtreeFigures): SubtreeFigures => ({
  approved: a.approved + b.approved,
  evaluated: a.evaluated + b.evaluated,
  sumTotals: a.sumTotals + b.sumTotals,
  countA: a.countA + b.countA,
});

export function subunitRow(unit: Pick<Unit, 'id' | 'name'>, figures: SubtreeFigures) {
  return {
    unitId: unit.id,
    name: unit.name,
    meanTotal: figures.approved > 0 ? divideRoundHalfUp(figures.sumTotals, figures.approved) : null,
    shareA: basisPoints(figures.countA, figures.approved),
    participation: basisPoints(figures.approved, figures.evaluated),
  };
}

/**
 * Every unit's ranking for the period, then every parent's league table of its sub-units. Units are computed
 * in parallel; parents are ranked once all their descendants' figures are known.
 */
export async function computeAllRankings(
  db: Db,
  period: string,
  computedAt: string,
  options: { units?: Unit[] } = {},
) {
  const units = options.units ?? (await listUnits(db));
  const own = new Map<string, Awaited<ReturnType<typeof computeUnitSnapshot>>>();
  await inParallel(units, 8, async (unit) => {
    own.set(unit.id, await computeUnitSnapshot(db, unit, period, computedAt));
  });
  await rollUpAndStore(db, units, own, period, computedAt);
  return { units: units.length };
}

/**
 * Each unit's figures summed over its whole subtree (its own plus every descendant's), and each unit's children.
 * A cycle in the unit tree (bad data) is cut rather than followed.
 */
export function rollUp(
  units: readonly Unit[],
  own: ReadonlyMap<string, SubtreeFigures>,
): { subtree: Map<string, SubtreeFigures>; children: Map<string, Unit[]> } {
  const children = new Map<string, Unit[]>();
  for (const u of units)
    if (u.parentId !== null) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u]);
  const subtree = new Map<string, SubtreeFigures>();
  const figuresOf = (unitId: string, seen = new Set<string>()): SubtreeFigures => {
    const known = subtree.get(unitId);
    if (known) return known;
    const empty = { approved: 0, evaluated: 0, sumTotals: 0, countA: 0 };
    if (seen.has(unitId)) return empty;
    seen.add(unitId);
    const figures = (children.get(unitId) ?? []).reduce(
      (sum, child) => addFigures(sum, figuresOf(child.id, seen)),
      own.get(unitId) ?? empty,
    );
    subtree.set(unitId, figures);
    return figures;
  };
  for (const u of units) figuresOf(u.id);
  return { subtree, children };
}

/** A parent's league table of its sub-units, from the sub-units' subtree figures. */
export function subunitSnapshot(
  unitId: string,
  kids: readonly Unit[],
  subtree: ReadonlyMap<string, SubtreeFigures>,
  period: string,
  computedAt: string,
): SubunitRankingSnapshot {
  const empty = { approved: 0, evaluated: 0, sumTotals: 0, countA: 0 };
  return {
    unitId,
    period,
    computedAt,
    entries: rankSubunits(kids.map((k) => subunitRow(k, subtree.get(k.id) ?? empty))),
  };
}

/** Adds each unit's subtree figures to its snapshot, stores it, and stores each parent's league table. */
export async function rollUpAndStore(
  db: Db,
  units: Unit[],
  own: Map<string, Omit<RankingSnapshot, 'subtree'> & { own: SubtreeFigures }>,
  period: string,
  computedAt: string,
) {
  const { subtree, children } = rollUp(units, new Map([...own].map(([id, s]) => [id, s.own])));
  await inParallel(units, 8, async (unit) => {
    const snapshot = own.get(unit.id);
    if (!snapshot) return;
    const { own: _own, ...rest } = snapshot;
    await putRanking(db, { ...rest, subtree: subtree.get(unit.id) ?? _own });
    const kids = children.get(unit.id);
    if (kids && kids.length > 0)
      await putSubunitRanking(db, subunitSnapshot(unit.id, kids, subtree, period, computedAt));
  });
}

/** Approver of the unit or above, HR in scope, admin; staff of the unit once the period is closed. */
async function requireReportAccess(caller: Caller, unitId: string, period: string | null): Promise<Access> {
  const access = new Access(caller.db, caller.principal, caller.now);
  if ((await access.chain(unitId)).length === 0) throw notFound('Không tìm thấy đơn vị.');
  if (access.isAdmin || (await access.hrScopeContains(unitId)) || (await access.headsUnitOrAncestor(unitId)))
    return access;
  if (period !== null) {
    const me = await access.me();
    const record = await getPeriod(caller.db, period);
    if (me?.unitId === unitId && record?.status === 'CLOSED') return access;
  }
  throw forbidden('Bạn không có quyền xem bảng xếp hạng của đơn vị này.');
}

export function presentRanking(s: RankingSnapshot) {
  return {
    unitId: s.unitId,
    unitName: s.unitName,
    period: s.period,
    computedAt: s.computedAt,
    rubricId: s.rubricId,
    entries: s.entries.map((e) => ({ ...e, total: toPoints(e.total), gradeLabel: GRADE_LABELS[e.grade] })),
    distribution: s.distribution,
    quota: s.quota,
    participation: s.participation,
    inflation: {
      ...s.inflation,
      meanSelfMinusReview:
        s.inflation.meanSelfMinusReview === null ? null : toPoints(s.inflation.meanSelfMinusReview),
    },
  };
}

/** The stored snapshot, for a caller allowed to see it. */
export async function loadRanking(caller: Caller, unitId: string, period: string): Promise<RankingSnapshot> {
  await requireReportAccess(caller, unitId, period);
  const snapshot = await getRanking(caller.db, unitId, period);
  if (!snapshot) throw notFound(`Chưa có bảng xếp hạng kỳ ${period} của đơn vị này (chưa tính).`);
  return snapshot;
}

export async function readRanking(caller: Caller, unitId: string, period: string) {
  return presentRanking(await loadRanking(caller, unitId, period));
}

const csvField = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const toCsv = (rows: unknown[][]) => `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;

export function rankingCsv(s: RankingSnapshot): string {
  return toCsv([
    ['Hạng', 'Mã nhân sự', 'Họ và tên', 'Tổng điểm', 'Xếp loại', 'Mức xếp loại'],
    ...s.entries.map((e) => [
      e.rank,
      e.employeeId,
      e.name,
      toPoints(e.total),
      e.grade,
      GRADE_LABELS[e.grade],
    ]),
  ]);
}

export async function readRankingCsv(caller: Caller, unitId: string, period: string) {
  return rankingCsv(await loadRanking(caller, unitId, period));
}

export async function readSubunitRanking(caller: Caller, unitId: string, period: string) {
  const access = new Access(caller.db, caller.principal, caller.now);
  if ((await access.chain(unitId)).length === 0) throw notFound('Không tìm thấy đơn vị.');
  if (
    !access.isAdmin &&
    !(await access.hrScopeContains(unitId)) &&
    !(await access.headsUnitOrAncestor(unitId))
  ) {
    throw forbidden('Bạn không có quyền xem bảng xếp hạng các đơn vị trực thuộc.');
  }
  const snapshot = await getSubunitRanking(caller.db, unitId, period);
  if (!snapshot)
    throw notFound(`Chưa có bảng xếp hạng kỳ ${period} (chưa tính hoặc đơn vị không có đơn vị trực thuộc).`);
  return {
    unitId,
    period,
    computedAt: snapshot.computedAt,
    entries: snapshot.entries.map((e) => ({
      ...e,
      meanTotal: e.meanTotal === null ? null : toPoints(e.meanTotal),
      shareA: e.shareA / 100,
      participation: e.participation / 100,
    })),
  };
}

/**
 * One employee's result for the year from all their monthly finals wherever they were (transfers carry their
 * months, since evaluations are keyed by employee): average, months counted, grade, not classified under 6 months.
 */
export async function annualForEmployee(db: Db, employee: Employee, year: number) {
  const months = (await listEmployeeEvaluations(db, employee.id, String(year))).filter(
    (e) => e.status === 'APPROVED' && e.decision,
  );
  const latest = months.at(-1);
  const rubric = latest ? await getRubricVersion(db, latest.rubricId, latest.rubricVersion) : null;
  const bands = rubric?.bands ?? (await getRubricVersion(db, DEFAULT_RUBRIC_ID, 1))?.bands ?? [];
  const result = annualResult(
    months.map((m) => ({ period: m.period, total: m.decision?.total ?? 0 })),
    bands,
    { ...employee.flags, isUnitHead: employee.isUnitHead },
  );
  return { employeeId: employee.id, name: employee.name, ...result, periods: months.map((m) => m.period) };
}

/** The year's result of each current member of a unit (see `annualForEmployee`). */
export async function computeAnnual(db: Db, unitId: string, year: number) {
  const staff = await listUnitStaff(db, unitId);
  return inParallel(staff, 8, async (employee) => {
    const { periods: _periods, ...result } = await annualForEmployee(db, employee, year);
    return result;
  });
}

export async function readAnnual(caller: Caller, year: number, unitId: string | undefined) {
  const access = new Access(caller.db, caller.principal, caller.now);
  const target = unitId ?? (await access.me())?.unitId;
  if (!target) throw notFound('Cần chỉ rõ đơn vị (unitId).');
  await requireReportAccess(caller, target, null);
  const items = await computeAnnual(caller.db, target, year);
  return {
    unitId: target,
    year,
    items: items.map((r) => ({
      employeeId: r.employeeId,
      name: r.name,
      average: r.average === null ? null : toPoints(r.average),
      monthsCounted: r.monthsCounted,
      grade: r.grade,
      gradeLabel: r.grade ? GRADE_LABELS[r.grade] : 'Không xếp loại (dưới 6 tháng)',
      classified: r.classified,
    })),
  };
}

export async function readAnnualCsv(caller: Caller, year: number, unitId: string | undefined) {
  const report = await readAnnual(caller, year, unitId);
  return toCsv([
    ['Mã nhân sự', 'Họ và tên', 'Điểm trung bình', 'Số tháng', 'Xếp loại', 'Mức xếp loại'],
    ...report.items.map((r) => [
      r.employeeId,
      r.name,
      r.average,
      r.monthsCounted,
      r.grade ?? '',
      r.gradeLabel,
    ]),
  ]);
}

const EMPTY_FIGURES: SubtreeFigures = { approved: 0, evaluated: 0, sumTotals: 0, countA: 0 };

const subtractFigures = (a: SubtreeFigures, b: SubtreeFigures): SubtreeFigures => ({
  approved: a.approved - b.approved,
  evaluated: a.evaluated - b.evaluated,
  sumTotals: a.sumTotals - b.sumTotals,
  countA: a.countA - b.countA,
});

/**
 * After a published result changed (an accepted appeal), brings the stored rankings up to date: the unit's own
 * snapshot is recomputed, and the change in its figures is carried up to every ancestor's subtree figures and
 * league table. Periods still open are left to the daily ranking job; a period never ranked has nothing to fix.
 */
export async function refreshRankingsAfterChange(
  db: Db,
  unitId: string,
  period: string,
  at: string,
): Promise<void> {
  const before = await getRanking(db, unitId, period);
  if (!before) return;
  const [unit, ...ancestors] = await unitChain(db, unitId);
  if (!unit) return;
  const childFigures = async (parentId: string) => {
    const kids = await listChildUnits(db, parentId);
    const snapshots = await Promise.all(kids.map((k) => getRanking(db, k.id, period)));
    return { kids, subtree: new Map(kids.map((k, i) => [k.id, snapshots[i]?.subtree ?? EMPTY_FIGURES])) };
  };
  const { subtree: below } = await childFigures(unitId);
  const oldOwn = [...below.values()].reduce(subtractFigures, before.subtree);
  const { own: newOwn, ...fresh } = await computeUnitSnapshot(db, unit, period, at);
  const delta = subtractFigures(newOwn, oldOwn);
  await putRanking(db, { ...fresh, subtree: addFigures(before.subtree, delta) });
  // Nearest first: each ancestor's league table reads its children's subtree figures, just updated below it.
  for (const ancestor of ancestors) {
    const snapshot = await getRanking(db, ancestor.id, period);
    if (snapshot)
      await putRanking(db, { ...snapshot, computedAt: at, subtree: addFigures(snapshot.subtree, delta) });
    const { kids, subtree } = await childFigures(ancestor.id);
    await putSubunitRanking(db, subunitSnapshot(ancestor.id, kids, subtree, period, at));
  }
}
