/**
 * EventBridge Scheduler cron expressions (`cron(minutes hours day-of-month month day-of-week year)`), evaluated
 * in Asia/Ho_Chi_Minh, for the local scheduler: the same strings the CDK stack gives EventBridge, so local and
 * cloud fire at the same moments. Vietnam keeps UTC+7 all year, so a fixed offset is exact.
 *
 * Supported: `*`, `?`, numbers, names (JAN–DEC, SUN–SAT), ranges `a-b`, steps `a/n` `*\/n` `a-b/n`, lists `a,b`.
 * Day of week counts SUN = 1 … SAT = 7, as in AWS. `L`, `W` and `#` are refused rather than misread.
 */

const VN_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export interface Cron {
  minutes: number[];
  hours: number[];
  /** null: `?` (any). */
  daysOfMonth: Set<number> | null;
  months: Set<number>;
  /** 1 = Sunday … 7 = Saturday; null: `?` (any). */
  daysOfWeek: Set<number> | null;
  /** null: every year. */
  years: Set<number> | null;
}

function parseField(text: string, min: number, max: number, names: string[] = [], nameBase = 1): number[] {
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + nameBase : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    // L, W and # (last day, weekday, nth weekday) land here too: refused rather than misread.
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`cron: "${token}" is not supported or out of ${min}–${max}`);
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron: bad step in "${part}"`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [value(a), value(b)];
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

export function parseCron(expression: string): Cron {
  const match = /^cron\((.+)\)$/.exec(expression.trim());
  const fields = match?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) throw new Error(`not an EventBridge cron expression: ${expression}`);
  const [minutes = '', hours = '', dom = '', month = '', dow = '', year = ''] = fields;
  if ((dom === '?') === (dow === '?'))
    throw new Error(`cron: exactly one of day-of-month and day-of-week must be "?"`);
  return {
    minutes: parseField(minutes, 0, 59),
    hours: parseField(hours, 0, 23),
    daysOfMonth: dom === '?' ? null : new Set(parseField(dom, 1, 31)),
    months: new Set(parseField(month, 1, 12, MONTHS)),
    daysOfWeek: dow === '?' ? null : new Set(parseField(dow, 1, 7, WEEKDAYS)),
    years: year === '*' ? null : new Set(parseField(year, 1970, 2199)),
  };
}

/** The first time strictly after `after` at which the schedule fires (Vietnam time), or null within 10 years. */
export function nextFireTime(cron: Cron, after: Date): Date | null {
  // Work in "Vietnam wall-clock as if UTC", then shift back.
  const start = Math.floor((after.getTime() + VN_OFFSET_MS) / 60_000) * 60_000 + 60_000;
  const firstDay = Math.floor(start / DAY_MS) * DAY_MS;
  for (let day = firstDay; day < firstDay + 3660 * DAY_MS; day += DAY_MS) {
    const d = new Date(day);
    if (cron.years && !cron.years.has(d.getUTCFullYear())) continue;
    if (!cron.months.has(d.getUTCMonth() + 1)) continue;
    if (cron.daysOfMonth && !cron.daysOfMonth.has(d.getUTCDate())) continue;
    if (cron.daysOfWeek && !cron.daysOfWeek.has(d.getUTCDay() + 1)) continue;
    for (const h of cron.hours) {
      for (const m of cron.minutes) {
        const local = day + h * 3_600_000 + m * 60_000;
        if (local >= start) return new Date(local - VN_OFFSET_MS);
      }
    }
  }
  return null;
}
