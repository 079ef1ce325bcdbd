/**
 * Evaluation cycles (DOMAIN.md "Cycles"): a deployment, or one employee category, evaluates monthly (Hanoi,
 * `YYYY-MM` periods) or quarterly (Ho Chi Minh City, `YYYY-Qn` periods). A cycle may change during a year, from
 * the first month of a quarter on, so that no month is ever in two periods of the same person. Pure: the schedule
 * comes from the deployment's configuration, the dates are parameters.
 */
import {
  formatPeriod,
  formatQuarter,
  monthsOf,
  type PeriodSpan,
  periodSpan,
  quarterOfMonth,
} from './calendar.ts';
import { EMPLOYEE_CATEGORIES, type EmployeeCategory, type Problem } from './types.ts';

export const CYCLES = ['monthly', 'quarterly'] as const;
export type Cycle = (typeof CYCLES)[number];

/** From this month (`YYYY-MM`, the first of a quarter) on, `cycle`; `from: null` means from the beginning. */
export interface CycleChange {
  from: string | null;
  cycle: Cycle;
}

/**
 * The cycles of a deployment: `default` for every category, `byCategory` where a category differs. Each is a list
 * of changes in time order; before the first dated change the list's undated entry applies, else `monthly`.
 */
export interface CycleSchedule {
  default: readonly CycleChange[];
  byCategory: Partial<Record<EmployeeCategory, readonly CycleChange[]>>;
}

/** Monthly for everybody, always: the schedule of a deployment that sets nothing (Hanoi). */
export const MONTHLY_ONLY: CycleSchedule = { default: [{ from: null, cycle: 'monthly' }], byCategory: {} };

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** The cycle in force for a category in a month (`YYYY-MM`). */
export function cycleAt(schedule: CycleSchedule, category: EmployeeCategory, month: string): Cycle {
  const changes = schedule.byCategory[category] ?? schedule.default;
  let cycle: Cycle = 'monthly';
  let bestFrom = Number.NEGATIVE_INFINITY;
  for (const change of changes) {
    const from = change.from === null ? Number.NEGATIVE_INFINITY : monthIndex(change.from);
    if (from <= monthIndex(month) && from >= bestFrom) {
      cycle = change.cycle;
      bestFrom = from;
    }
  }
  return cycle;
}

const kindOf = (cycle: Cycle): PeriodSpan['kind'] => (cycle === 'monthly' ? 'month' : 'quarter');

/**
 * The categories evaluated in a period: those whose cycle, in the period's first month, makes periods of its kind.
 * A changeover only happens at a quarter's start, so the whole period agrees.
 */
export function categoriesEvaluatedIn(schedule: CycleSchedule, period: string): EmployeeCategory[] {
  const span = periodSpan(period);
  if (span === null) return [];
  const first = formatPeriod(span.year, span.firstMonth);
  return EMPLOYEE_CATEGORIES.filter((c) => kindOf(cycleAt(schedule, c, first)) === span.kind);
}

/** The period of a category's cycle that contains a month: the month itself, or its quarter. */
export function periodContaining(schedule: CycleSchedule, category: EmployeeCategory, month: string): string {
  if (cycleAt(schedule, category, month) === 'monthly') return month;
  return formatQuarter(Number(month.slice(0, 4)), quarterOfMonth(Number(month.slice(5, 7))));
}

/**
 * The periods that begin in a month, for any category: what the open-period schedule opens on day 1 of that month.
 * A month of a monthly category; on the first month of a quarter, the quarter of a quarterly one.
 */
export function periodsStartingIn(schedule: CycleSchedule, month: string): string[] {
  const out = new Set<string>();
  for (const category of EMPLOYEE_CATEGORIES) {
    const period = periodContaining(schedule, category, month);
    const span = periodSpan(period);
    if (span && formatPeriod(span.year, span.firstMonth) === month) out.add(period);
  }
  return [...out].sort();
}

/**
 * The periods a category has in a calendar year, in order: twelve months, four quarters, or a mix after a change
 * during the year (e.g. monthly until June, quarterly from July: six months and two quarters, eight periods).
 */
export function periodsOfYear(schedule: CycleSchedule, category: EmployeeCategory, year: number): string[] {
  const out: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const period = periodContaining(schedule, category, formatPeriod(year, m));
    if (out.at(-1) !== period) out.push(period);
  }
  return out;
}

/** Every cycle the schedule uses at some time, for some category (the web's period pickers offer these). */
export function cyclesInUse(schedule: CycleSchedule): Cycle[] {
  const used = new Set<Cycle>();
  for (const list of [schedule.default, ...Object.values(schedule.byCategory)]) {
    if (list === undefined) continue;
    if (list.length === 0 || list.every((c) => c.from !== null)) used.add('monthly');
    for (const c of list) used.add(c.cycle);
  }
  return CYCLES.filter((c) => used.has(c));
}

/** Whether a month is the first of a quarter (January, April, July, October). */
const startsQuarter = (month: string) => (Number(month.slice(5, 7)) - 1) % 3 === 0;

/**
 * Checks one list of changes: at most one undated entry, dated ones `YYYY-MM` on the first month of a quarter
 * (a change in the middle of a quarter would put its first months in two periods), strictly increasing.
 */
export function validateCycleChanges(changes: readonly CycleChange[], path: string): Problem[] {
  const problems: Problem[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  changes.forEach((change, i) => {
    if (change.from === null) {
      if (i !== 0)
        problems.push({ path: `${path}.${i}.from`, message: 'Chỉ mục đầu tiên được bỏ trống "from".' });
      return;
    }
    if (monthsOf(change.from).length !== 1) {
      problems.push({ path: `${path}.${i}.from`, message: 'Phải là một tháng YYYY-MM.' });
      return;
    }
    if (!startsQuarter(change.from)) {
      problems.push({
        path: `${path}.${i}.from`,
        message: 'Chu kỳ chỉ được đổi từ tháng đầu quý (01, 04, 07, 10).',
      });
    }
    const at = monthIndex(change.from);
    if (at <= previous)
      problems.push({ path: `${path}.${i}.from`, message: 'Các lần đổi chu kỳ phải theo thứ tự thời gian.' });
    previous = at;
  });
  return problems;
}

/** Vietnamese name of a cycle. */
export const CYCLE_LABELS: Record<Cycle, string> = { monthly: 'hằng tháng', quarterly: 'hằng quý' };
