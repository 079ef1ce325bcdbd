/**
 * The calendar of periods (DOMAIN.md "The monthly cycle"; a quarter `YYYY-Qn` as well as a month `YYYY-MM`), in
 * Asia/Ho_Chi_Minh time. Vietnam is UTC+7 all year
 * (no daylight saving since 1975), so fixed `+07:00` offsets are exact and no time-zone database is needed.
 *
 * Civil dates are `YYYY-MM-DD` strings; instants are ISO 8601 strings with an offset. Nothing here reads the
 * clock: "now" is always a parameter.
 */
import type { Deadlines, Problem } from './types.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const VN_OFFSET = '+07:00';
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PublicHoliday {
  /** Civil date `YYYY-MM-DD` on which public servants do not work. */
  date: string;
  name: string;
}

/**
 * Days off for public servants, 2026 and 2027. Add a year's days when the government announces them (the
 * Ministry of Home Affairs publishes the Tết and National Day arrangements each autumn).
 *
 * Legal basis: Labour Code 2019, art. 112 — New Year 1 day, Tết 5 days, Hùng Kings 1 day (10/3 lunar), 30/4,
 * 1/5, National Day 2 days (2/9 and one adjacent day); a holiday on a weekly rest day is compensated on the next
 * working day. Only weekdays matter for deadline shifting; weekend days are listed when they are part of an
 * announced break, for readability.
 *
 * 2026, as announced:
 * - New Year: 1–4/1/2026; Friday 2/1 swapped with Saturday 10/1 (Văn bản 12729/VPCP-KGVX, 25/12/2025). The
 *   make-up Saturday is not modelled as a working day: deadlines never move backwards onto it.
 * - Tết Bính Ngọ: 14–22/2/2026 (27 tháng Chạp to mùng 6 tháng Giêng), 9 days, statutory days Monday 16 to
 *   Friday 20 February (Ministry of Home Affairs plan approved by the Prime Minister).
 * - Hùng Kings: 10/3 lunar = Sunday 26/4/2026, compensated Monday 27/4.
 * - 30/4 (Thursday) and 1/5 (Friday).
 * - National Day: 1–2/9/2026 (Tuesday–Wednesday). If the government adds a swapped day (a proposal mentioned
 *   Monday 31/8), add it here.
 * 2027, ASSUMED from the statutory rules until the official arrangement is published:
 * - New Year: Friday 1/1/2027.
 * - Tết Đinh Mùi: lunar new year is Saturday 6/2/2027; 5 statutory days 4–8/2 (29 tháng Chạp to mùng 3), the
 *   two falling on the weekend compensated 9–10/2, so 4–10/2 off (the usual listing; the government may shift
 *   it by a day).
 * - Hùng Kings: 10/3 lunar = Friday 16/4/2027.
 * - 30/4 (Friday) and 1/5 (Saturday), compensated Monday 3/5.
 * - National Day: Thursday 2/9 and Friday 3/9/2027 (assumed adjacent day, making a long weekend).
 * Not yet included: 24/11 "Ngày Văn hóa Việt Nam", a day off planned by the Politburo (Nghị quyết 80-NQ/TW) that
 * needs an amendment of the Labour Code (Nghị quyết 30/NQ-CP, 2026); add it when the law is in force.
 */
export const VIETNAM_PUBLIC_HOLIDAYS: readonly PublicHoliday[] = [
  { date: '2026-01-01', name: 'Tết Dương lịch' },
  { date: '2026-01-02', name: 'Tết Dương lịch (nghỉ hoán đổi)' },
  { date: '2026-02-14', name: 'Tết Nguyên đán (27 tháng Chạp)' },
  { date: '2026-02-15', name: 'Tết Nguyên đán (28 tháng Chạp)' },
  { date: '2026-02-16', name: 'Tết Nguyên đán (29 tháng Chạp)' },
  { date: '2026-02-17', name: 'Tết Nguyên đán (mùng 1)' },
  { date: '2026-02-18', name: 'Tết Nguyên đán (mùng 2)' },
  { date: '2026-02-19', name: 'Tết Nguyên đán (mùng 3)' },
  { date: '2026-02-20', name: 'Tết Nguyên đán (mùng 4)' },
  { date: '2026-02-21', name: 'Tết Nguyên đán (mùng 5)' },
  { date: '2026-02-22', name: 'Tết Nguyên đán (mùng 6)' },
  { date: '2026-04-26', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
  { date: '2026-04-27', name: 'Giỗ Tổ Hùng Vương (nghỉ bù)' },
  { date: '2026-04-30', name: 'Ngày Chiến thắng (30/4)' },
  { date: '2026-05-01', name: 'Ngày Quốc tế Lao động (1/5)' },
  { date: '2026-09-01', name: 'Quốc khánh (ngày liền kề)' },
  { date: '2026-09-02', name: 'Quốc khánh (2/9)' },
  { date: '2027-01-01', name: 'Tết Dương lịch' },
  { date: '2027-02-04', name: 'Tết Nguyên đán (29 tháng Chạp)' },
  { date: '2027-02-05', name: 'Tết Nguyên đán (30 tháng Chạp)' },
  { date: '2027-02-06', name: 'Tết Nguyên đán (mùng 1)' },
  { date: '2027-02-07', name: 'Tết Nguyên đán (mùng 2)' },
  { date: '2027-02-08', name: 'Tết Nguyên đán (mùng 3)' },
  { date: '2027-02-09', name: 'Tết Nguyên đán (nghỉ bù)' },
  { date: '2027-02-10', name: 'Tết Nguyên đán (nghỉ bù)' },
  { date: '2027-04-16', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
  { date: '2027-04-30', name: 'Ngày Chiến thắng (30/4)' },
  { date: '2027-05-01', name: 'Ngày Quốc tế Lao động (1/5)' },
  { date: '2027-05-03', name: 'Ngày Quốc tế Lao động (nghỉ bù)' },
  { date: '2027-09-02', name: 'Quốc khánh (2/9)' },
  { date: '2027-09-03', name: 'Quốc khánh (ngày liền kề)' },
];

/**
 * The calendar of a deployment (DOMAIN.md [default] table). Days are days of the month after the period's last
 * month (M+1 for a month M; the first month of the next quarter for a quarter); times are `HH:MM` in Vietnam time.
 */
export interface CalendarConfig {
  /** Self-assessment deadline: end of this day of M+1. */
  selfAssessmentDay: number;
  /** Review deadline: end of this day of M+1. */
  reviewDay: number;
  /** Approval deadline: end of this day of M+1. */
  approvalDay: number;
  /** Earliest day of M+1 on which the period closes (see `deadlinesFor`). */
  closeDay: number;
  /** Time of day of the close (rankings, expiry, publication). */
  closeTime: string;
  /** Time on day 1 of M at which the period opens and drafts are created. */
  openTime: string;
  /** Calendar days after publication during which an appeal may be filed. */
  appealDays: number;
  /** Non-working civil dates `YYYY-MM-DD` besides Saturdays and Sundays. */
  holidays: readonly string[];
}

export const DEFAULT_CALENDAR: CalendarConfig = {
  selfAssessmentDay: 3,
  reviewDay: 6,
  approvalDay: 8,
  closeDay: 9,
  closeTime: '00:30',
  openTime: '00:05',
  appealDays: 5,
  holidays: VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.date),
};

/**
 * The calendar of a quarter **[default]**, counted from the quarter's end: Ho Chi Minh City (Quyết định 20/2024)
 * evaluates quarterly and finishes before the 5th of the first month of the next quarter, so the self-assessment
 * is due at the end of day 2, the review day 3, the approval day 4, and the close comes at 00:30 on day 5 (each
 * moved past weekends and holidays like every deadline). The period opens on day 1 of its first month.
 */
export const DEFAULT_QUARTERLY_CALENDAR: CalendarConfig = {
  ...DEFAULT_CALENDAR,
  selfAssessmentDay: 2,
  reviewDay: 3,
  approvalDay: 4,
  closeDay: 5,
};

// ---------------------------------------------------------------------------------------------------------------
// Periods and civil dates

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** A month `YYYY-MM` or a quarter `YYYY-Qn` (n 1–4), years 2000–2999. */
export function isValidPeriod(s: unknown): s is string {
  return periodSpan(s) !== null;
}

/** A month `YYYY-MM` (years 2000–2999), and only a month. */
export function isValidMonth(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = PERIOD.exec(s);
  return m !== null && Number(m[1]) >= 2000 && Number(m[1]) <= 2999;
}

/** `2026-03` → { year: 2026, month: 3 }; null when not a month (a quarter included: see `periodSpan`). */
export function parsePeriod(s: string): { year: number; month: number } | null {
  if (!isValidMonth(s)) return null;
  return { year: Number(s.slice(0, 4)), month: Number(s.slice(5, 7)) };
}

export function formatPeriod(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** `2026-Q1` for the first quarter of 2026. */
export function formatQuarter(year: number, quarter: number): string {
  return `${String(year).padStart(4, '0')}-Q${quarter}`;
}

/** The quarter (1–4) a month (1–12) belongs to. */
export const quarterOfMonth = (month: number): number => Math.floor((month - 1) / 3) + 1;

/** What a period covers: a month, or a quarter of three months. */
export interface PeriodSpan {
  period: string;
  kind: 'month' | 'quarter';
  year: number;
  /** 1–12: the period's first and last months (equal for a month). */
  firstMonth: number;
  lastMonth: number;
  /** 1 for a month, 3 for a quarter: the weight of the period in a year (see `annualResult`). */
  months: number;
  /** 1–4 for a quarter, null for a month. */
  quarter: number | null;
}

/** The span of a period id, or null when it is neither a month nor a quarter (years 2000–2999). */
export function periodSpan(s: unknown): PeriodSpan | null {
  if (typeof s !== 'string') return null;
  if (isValidMonth(s)) {
    const year = Number(s.slice(0, 4));
    const month = Number(s.slice(5, 7));
    return { period: s, kind: 'month', year, firstMonth: month, lastMonth: month, months: 1, quarter: null };
  }
  const q = QUARTER.exec(s);
  if (q === null) return null;
  const year = Number(q[1]);
  if (year < 2000 || year > 2999) return null;
  const quarter = Number(q[2]);
  const firstMonth = quarter * 3 - 2;
  return { period: s, kind: 'quarter', year, firstMonth, lastMonth: firstMonth + 2, months: 3, quarter };
}

/** The months (`YYYY-MM`) a period covers, in order. Empty for an invalid period. */
export function monthsOf(period: string): string[] {
  const span = periodSpan(period);
  if (span === null) return [];
  const out: string[] = [];
  for (let m = span.firstMonth; m <= span.lastMonth; m++) out.push(formatPeriod(span.year, m));
  return out;
}

/** The period after this one, of the same kind: `2026-12` → `2027-01`, `2026-Q4` → `2027-Q1`. */
export function nextPeriod(period: string): string | null {
  const p = periodSpan(period);
  if (p === null) return null;
  if (p.kind === 'quarter') {
    const q = p.quarter ?? 1;
    return q === 4 ? formatQuarter(p.year + 1, 1) : formatQuarter(p.year, q + 1);
  }
  return p.lastMonth === 12 ? formatPeriod(p.year + 1, 1) : formatPeriod(p.year, p.lastMonth + 1);
}

/**
 * Chronological order of periods, months and quarters mixed: by the month each ends in, then by the month it
 * starts in (`2026-Q1` before `2026-03`, which end together). Text order would put `2026-Q1` after `2026-12`.
 * Invalid ids sort first, by their text.
 */
export function comparePeriods(a: string, b: string): number {
  const x = periodSpan(a);
  const y = periodSpan(b);
  if (x === null || y === null) {
    if (x !== y) return x === null ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const end = (p: PeriodSpan) => p.year * 12 + p.lastMonth;
  const start = (p: PeriodSpan) => p.year * 12 + p.firstMonth;
  return end(x) - end(y) || start(x) - start(y);
}

const ROMAN_QUARTERS = ['I', 'II', 'III', 'IV'];

/** How Vietnamese write a period in a sentence: `tháng 11/2026`, `quý I/2026`. The id itself when invalid. */
export function periodLabel(period: string): string {
  const p = periodSpan(period);
  if (p === null) return period;
  if (p.kind === 'quarter') return `quý ${ROMAN_QUARTERS[(p.quarter ?? 1) - 1]}/${p.year}`;
  return `tháng ${String(p.firstMonth).padStart(2, '0')}/${p.year}`;
}

/** The same at the start of a title: `Tháng 11/2026`, `Quý I/2026`. */
export function periodTitle(period: string): string {
  const label = periodLabel(period);
  return `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isValidCivilDate(s: string): boolean {
  const m = CIVIL_DATE.exec(s);
  if (m === null) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

function civilToUtcMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function utcMsToCivil(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return utcMsToCivil(civilToUtcMs(date) + days * DAY_MS);
}

/** Monday to Friday and not a listed holiday. */
export function isWorkingDay(date: string, holidays: readonly string[]): boolean {
  const weekday = new Date(civilToUtcMs(date)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.includes(date);
}

/** The date itself when it is a working day, else the next working day (DOMAIN.md [default] shift rule). */
export function shiftToWorkingDay(date: string, holidays: readonly string[]): string {
  let d = date;
  // A year has far fewer than 60 consecutive days off; the bound only guards against a corrupt holiday list.
  for (let i = 0; i < 60 && !isWorkingDay(d, holidays); i++) d = addDays(d, 1);
  return d;
}

const endOfDay = (date: string) => `${date}T23:59:59.999${VN_OFFSET}`;
const atTime = (date: string, time: string) => `${date}T${time}:00.000${VN_OFFSET}`;

// ---------------------------------------------------------------------------------------------------------------
// Instants

/** Milliseconds since the epoch of a strict ISO 8601 instant with offset (or Z); null when not one. */
export function instantMs(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const m = INSTANT.exec(s);
  if (m === null) return null;
  if (!isValidCivilDate(`${m[1]}-${m[2]}-${m[3]}`)) return null;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : null;
}

export function isValidInstant(s: unknown): s is string {
  return instantMs(s) !== null;
}

/**
 * Orders two ISO instants by the moment they denote (not as text: `…T00:00+07:00` is before `…T00:00Z`).
 * Negative when a is earlier, 0 when the same moment, positive when later. An invalid instant sorts first.
 */
export function compareInstants(a: string, b: string): number {
  const x = instantMs(a) ?? Number.NEGATIVE_INFINITY;
  const y = instantMs(b) ?? Number.NEGATIVE_INFINITY;
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

/** True when `instant` is strictly after `deadline` (a deadline is the last instant that is on time). */
export function isAfter(instant: string, deadline: string): boolean {
  return compareInstants(instant, deadline) > 0;
}

/** The civil date in Vietnam of an instant. */
export function vietnamDateOf(instant: string): string | null {
  const ms = instantMs(instant);
  return ms === null ? null : utcMsToCivil(ms + VN_OFFSET_MS);
}

/** The period (month in Vietnam time) an instant falls in: 2026-01-31T17:00:00Z is 2026-02. */
export function periodOf(instant: string): string | null {
  const date = vietnamDateOf(instant);
  return date === null ? null : date.slice(0, 7);
}

/** The quarter (`YYYY-Qn`, Vietnam time) an instant falls in: 2026-03-31T17:00:00Z is 2026-Q2. */
export function quarterOf(instant: string): string | null {
  const date = vietnamDateOf(instant);
  return date === null
    ? null
    : formatQuarter(Number(date.slice(0, 4)), quarterOfMonth(Number(date.slice(5, 7))));
}

/** An instant as Vietnam local time with offset, e.g. `2026-02-03T23:59:59.999+07:00`. */
export function toVietnamIso(instant: string): string | null {
  const ms = instantMs(instant);
  if (ms === null) return null;
  return `${new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 23)}${VN_OFFSET}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Deadlines

export interface PeriodCalendar extends Deadlines {
  /** When the period opens and drafts are created: day 1 of M at `openTime`. */
  opensAt: string;
  /** When the period closes, rankings are computed and results published. */
  closesAt: string;
}

/** The later of two civil dates (`YYYY-MM-DD` strings order like the dates). */
function laterDate(a: string, b: string): string {
  if (a < b) return b;
  return a;
}

function dayOfMonth(year: number, month: number, day: number): string {
  const d = Math.min(Math.max(1, Math.trunc(day)), daysInMonth(year, month));
  return `${formatPeriod(year, month)}-${String(d).padStart(2, '0')}`;
}

/** The calendar a period follows unless one is given: the monthly one for a month, the quarterly one for a quarter. */
export function defaultCalendarFor(period: string): CalendarConfig {
  return periodSpan(period)?.kind === 'quarter' ? DEFAULT_QUARTERLY_CALENDAR : DEFAULT_CALENDAR;
}

/**
 * Default deadlines of a period: the end of day `selfAssessmentDay` / `reviewDay` / `approvalDay` of the month
 * after the period's last month (M+1 for a month M; for a quarter, the first month of the next quarter: deadlines
 * are counted from the quarter's end), `…T23:59:59.999+07:00`, each moved to the next working day when it is a
 * Saturday, Sunday or listed holiday. Each deadline is shifted on its own, so two may land on the same day (e.g.
 * 3/9/2027 is a holiday, so the August 2027 self-assessment and review deadlines are both Monday 6/9); the order
 * is never reversed since shifting is monotonic. A day beyond the month's end is clamped to its last day.
 *
 * `closesAt` is `closeTime` on the later of day `closeDay` of that month and the day after the shifted approval
 * deadline: by default 00:30 on day 9 for a month, or later when the approval deadline moved, so approvers always
 * get their full last day. The period opens on day 1 of its first month at `openTime`. Without a `config`, a month
 * follows `DEFAULT_CALENDAR` and a quarter `DEFAULT_QUARTERLY_CALENDAR`. Throws RangeError on an invalid period
 * (check with `isValidPeriod` first).
 */
export function deadlinesFor(
  period: string,
  config: CalendarConfig = defaultCalendarFor(period),
): PeriodCalendar {
  const p = periodSpan(period);
  if (p === null) throw new RangeError(`Invalid period: ${period}`);
  const next = p.lastMonth === 12 ? { year: p.year + 1, month: 1 } : { year: p.year, month: p.lastMonth + 1 };
  const deadlineDate = (day: number) =>
    shiftToWorkingDay(dayOfMonth(next.year, next.month, day), config.holidays);
  const self = deadlineDate(config.selfAssessmentDay);
  const review = deadlineDate(config.reviewDay);
  const approval = deadlineDate(config.approvalDay);
  const closeDay = dayOfMonth(next.year, next.month, config.closeDay);
  const dayAfterApproval = addDays(approval, 1);
  const closeDate = laterDate(dayAfterApproval, closeDay);
  return {
    selfAssessment: endOfDay(self),
    review: endOfDay(review),
    approval: endOfDay(approval),
    opensAt: atTime(`${formatPeriod(p.year, p.firstMonth)}-01`, config.openTime),
    closesAt: atTime(closeDate, config.closeTime),
  };
}

/**
 * Last instant to appeal a result published at `publishedAt`: the end of the day `appealDays` calendar days
 * after the publication date (in Vietnam), moved to the next working day like every other deadline.
 * Null when `publishedAt` is not an instant.
 */
export function appealDeadline(
  publishedAt: string,
  config: CalendarConfig = DEFAULT_CALENDAR,
): string | null {
  const date = vietnamDateOf(publishedAt);
  if (date === null) return null;
  return endOfDay(shiftToWorkingDay(addDays(date, config.appealDays), config.holidays));
}

/**
 * Checks deadlines given for one period (POST /v1/periods/{period}/open overrides): valid instants, in the
 * order self-assessment ≤ review ≤ approval, all after the period opens.
 */
export function validateDeadlines(period: string, deadlines: unknown): Problem[] {
  if (typeof deadlines !== 'object' || deadlines === null || Array.isArray(deadlines)) {
    return [
      { path: 'deadlines', message: 'Thời hạn phải là một đối tượng {selfAssessment, review, approval}.' },
    ];
  }
  const d = deadlines as Record<string, unknown>;
  const problems: Problem[] = [];
  const keys = ['selfAssessment', 'review', 'approval'] as const;
  const ms: number[] = [];
  for (const key of keys) {
    const value = instantMs(d[key]);
    if (value === null) {
      problems.push({
        path: `deadlines.${key}`,
        message: 'Phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-02-03T23:59:59+07:00.',
      });
    } else {
      ms.push(value);
    }
  }
  if (problems.length > 0) return problems;
  const [self, review, approval] = ms;
  if (self !== undefined && review !== undefined && self > review) {
    problems.push({ path: 'deadlines.review', message: 'Hạn nhận xét không được trước hạn tự đánh giá.' });
  }
  if (review !== undefined && approval !== undefined && review > approval) {
    problems.push({ path: 'deadlines.approval', message: 'Hạn phê duyệt không được trước hạn nhận xét.' });
  }
  const p = periodSpan(period);
  if (p !== null && self !== undefined) {
    const opens = Date.parse(`${formatPeriod(p.year, p.firstMonth)}-01T00:00:00.000${VN_OFFSET}`);
    if (self < opens) {
      problems.push({
        path: 'deadlines.selfAssessment',
        message: 'Hạn tự đánh giá phải sau khi kỳ đánh giá mở.',
      });
    }
  }
  return problems;
}

/** Checks a deployment's calendar configuration; an empty list when it is usable. */
export function validateCalendarConfig(config: CalendarConfig): Problem[] {
  const problems: Problem[] = [];
  const day = (key: 'selfAssessmentDay' | 'reviewDay' | 'approvalDay' | 'closeDay') => {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1 || v > 28) {
      problems.push({ path: key, message: 'Phải là một ngày trong tháng từ 1 đến 28.' });
    }
  };
  day('selfAssessmentDay');
  day('reviewDay');
  day('approvalDay');
  day('closeDay');
  if (config.selfAssessmentDay > config.reviewDay || config.reviewDay > config.approvalDay) {
    problems.push({
      path: 'reviewDay',
      message: 'Các hạn phải theo thứ tự: tự đánh giá, nhận xét, phê duyệt.',
    });
  }
  if (!TIME.test(config.closeTime)) problems.push({ path: 'closeTime', message: 'Giờ phải có dạng HH:MM.' });
  if (!TIME.test(config.openTime)) problems.push({ path: 'openTime', message: 'Giờ phải có dạng HH:MM.' });
  if (!Number.isInteger(config.appealDays) || config.appealDays < 1 || config.appealDays > 60) {
    problems.push({ path: 'appealDays', message: 'Số ngày khiếu nại phải là số nguyên từ 1 đến 60.' });
  }
  config.holidays.forEach((h, i) => {
    if (!isValidCivilDate(h))
      problems.push({ path: `holidays.${i}`, message: 'Ngày phải có dạng YYYY-MM-DD.' });
  });
  return problems;
}

/** An instant for a Vietnamese reader, in Vietnam time: `23:59 ngày 03/02/2026`. */
export function formatVietnamTime(instant: string): string {
  const local = toVietnamIso(instant);
  if (local === null) return instant;
  return `${local.slice(11, 16)} ngày ${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`;
}
