import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  appealDeadline,
  compareInstants,
  DEFAULT_CALENDAR,
  deadlinesFor,
  formatVietnamTime,
  isAfter,
  isValidInstant,
  isValidPeriod,
  isWorkingDay,
  nextPeriod,
  parsePeriod,
  periodOf,
  shiftToWorkingDay,
  TIME_ZONE,
  VIETNAM_PUBLIC_HOLIDAYS,
  validateCalendarConfig,
  validateDeadlines,
} from '../../../shared/domain/calendar.ts';

const H = DEFAULT_CALENDAR.holidays;
const eod = (date: string) => `${date}T23:59:59.999+07:00`;
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

describe('time zone', () => {
  it('is Vietnam, UTC+7 all year', () => {
    expect(TIME_ZONE).toBe('Asia/Ho_Chi_Minh');
    // Intl agrees that the offset is +7 in both January and July (no daylight saving).
    for (const instant of ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z']) {
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: TIME_ZONE,
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(instant));
      expect(local).toBe('19');
    }
  });
});

describe('public holidays data', () => {
  it('has valid, sorted, unique dates for 2026 and 2027', () => {
    const dates = VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates.some((d) => d.startsWith('2026'))).toBe(true);
    expect(dates.some((d) => d.startsWith('2027'))).toBe(true);
  });

  it.each([
    ['2026-01-01', 'Tết Dương lịch'],
    ['2026-02-17', 'mùng 1'],
    ['2026-04-26', 'Hùng Vương'],
    ['2026-04-27', 'nghỉ bù'],
    ['2026-04-30', '30/4'],
    ['2026-05-01', '1/5'],
    ['2026-09-02', '2/9'],
    ['2027-02-06', 'mùng 1'],
    ['2027-04-16', 'Hùng Vương'],
    ['2027-05-03', 'nghỉ bù'],
    ['2027-09-02', '2/9'],
  ])('lists %s (%s)', (date, name) => {
    expect(VIETNAM_PUBLIC_HOLIDAYS.find((h) => h.date === date)?.name).toContain(name);
  });

  it('lists the 9-day Tết 2026 break, Saturday 14 to Sunday 22 February', () => {
    for (let d = 14; d <= 22; d++) expect(H).toContain(`2026-02-${d}`);
    expect(weekday('2026-02-14')).toBe(6);
    expect(weekday('2026-02-22')).toBe(0);
  });

  it('places each compensatory day on the Monday after a weekend holiday', () => {
    expect(weekday('2026-04-26')).toBe(0);
    expect(weekday('2026-04-27')).toBe(1);
    expect(weekday('2027-05-01')).toBe(6);
    expect(weekday('2027-05-03')).toBe(1);
  });
});

describe('working days', () => {
  it('Saturdays, Sundays and holidays are not working days', () => {
    expect(isWorkingDay('2026-03-06', H)).toBe(true); // Friday
    expect(isWorkingDay('2026-03-07', H)).toBe(false); // Saturday
    expect(isWorkingDay('2026-03-08', H)).toBe(false); // Sunday
    expect(isWorkingDay('2026-04-30', H)).toBe(false); // Thursday, holiday
  });

  it('a working day does not move', () => {
    expect(shiftToWorkingDay('2026-03-06', H)).toBe('2026-03-06');
  });

  it.each([
    ['weekend', '2026-03-07', '2026-03-09'],
    ['New Year 2026 (1–4/1)', '2026-01-01', '2026-01-05'],
    ['Tết 2026 (14–22/2)', '2026-02-16', '2026-02-23'],
    ['Tết 2027 (4–10/2)', '2027-02-04', '2027-02-11'],
    ['Hùng Kings 2026 (Sunday 26/4, compensated 27/4)', '2026-04-26', '2026-04-28'],
    ['Hùng Kings 2027 (Friday 16/4)', '2027-04-16', '2027-04-19'],
    ['30/4–1/5 2026', '2026-04-30', '2026-05-04'],
    ['30/4–1/5 2027 (compensated 3/5)', '2027-04-30', '2027-05-04'],
    ['2/9 2026 (1–2/9)', '2026-09-01', '2026-09-03'],
    ['2/9 2027 (2–3/9)', '2027-09-02', '2027-09-06'],
  ])('%s: %s moves to %s', (_, date, shifted) => {
    expect(shiftToWorkingDay(date, H)).toBe(shifted);
  });

  it('the shifted day is always a working day, never earlier, within 10 days (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 730 }), (offset) => {
        const date = addDays('2026-01-01', offset);
        const shifted = shiftToWorkingDay(date, H);
        expect(isWorkingDay(shifted, H)).toBe(true);
        expect(shifted >= date).toBe(true);
        expect(shifted <= addDays(date, 10)).toBe(true);
      }),
    );
  });
});

describe('deadlinesFor', () => {
  it('gives the default deadlines at the end of day 3, 6 and 8 of M+1 when they are working days', () => {
    expect(deadlinesFor('2026-03')).toEqual({
      selfAssessment: eod('2026-04-03'),
      review: eod('2026-04-06'),
      approval: eod('2026-04-08'),
      opensAt: '2026-03-01T00:05:00.000+07:00',
      closesAt: '2026-04-09T00:30:00.000+07:00',
    });
  });

  it('moves a deadline on a weekend to Monday (2026-01: Sunday 8/2 → Monday 9/2, close after it)', () => {
    const d = deadlinesFor('2026-01');
    expect(d.selfAssessment).toBe(eod('2026-02-03'));
    expect(d.review).toBe(eod('2026-02-06'));
    expect(d.approval).toBe(eod('2026-02-09'));
    expect(d.closesAt).toBe('2026-02-10T00:30:00.000+07:00');
  });

  it('crosses the year: December 2026 → January 2027 (Sunday 3/1 → Monday 4/1)', () => {
    const d = deadlinesFor('2026-12');
    expect(d.selfAssessment).toBe(eod('2027-01-04'));
    expect(d.review).toBe(eod('2027-01-06'));
    expect(d.approval).toBe(eod('2027-01-08'));
  });

  it('moves deadlines out of Tết 2027 (January 2027: 6/2 and 8/2 → Thursday 11/2)', () => {
    const d = deadlinesFor('2027-01');
    expect(d.selfAssessment).toBe(eod('2027-02-03'));
    expect(d.review).toBe(eod('2027-02-11'));
    expect(d.approval).toBe(eod('2027-02-11'));
    expect(d.closesAt).toBe('2027-02-12T00:30:00.000+07:00');
  });

  it('moves deadlines out of Tết 2026 when a deployment sets them inside it', () => {
    const d = deadlinesFor('2026-01', {
      ...DEFAULT_CALENDAR,
      selfAssessmentDay: 16,
      reviewDay: 18,
      approvalDay: 20,
    });
    expect(d.selfAssessment).toBe(eod('2026-02-23'));
    expect(d.review).toBe(eod('2026-02-23'));
    expect(d.approval).toBe(eod('2026-02-23'));
  });

  it('moves deadlines out of Hùng Kings day (a deployment with deadlines on 26/4 and 16/4)', () => {
    const config = { ...DEFAULT_CALENDAR, selfAssessmentDay: 16, reviewDay: 26, approvalDay: 27 };
    const d2026 = deadlinesFor('2026-03', config);
    expect(d2026.review).toBe(eod('2026-04-28'));
    expect(d2026.approval).toBe(eod('2026-04-28'));
    const d2027 = deadlinesFor('2027-03', config);
    expect(d2027.selfAssessment).toBe(eod('2027-04-19'));
  });

  it('moves the April 2027 deadlines past 30/4–1/5 (compensated Monday 3/5 → Tuesday 4/5)', () => {
    const d = deadlinesFor('2027-04');
    expect(d.selfAssessment).toBe(eod('2027-05-04'));
    expect(d.review).toBe(eod('2027-05-06'));
    expect(d.approval).toBe(eod('2027-05-10')); // Saturday 8/5 → Monday 10/5
    expect(d.closesAt).toBe('2027-05-11T00:30:00.000+07:00');
  });

  it('moves deadlines on 30/4 and 1/5 2026 to Monday 4/5', () => {
    const d = deadlinesFor('2026-03', { ...DEFAULT_CALENDAR, selfAssessmentDay: 30 });
    expect(d.selfAssessment).toBe(eod('2026-05-04'));
  });

  it('moves the August 2027 self-assessment deadline out of National Day (Friday 3/9 → Monday 6/9)', () => {
    const d = deadlinesFor('2027-08');
    expect(d.selfAssessment).toBe(eod('2027-09-06'));
    expect(d.review).toBe(eod('2027-09-06'));
    expect(d.approval).toBe(eod('2027-09-08'));
  });

  it('moves a deadline on 2/9/2026 to Thursday 3/9', () => {
    const d = deadlinesFor('2026-08', { ...DEFAULT_CALENDAR, selfAssessmentDay: 1, reviewDay: 2 });
    expect(d.selfAssessment).toBe(eod('2026-09-03'));
    expect(d.review).toBe(eod('2026-09-03'));
  });

  it('keeps the deadlines in order for every month (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2026, max: 2027 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const d = deadlinesFor(`${y}-${String(m).padStart(2, '0')}`);
        expect(compareInstants(d.opensAt, d.selfAssessment)).toBeLessThan(0);
        expect(compareInstants(d.selfAssessment, d.review)).toBeLessThanOrEqual(0);
        expect(compareInstants(d.review, d.approval)).toBeLessThanOrEqual(0);
        expect(compareInstants(d.approval, d.closesAt)).toBeLessThan(0);
        for (const x of [d.selfAssessment, d.review, d.approval]) {
          expect(isWorkingDay(x.slice(0, 10), H)).toBe(true);
        }
      }),
    );
  });

  it('rejects an invalid period', () => {
    expect(() => deadlinesFor('2026-13')).toThrow(RangeError);
  });
});

describe('appeal deadline', () => {
  it('is the end of the fifth day after publication', () => {
    expect(appealDeadline('2026-04-09T00:30:00+07:00')).toBe(eod('2026-04-14'));
  });

  it('uses the Vietnam date of publication', () => {
    // 18:00 UTC on 8/4 is 01:00 on 9/4 in Vietnam.
    expect(appealDeadline('2026-04-08T18:00:00Z')).toBe(eod('2026-04-14'));
  });

  it('moves off weekends and holidays like any deadline', () => {
    // Published 10/2/2026 + 5 = Sunday 15/2, inside Tết → Monday 23/2.
    expect(appealDeadline('2026-02-10T00:30:00+07:00')).toBe(eod('2026-02-23'));
  });

  it('is null for a non-instant', () => {
    expect(appealDeadline('hôm qua')).toBeNull();
  });
});

describe('periods and instants', () => {
  it('validates and parses periods', () => {
    expect(isValidPeriod('2026-03')).toBe(true);
    for (const bad of ['2026-3', '2026-00', '2026-13', '26-03', '2026-03-01', 202603, null]) {
      expect(isValidPeriod(bad)).toBe(false);
    }
    expect(parsePeriod('2026-12')).toEqual({ year: 2026, month: 12 });
    expect(parsePeriod('x')).toBeNull();
    expect(nextPeriod('2026-12')).toBe('2027-01');
  });

  it('periodOf gives the month in Vietnam time', () => {
    expect(periodOf('2026-01-31T16:59:59Z')).toBe('2026-01');
    expect(periodOf('2026-01-31T17:00:00Z')).toBe('2026-02');
    expect(periodOf('2026-02-01T00:00:00+07:00')).toBe('2026-02');
    expect(periodOf('not a date')).toBeNull();
  });

  it('compares instants by the moment, not the text', () => {
    expect(compareInstants('2026-04-04T00:00:00+07:00', '2026-04-03T18:00:00Z')).toBeLessThan(0);
    expect(compareInstants('2026-04-03T17:00:00Z', '2026-04-04T00:00:00+07:00')).toBe(0);
    expect(isAfter('2026-04-03T23:59:59.999+07:00', eod('2026-04-03'))).toBe(false);
    expect(isAfter('2026-04-04T00:00:00+07:00', eod('2026-04-03'))).toBe(true);
  });

  it('accepts only strict ISO instants with an offset and a real date', () => {
    expect(isValidInstant('2026-04-03T23:59:59.999+07:00')).toBe(true);
    expect(isValidInstant('2026-04-03T16:59Z')).toBe(true);
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2026-04-03T23:59:59',
      '2026-04-03',
      'x',
      5,
      '2026-04-03T24:00:00Z',
    ]) {
      expect(isValidInstant(bad)).toBe(false);
    }
  });

  it('formats an instant for Vietnamese readers', () => {
    expect(formatVietnamTime(eod('2026-04-03'))).toBe('23:59 ngày 03/04/2026');
    expect(formatVietnamTime('2026-04-03T17:00:00Z')).toBe('00:00 ngày 04/04/2026');
  });
});

describe('validation of overrides and configuration', () => {
  it('accepts ordered deadlines and refuses disorder or bad instants', () => {
    const ok = { selfAssessment: eod('2026-04-03'), review: eod('2026-04-06'), approval: eod('2026-04-08') };
    expect(validateDeadlines('2026-03', ok)).toEqual([]);
    expect(validateDeadlines('2026-03', { ...ok, review: eod('2026-04-02') }).map((p) => p.path)).toEqual([
      'deadlines.review',
    ]);
    expect(validateDeadlines('2026-03', { ...ok, approval: 'x' }).map((p) => p.path)).toEqual([
      'deadlines.approval',
    ]);
    expect(
      validateDeadlines('2026-03', { ...ok, selfAssessment: eod('2026-02-27') }).map((p) => p.path),
    ).toEqual(['deadlines.selfAssessment']);
    expect(validateDeadlines('2026-03', null)).toHaveLength(1);
  });

  it('accepts the default calendar and refuses a broken one', () => {
    expect(validateCalendarConfig(DEFAULT_CALENDAR)).toEqual([]);
    const broken = {
      ...DEFAULT_CALENDAR,
      selfAssessmentDay: 0,
      closeTime: '25:00',
      holidays: ['2026-02-30'],
    };
    expect(validateCalendarConfig(broken).map((p) => p.path)).toEqual([
      'selfAssessmentDay',
      'closeTime',
      'holidays.0',
    ]);
  });
});
