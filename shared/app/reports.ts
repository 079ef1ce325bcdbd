/**
 * Reports: a unit's ranking (JSON or CSV), a parent's league table of its sub-units, the annual report. They are
 * read as stored by the ranking pipeline (app/jobs) and computed for the annual report, for callers allowed to
 * see them: approvers of the unit or above, HR in scope, admins; staff of a unit see its ranking once the period
 * is closed (published).
 */
import { forbidden, notFound } from '../domain/errors.ts';
import { GRADE_LABELS } from '../domain/grades.ts';
import { toPoints } from '../domain/points.ts';
import { compareVietnamese } from '../domain/rankings.ts';
import { type SubtreeSummary, summarizeSubtree } from '../domain/subtree.ts';
import type { RankingSnapshot } from '../store/entities.ts';
import { Access } from './access.ts';
import { computeYear } from './annual.ts';
import { presentAnnualFigures } from './annual-summary.ts';
import type { Caller } from './caller.ts';
import { toCsv } from './csv.ts';

async function requireReportAccess(caller: Caller, unitId: string, period: string | null): Promise<Access> {
  const access = Access.of(caller);
  if ((await access.chain(unitId)).length === 0) throw notFound('Không tìm thấy đơn vị.');
  if (access.isAdmin || (await access.hrScopeContains(unitId)) || (await access.headsUnitOrAncestor(unitId)))
    return access;
  if (period !== null) {
    const [me, record] = await Promise.all([access.me(), caller.store.periods.get(period)]);
    if (me?.unitId === unitId && record?.status === 'CLOSED') return access;
  }
  throw forbidden('Bạn không có quyền xem bảng xếp hạng của đơn vị này.');
}

/** The subtree block as the API shows it: points, not hundredths (shares stay in basis points, as for the unit). */
export function presentSubtree(summary: SubtreeSummary) {
  return {
    ...summary,
    meanTotal: summary.meanTotal === null ? null : toPoints(summary.meanTotal),
    inflation: {
      ...summary.inflation,
      meanSelfMinusReview:
        summary.inflation.meanSelfMinusReview === null
          ? null
          : toPoints(summary.inflation.meanSelfMinusReview),
    },
  };
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
    // The unit and every unit below it; null for a snapshot computed before the block existed (recompute it).
    subtree: s.subtree.units > 0 ? presentSubtree(summarizeSubtree(s.subtree)) : null,
  };
}

/** The stored snapshot, for a caller allowed to see it. */
export async function loadRanking(caller: Caller, unitId: string, period: string): Promise<RankingSnapshot> {
  await requireReportAccess(caller, unitId, period);
  const snapshot = await caller.store.rankings.get(unitId, period);
  if (!snapshot) throw notFound(`Chưa có bảng xếp hạng kỳ ${period} của đơn vị này (chưa tính).`);
  return snapshot;
}

export async function readRanking(caller: Caller, unitId: string, period: string) {
  return presentRanking(await loadRanking(caller, unitId, period));
}

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
  const access = Access.of(caller);
  if ((await access.chain(unitId)).length === 0) throw notFound('Không tìm thấy đơn vị.');
  if (
    !access.isAdmin &&
    !(await access.hrScopeContains(unitId)) &&
    !(await access.headsUnitOrAncestor(unitId))
  ) {
    throw forbidden('Bạn không có quyền xem bảng xếp hạng các đơn vị trực thuộc.');
  }
  const snapshot = await caller.store.rankings.getSubunit(unitId, period);
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
 * What a year not classified is called in the report: Decree 90's words for a monthly year ("dưới 6 tháng"), the
 * same rule in periods otherwise ("dưới 2 quý", "dưới 4 trong 8 kỳ"); `reason` in the JSON says it in full.
 */
export function notClassifiedLabel(periodsInYear: number): string {
  const half = Math.ceil(periodsInYear / 2);
  // A year has 12 periods only when every one is a month, and 4 only when every one is a quarter.
  if (periodsInYear === 12) return 'Không xếp loại (dưới 6 tháng)';
  if (periodsInYear === 4) return `Không xếp loại (dưới ${half} quý)`;
  return `Không xếp loại (dưới ${half} trong ${periodsInYear} kỳ của năm)`;
}

export async function readAnnual(caller: Caller, year: number, unitId: string | undefined) {
  const access = Access.of(caller);
  const target = unitId ?? (await access.me())?.unitId;
  if (!target) throw notFound('Cần chỉ rõ đơn vị (unitId).');
  await requireReportAccess(caller, target, null);
  const [items, children] = await Promise.all([
    computeYear(caller.store, target, year),
    caller.store.org.listChildUnits(target),
  ]);
  // The unit's and each direct sub-unit's whole subtree, as the last annual roll-up summed them (one BatchGet).
  const summaries = await caller.store.rankings.getAnnualSummaries(
    [target, ...children.map((c) => c.id)],
    year,
  );
  const mine = summaries.get(target);
  return {
    unitId: target,
    year,
    subtree: mine ? { computedAt: mine.computedAt, ...presentAnnualFigures(mine.subtree) } : null,
    subunits: children
      .sort((a, b) => compareVietnamese(a.name, b.name) || a.id.localeCompare(b.id))
      .map((c) => {
        const summary = summaries.get(c.id);
        return {
          unitId: c.id,
          name: c.name,
          subtree: summary ? presentAnnualFigures(summary.subtree) : null,
        };
      }),
    items: items.map((r) => ({
      employeeId: r.employeeId,
      name: r.name,
      average: r.average === null ? null : toPoints(r.average),
      /** Months covered by the periods counted (a quarter is three). */
      monthsCounted: r.monthsCounted,
      periodsCounted: r.periodsCounted,
      periodsInYear: r.periodsInYear,
      grade: r.grade,
      gradeLabel: r.grade ? GRADE_LABELS[r.grade] : notClassifiedLabel(r.periodsInYear),
      classified: r.classified,
      reason: r.reason,
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
