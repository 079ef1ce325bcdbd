/**
 * A generated city for `npm run seed`, the benchmarks and the job tests: a unit tree like Hanoi's (the city,
 * departments, wards and communes, the Party and mass-organisation bloc; their offices, schools, clinics,
 * sub-teams), staff with Vietnamese names, heads, deputies who supervise, the four categories, and for each month
 * an evaluation per employee with a plausible grade spread (A capped by the unit's 30% quota, most B, a few C and
 * D), self-scores a little above the reviewer's, some late actions, some copy-paste comments: what the jobs and
 * reports meet in real data. Deterministic for a given seed, so a rerun writes the same records again. The
 * records are loaded through the store's bulk loader (shared/store/bulk-store.ts), as the API would have left them.
 */
import { appealDeadline, deadlinesFor, nextPeriod, parsePeriod } from '../../../shared/domain/calendar.ts';
import { gradeFor, STANDARD_BANDS } from '../../../shared/domain/grades.ts';
import { quotaLimit } from '../../../shared/domain/quota.ts';
import { HN_3814 } from '../../../shared/domain/rubrics.ts';
import type { EmployeeCategory, EvaluationStatus, Grade, Hundredths } from '../../../shared/domain/types.ts';
import { EVALUATION_STATUSES } from '../../../shared/domain/types.ts';
import type { BulkRecord } from '../../../shared/store/bulk-store.ts';
import type {
  Employee,
  Period,
  StoredEvaluation,
  Unit,
  UnitPeriodCounters,
} from '../../../shared/store/entities.ts';
import { BLOC, DEPARTMENTS, OFFICES, PLACES, personName, SERVICE, TEAMS } from './names.ts';
import { gaussian, pick, type Random, rng, weighted } from './random.ts';

export interface CityOptions {
  staff: number;
  units: number;
  months: number;
  /** The last month seeded (default: the previous month); it is left OPEN with a few evaluations unfinished. */
  lastPeriod: string;
  seed?: number;
  /**
   * How the months are written: `rostered` (default) as open-period writes them since 2026-12 (in no index, listed on
   * rosters); `indexed` as periods opened before (on the unit index gsi3 and gsi4/gsi5), to compare the two.
   */
  layout?: 'rostered' | 'indexed';
}

export interface City {
  units: Unit[];
  employees: Employee[];
  periods: string[];
  options: Required<CityOptions>;
}

interface PlannedUnit {
  unit: Unit;
  /** Relative size: schools and clinics are bigger than an office. */
  weight: number;
  kind: 'city' | 'department' | 'ward' | 'bloc' | 'office' | 'service' | 'team';
}

function planUnits(r: Random, count: number, at: string): PlannedUnit[] {
  const out: PlannedUnit[] = [];
  const add = (
    id: string,
    name: string,
    parentId: string | null,
    kind: PlannedUnit['kind'],
    weight: number,
  ) => out.push({ unit: { id, name, parentId, outstanding: r() < 0.05, updatedAt: at }, kind, weight });
  add('tp', 'UBND Thành phố Hà Nội (dữ liệu sinh tự động)', null, 'city', 0.5);
  const topCount = Math.min(count - 1, Math.max(1, Math.round(count * 0.055)));
  const tops: PlannedUnit[] = [];
  for (let i = 0; i < topCount; i++) {
    const id = `tp-${String(i + 1).padStart(3, '0')}`;
    if (i < DEPARTMENTS.length) add(id, DEPARTMENTS[i] as string, 'tp', 'department', 2);
    else if (i < DEPARTMENTS.length + BLOC.length)
      add(id, BLOC[i - DEPARTMENTS.length] as string, 'tp', 'bloc', 1.2);
    else {
      const n = i - DEPARTMENTS.length - BLOC.length;
      const place = PLACES[n % PLACES.length] as string;
      const round = Math.floor(n / PLACES.length);
      add(
        id,
        `UBND ${n % 3 === 0 ? 'Xã' : 'Phường'} ${place}${round > 0 ? ` ${round + 1}` : ''}`,
        'tp',
        'ward',
        1.5,
      );
    }
    tops.push(out[out.length - 1] as PlannedUnit);
  }
  const rest = count - 1 - topCount;
  const level2 = Math.round(rest * 0.85);
  const seconds: PlannedUnit[] = [];
  for (let i = 0; i < level2; i++) {
    const parent = tops[i % tops.length] as PlannedUnit;
    const service = r() < 0.45;
    const name = service
      ? `${pick(r, SERVICE)} ${pick(r, PLACES)}${r() < 0.5 ? ` ${1 + Math.floor(r() * 3)}` : ''}`
      : pick(r, OFFICES);
    add(
      `${parent.unit.id}-${String(i + 1).padStart(4, '0')}`,
      name,
      parent.unit.id,
      service ? 'service' : 'office',
      service ? 3 : 1,
    );
    seconds.push(out[out.length - 1] as PlannedUnit);
  }
  for (let i = 0; i < rest - level2; i++) {
    const parent = (seconds.length > 0 ? seconds[Math.floor(r() * seconds.length)] : tops[0]) as PlannedUnit;
    add(`${parent.unit.id}-t${String(i + 1).padStart(4, '0')}`, pick(r, TEAMS), parent.unit.id, 'team', 0.8);
  }
  return out;
}

function categoryFor(r: Random, kind: PlannedUnit['kind'], isHead: boolean): EmployeeCategory {
  if (kind === 'city' || kind === 'bloc') return isHead || r() < 0.5 ? 'cadre' : 'civil_servant';
  if (kind === 'ward')
    return isHead
      ? 'cadre'
      : weighted(r, [
          ['cadre', 0.2],
          ['civil_servant', 0.6],
          ['worker', 0.2],
        ] as const);
  if (kind === 'service' || kind === 'team') return r() < 0.88 ? 'public_employee' : 'worker';
  return r() < 0.9 ? 'civil_servant' : 'worker';
}

/** The org: units, and staff spread over them (log-normal sizes, at least the head in each unit). */
export function generateCity(options: CityOptions): City {
  const opts: Required<CityOptions> = { seed: 20_260_101, layout: 'rostered', ...options };
  if (opts.units < 1 || opts.staff < opts.units)
    throw new Error('need at least one unit and one employee per unit');
  const r = rng(opts.seed);
  const at = '2026-01-01T00:00:00.000+07:00';
  const planned = planUnits(r, opts.units, at);
  const weights = planned.map((p) => p.weight * Math.exp(0.7 * gaussian(r)));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const spare = opts.staff - planned.length;
  const sizes = weights.map((w) => 1 + Math.floor((w / totalWeight) * spare));
  let left = opts.staff - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % sizes.length, left--) sizes[i] = (sizes[i] ?? 1) + 1;

  const employees: Employee[] = [];
  let serial = 0;
  planned.forEach((p, u) => {
    const size = sizes[u] ?? 1;
    const ids = Array.from({ length: size }, () => `cb${String(++serial).padStart(6, '0')}`);
    // One deputy per ~12 staff supervises a share of them; the head supervises the deputies.
    const deputies = size >= 6 ? Math.max(1, Math.round(size / 12)) : 0;
    ids.forEach((id, i) => {
      const isHead = i === 0;
      const isDeputy = i > 0 && i <= deputies;
      const supervisorId = isHead || isDeputy || deputies === 0 ? null : (ids[1 + (i % deputies)] ?? null);
      employees.push({
        id,
        name: personName(r),
        unitId: p.unit.id,
        category: categoryFor(r, p.kind, isHead),
        supervisorId,
        isUnitHead: isHead,
        email: `${id}@thanh-pho.invalid`,
        // A few have left since: the jobs must skip them.
        active: isHead || r() > 0.004,
        flags: r() < 0.002 ? { disciplined: true } : {},
        updatedAt: at,
      });
    });
  });

  const periods: string[] = [];
  let first = opts.lastPeriod;
  for (let i = 1; i < opts.months; i++) {
    const p = parsePeriod(first);
    if (!p) throw new Error(`bad period ${opts.lastPeriod}`);
    first = p.month === 1 ? `${p.year - 1}-12` : `${p.year}-${String(p.month - 1).padStart(2, '0')}`;
  }
  for (let p: string | null = first; p !== null && p <= opts.lastPeriod; p = nextPeriod(p)) periods.push(p);
  return { units: planned.map((p) => p.unit), employees, periods, options: opts };
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluations

const COMMENTS = [
  'Hoàn thành tốt các nhiệm vụ được giao, đúng tiến độ.',
  'Chủ động tham mưu, xử lý hồ sơ đúng hạn, chất lượng.',
  'Cần chú ý hơn đến thời hạn báo cáo.',
  'Hoàn thành khối lượng công việc lớn, có sáng kiến cải tiến quy trình.',
  'Tinh thần trách nhiệm cao, phối hợp tốt với đồng nghiệp.',
  'Một số văn bản còn phải sửa lại nhiều lần.',
  'Thực hiện nghiêm nội quy, quy chế của cơ quan.',
];
/** Some units write the same comment for everybody: HR's copy-paste signal must find them. */
const BOILERPLATE = 'Hoàn thành tốt nhiệm vụ được giao trong tháng.';

const round25 = (h: number) => Math.round(h / 25) * 25;

/** Splits a total (hundredths) over the hn-3814 criteria within their maxima (20 / 70 / 10 points). */
function split(total: Hundredths): Record<string, Hundredths> {
  const discipline = Math.min(2000, round25(total * 0.2 + 100));
  let rest = total - discipline;
  let duties = Math.min(7000, round25(rest * 0.93));
  let bonus = rest - duties;
  if (bonus > 1000) {
    duties += bonus - 1000;
    bonus = 1000;
  }
  if (bonus < 0) {
    duties += bonus;
    bonus = 0;
  }
  rest = discipline + duties + bonus;
  return { discipline, duties: duties + (total - rest), bonus };
}

const instant = (date: string, hour: number, minute: number) =>
  `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000+07:00`;

interface UnitContext {
  unit: Unit;
  staff: Employee[];
  head: Employee | null;
  parentHead: Employee | null;
}

/** Per employee, stable across months: how good they are (mean total), so annual results differ. */
function ability(id: string, seed: number): number {
  const r = rng(seed ^ Number(id.slice(2)));
  const x = r();
  if (x < 0.004) return 4500; // struggling: D
  if (x < 0.02) return 6300; // C
  return 8400 + 650 * gaussian(r);
}

/** Who of a unit is evaluated (active, with a head to approve them other than themselves), by whom. */
function evaluable(ctx: UnitContext) {
  return ctx.staff
    .filter((e) => e.active)
    .flatMap((e) => {
      const approverHead = e.isUnitHead ? ctx.parentHead : ctx.head;
      if (!approverHead || approverHead.id === e.id) return [];
      const reviewerId = e.isUnitHead ? approverHead.id : (e.supervisorId ?? approverHead.id);
      return [{ e, approverHead, reviewerId }];
    });
}

/**
 * One unit's evaluations for one period and its counters item. `open`: the last month, still open: most are
 * approved, some are waiting at each step.
 */
export function unitMonth(
  ctx: UnitContext,
  period: string,
  open: boolean,
  seed: number,
): { evaluations: StoredEvaluation[]; counters: UnitPeriodCounters } {
  const r = rng(
    seed ^ (Number(period.replace('-', '')) * 7919) ^ (ctx.unit.id.length * 104_729) ^ hash(ctx.unit.id),
  );
  const deadlines = deadlinesFor(period);
  const { selfAssessment, review, approval } = deadlines;
  /** The Vietnam date `back` days before a deadline. */
  const day = (deadline: string, back: number) =>
    new Date(Date.parse(deadline) - back * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
  const boilerplate = r() < 0.06;
  const evaluations: StoredEvaluation[] = [];
  const candidates = evaluable(ctx);
  const quota = quotaLimit(HN_3814.quota, {
    evaluated: candidates.length,
    outstanding: ctx.unit.outstanding,
    counts: { A: 0, B: 0, C: 0, D: 0 },
  });
  let usedA = 0;
  const counts: Record<EvaluationStatus, number> = Object.fromEntries(
    EVALUATION_STATUSES.map((s) => [s, 0]),
  ) as Record<EvaluationStatus, number>;
  const grades: Record<Grade, number> = { A: 0, B: 0, C: 0, D: 0 };
  for (const { e, approverHead, reviewerId } of candidates) {
    let total = Math.max(2000, Math.min(10_000, round25(ability(e.id, seed) + 300 * gaussian(r))));
    // The quota is enforced at approval: the approver keeps the unit within it.
    if (total >= 9000 && usedA >= quota) total = 8975 - round25(r() * 300);
    const grade = gradeFor(total, STANDARD_BANDS, e.flags).grade;
    if (grade === 'A') usedA++;
    const selfTotal = Math.min(10_000, round25(total + 250 + 200 * gaussian(r)));
    const x = r();
    const status: EvaluationStatus = !open
      ? 'APPROVED'
      : x < 0.955
        ? 'APPROVED'
        : x < 0.975
          ? 'REVIEWED'
          : x < 0.99
            ? 'SUBMITTED'
            : 'DRAFT';
    const lateSelf = r() < 0.03;
    const submitted = status !== 'DRAFT';
    const reviewed = status === 'REVIEWED' || status === 'APPROVED';
    const approved = status === 'APPROVED';
    const comment = boilerplate ? BOILERPLATE : pick(r, COMMENTS);
    const adjusted = approved && r() < 0.03;
    const finalTotal = adjusted ? Math.max(0, total - 100) : total;
    const final = gradeFor(finalTotal, STANDARD_BANDS, e.flags);
    const finalGrade = final.grade;
    if (adjusted && grade === 'A' && finalGrade !== 'A') usedA--;
    const at = (deadline: string, back: number, hour: number) =>
      instant(day(deadline, back), hour, Math.floor(r() * 60));
    const evaluation: StoredEvaluation = {
      employeeId: e.id,
      employeeName: e.name,
      period,
      unitId: e.unitId,
      category: e.category,
      isUnitHead: e.isUnitHead,
      status,
      returnedTo: null,
      version: 1 + (submitted ? 2 : 0) + (reviewed ? 1 : 0) + (approved ? 1 : 0),
      rubricId: HN_3814.id,
      rubricVersion: HN_3814.version,
      reviewerId,
      approverId: approverHead.id,
      approverUnitId: e.isUnitHead ? (ctx.unit.parentId ?? ctx.unit.id) : ctx.unit.id,
      deadlines: { selfAssessment, review, approval },
      selfAssessment: submitted
        ? {
            scores: split(selfTotal),
            total: selfTotal,
            comment: null,
            submittedAt: lateSelf
              ? instant(day(selfAssessment, -1), 9, 15)
              : at(selfAssessment, Math.floor(r() * 3), 16),
          }
        : null,
      review: reviewed
        ? {
            scores: split(total),
            total,
            comment,
            reviewedAt: at(review, Math.floor(r() * 3), 10),
            reviewerId,
          }
        : null,
      decision: approved
        ? {
            scores: split(finalTotal),
            total: finalTotal,
            grade: finalGrade,
            comment: adjusted ? 'Điều chỉnh điểm do chậm tiến độ một nhiệm vụ.' : null,
            approvedAt: at(approval, Math.floor(r() * 3), 15),
            approverId: approverHead.id,
            adjusted,
            forcedReason: final.forcedReason,
            leaderRule: null,
          }
        : null,
      appeal: null,
      flags: lateSelf && submitted ? { lateSelfAssessment: true } : {},
      publishedAt: null,
      // Opened the way open-period opens since 2026-12: in no index, listed on rosters, its opening implied.
      rostered: true,
      createdAt: instant(`${period}-01`, 0, 5),
      updatedAt: approved ? at(approval, 0, 15) : instant(`${period}-01`, 0, 5),
    };
    evaluations.push(evaluation);
    counts[status]++;
    if (approved) grades[finalGrade]++;
  }
  const counters: UnitPeriodCounters = {
    unitId: ctx.unit.id,
    period,
    outstanding: ctx.unit.outstanding,
    evaluated: evaluations.length,
    status: counts,
    grades,
  };
  return { evaluations, counters };
}

function hash(s: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16_777_619);
  return h >>> 0;
}

export function periodRecord(period: string, open: boolean): Period {
  const calendar = deadlinesFor(period);
  const closedAt = open ? null : new Date(Date.parse(calendar.closesAt)).toISOString();
  return {
    period,
    status: open ? 'OPEN' : 'CLOSED',
    deadlines: {
      selfAssessment: calendar.selfAssessment,
      review: calendar.review,
      approval: calendar.approval,
    },
    closesAt: calendar.closesAt,
    openedAt: calendar.opensAt,
    openedBy: 'seed',
    skipped: [],
    closedAt,
    publishedAt: closedAt,
    appealDeadline: closedAt ? appealDeadline(closedAt) : null,
  };
}

/** Every record of the city, in writing order, unit by unit for the evaluations (so memory stays flat). */
export function* cityRecords(city: City): Generator<BulkRecord> {
  for (const unit of city.units) yield { kind: 'unit', unit };
  for (const employee of city.employees) yield { kind: 'employee', employee };
  const last = city.periods[city.periods.length - 1];
  for (const period of city.periods) yield { kind: 'period', period: periodRecord(period, period === last) };
  for (const ctx of unitContexts(city)) {
    for (const period of city.periods) {
      const month = unitMonth(ctx, period, period === last, city.options.seed);
      const evaluations =
        city.options.layout === 'rostered'
          ? month.evaluations
          : month.evaluations.map(({ rostered: _, ...e }) => e as StoredEvaluation);
      for (const evaluation of evaluations) yield { kind: 'evaluation', evaluation };
      // Counted and listed as open-period does: the counters, the unit's roster and its reviewers' and approvers'.
      yield { kind: 'counters', counters: month.counters };
      if (city.options.layout === 'rostered')
        yield { kind: 'rosters', unitId: ctx.unit.id, period, evaluations };
    }
  }
}

function* unitContexts(city: City): Generator<UnitContext> {
  const staff = new Map<string, Employee[]>();
  for (const e of city.employees) staff.set(e.unitId, [...(staff.get(e.unitId) ?? []), e]);
  const headOf = (unitId: string | null) =>
    unitId === null ? null : ((staff.get(unitId) ?? []).find((e) => e.isUnitHead && e.active) ?? null);
  for (const unit of city.units)
    yield { unit, staff: staff.get(unit.id) ?? [], head: headOf(unit.id), parentHead: headOf(unit.parentId) };
}

/**
 * Items the city will write: units, employees, periods, and per unit and month its evaluations, counters and
 * rosters (the unit's, one per reviewer and one per approver).
 */
export function cityRecordCount(city: City): number {
  let perMonth = 0;
  for (const ctx of unitContexts(city)) {
    const listed = evaluable(ctx);
    const owners = new Set(listed.flatMap((c) => [`r#${c.reviewerId}`, `a#${c.approverHead.id}`]));
    const rosters = city.options.layout === 'rostered' && listed.length > 0 ? 1 + owners.size : 0;
    perMonth += listed.length + 1 + rosters;
  }
  return city.units.length + city.employees.length + city.periods.length + city.periods.length * perMonth;
}

/** The previous month in Vietnam: the one being evaluated in the first days of this one. */
export function previousPeriod(now: Date): string {
  const local = new Date(now.getTime() + 7 * 3_600_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
