/**
 * Dates and times typed as Vietnamese people write them (dd/mm/yyyy, 24-hour HH:MM), always in Vietnam time
 * (UTC+7 all year), whatever the browser's language or zone. The browser's own date pickers follow its
 * language (mm/dd/yyyy in an English browser, where 03/12 becomes 12 March), so the app does not use them.
 * No DOM: unit-tested in Node.
 */
import { TIME_ZONE } from './format.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface ClockTime {
  hour: number;
  minute: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** "03/12/2026" (also "3/12/2026", "03-12-2026", "03.12.2026") → 3 December 2026. */
export function parseDate(text: string): Parsed<CalendarDate> {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Chưa nhập ngày.' };
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (!m) return { ok: false, message: 'Ngày có dạng ngày/tháng/năm, ví dụ 03/12/2026.' };
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return { ok: false, message: `Tháng ${month} không có (từ 1 đến 12).` };
  if (year < 2000 || year > 2100) return { ok: false, message: 'Năm phải trong khoảng 2000–2100.' };
  if (day < 1 || day > daysIn(year, month)) {
    return { ok: false, message: `Tháng ${month}/${year} không có ngày ${day}.` };
  }
  return { ok: true, value: { year, month, day } };
}

/** "17:30" (also "7:05", "17h30") → 17:30; 24-hour clock. */
export function parseTime(text: string): Parsed<ClockTime> {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Chưa nhập giờ.' };
  const m = /^(\d{1,2})\s*[:hH]\s*(\d{2})$/.exec(t);
  if (!m) return { ok: false, message: 'Giờ có dạng giờ:phút (24 giờ), ví dụ 17:00.' };
  const [hour, minute] = [Number(m[1]), Number(m[2])];
  if (hour > 23 || minute > 59) return { ok: false, message: 'Giờ từ 00:00 đến 23:59.' };
  return { ok: true, value: { hour, minute } };
}

/** "11/2026" (also "11-2026") → "2026-11". */
export function parseMonth(text: string): Parsed<string> {
  const m = /^(\d{1,2})[/.-](\d{4})$/.exec(text.trim());
  if (!m) return { ok: false, message: 'Tháng có dạng tháng/năm, ví dụ 11/2026.' };
  const month = Number(m[1]);
  if (month < 1 || month > 12) return { ok: false, message: `Tháng ${month} không có (từ 1 đến 12).` };
  return { ok: true, value: `${m[2]}-${pad(month)}` };
}

/** A date and time in Vietnam, as the API takes it: "2026-12-03T17:30:00+07:00". */
export function vietnamInstant(date: CalendarDate, time: ClockTime): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}T${pad(time.hour)}:${pad(time.minute)}:00+07:00`;
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function vietnamParts(instant: Date | string): Record<string, string> {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return Object.fromEntries(partsFormat.formatToParts(date).map((p) => [p.type, p.value]));
}

/** What a date field shows for an instant: "03/12/2026" in Vietnam time. */
export function dateText(instant: Date | string): string {
  const p = vietnamParts(instant);
  return `${p.day}/${p.month}/${p.year}`;
}

/** What a time field shows for an instant: "17:30" in Vietnam time. */
export function timeText(instant: Date | string): string {
  const p = vietnamParts(instant);
  return `${p.hour}:${p.minute}`;
}

/** The date and time typed in two fields → the instant, or the first problem, named by field. */
export function parseDateTime(date: string, time: string): Parsed<string> & { field?: 'date' | 'time' } {
  const d = parseDate(date);
  if (!d.ok) return { ...d, field: 'date' };
  const t = parseTime(time);
  if (!t.ok) return { ...t, field: 'time' };
  return { ok: true, value: vietnamInstant(d.value, t.value) };
}

/** "ngày 09 tháng 12 năm 2026" for the place-and-date line of an official document, in Vietnam time. */
export function longDate(instant: Date | string): string {
  const p = vietnamParts(instant);
  return `ngày ${p.day} tháng ${p.month} năm ${p.year}`;
}

/** Where a period (`2026-03`, `2026-Q1`) ends and starts, in months since year 0. */
function periodMonths(period: string): { start: number; end: number } {
  const [y, part = '01'] = period.split('-');
  const year = Number(y ?? 2000) * 12;
  if (part.startsWith('Q')) {
    const first = (Number(part.slice(1)) - 1) * 3;
    return { start: year + first, end: year + first + 2 };
  }
  return { start: year + Number(part) - 1, end: year + Number(part) - 1 };
}

/** Months and quarters in time order (by the month each ends in, then starts in): text order puts Q1 after 12. */
export function comparePeriods(a: string, b: string): number {
  const x = periodMonths(a);
  const y = periodMonths(b);
  return x.end - y.end || x.start - y.start || a.localeCompare(b);
}

/** The kinds of period a deployment has (`/v1/me` `cycles`). */
export type Cycle = 'monthly' | 'quarterly';

/**
 * The periods around a month, newest first, for period pickers: months, quarters, or both as the deployment's
 * cycles say (a quarter is listed with the months it ends after). `current` is a month (`YYYY-MM`).
 */
export function recentPeriodsFor(
  cycles: readonly Cycle[],
  current: string,
  before = 24,
  after = 2,
): string[] {
  const months = recentPeriods(current, before, after);
  const out = cycles.includes('monthly') ? [...months] : [];
  if (cycles.includes('quarterly')) {
    const quarters = new Set(
      months.map((m) => `${m.slice(0, 4)}-Q${Math.floor((Number(m.slice(5, 7)) - 1) / 3) + 1}`),
    );
    out.push(...quarters);
  }
  return out.sort(comparePeriods).reverse();
}

/** The months around a given one, newest first: for month pickers (language-independent selects). */
export function recentPeriods(current: string, before = 24, after = 2): string[] {
  const [y, m] = current.split('-').map(Number);
  const index = (y ?? 2000) * 12 + ((m ?? 1) - 1);
  const out: string[] = [];
  for (let i = index + after; i >= index - before; i--)
    out.push(`${Math.floor(i / 12)}-${pad((i % 12) + 1)}`);
  return out;
}

/** The period before one, of the same kind: "2026-01" → "2025-12", "2026-Q1" → "2025-Q4". */
export function previousPeriod(period: string): string {
  const [yearText, part = ''] = period.split('-');
  if (part.startsWith('Q')) {
    const q = Number(part.slice(1));
    return q === 1 ? `${Number(yearText) - 1}-Q4` : `${yearText}-Q${q - 1}`;
  }
  const [y, m] = period.split('-').map(Number);
  const index = (y ?? 2000) * 12 + ((m ?? 1) - 1) - 1;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}
