/**
 * Quarterly periods and cycles: period ids and their order, the quarterly calendar (deadlines counted from the
 * quarter's end, moved past weekends and holidays), which periods a deployment opens when, and the periods a year
 * has after a change of cycle. Property tests over any quarter and any holiday list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  comparePeriods,
  DEFAULT_QUARTERLY_CALENDAR,
  deadlinesFor,
  formatQuarter,
  isValidPeriod,
  isWorkingDay,
  monthsOf,
  nextPeriod,
  parsePeriod,
  periodLabel,
  periodSpan,
  quarterOf,
  validateDeadlines,
  vietnamDateOf,
} from '../../../shared/domain/calendar.ts';
import {
  type CycleSchedule,
  categoriesEvaluatedIn,
  cycleAt,
  cyclesInUse,
  MONTHLY_ONLY,
  periodsOfYear,
  periodsStartingIn,
  validateCycleChanges,
} from '../../../shared/domain/cycles.ts';
import { EMPLOYEE_CATEGORIES } from '../../../shared/domain/types.ts';

const eod = (date: string) => `${date}T23:59:59.999+07:00`;

describe('quarter ids', () => {
  it('accepts YYYY-Qn beside YYYY-MM, and nothing else', () => {
    for (const ok of ['2026-Q1', '2026-Q4', '2999-Q2', '2026-01']) expect(isValidPeriod(ok)).toBe(true);
    for (const bad of ['2026-Q0', '2026-Q5', '2026-q1', '2026Q1', '1999-Q1', '2026-Q1 ', 'Q1-2026'])
      expect(isValidPeriod(bad)).toBe(false);
    // parsePeriod stays a month parser: a quarter is a span, not a month.
    expect(parsePeriod('2026-Q1')).toBeNull();
    expect(periodSpan('2026-Q3')).toEqual({
      period: '2026-Q3',
      kind: 'quarter',
      year: 2026,
      firstMonth: 7,
      lastMonth: 9,
      months: 3,
      quarter: 3,
    });
    expect(monthsOf('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(nextPeriod('2026-Q4')).toBe('2027-Q1');
    expect(nextPeriod('2026-Q2')).toBe('2026-Q3');
    expect(periodLabel('2026-Q2')).toBe('quý II/2026');
    expect(periodLabel('2026-03')).toBe('tháng 03/2026');
  });

  it('orders months and quarters by time, not by text', () => {
    const sorted = ['2026-Q2', '2026-12', '2026-Q1', '2026-03', '2025-Q4', '2026-01'].sort(comparePeriods);
    expect(sorted).toEqual(['2025-Q4', '2026-01', '2026-Q1', '2026-03', '2026-Q2', '2026-12']);
  });

  it('finds the quarter of an instant in Vietnam time', () => {
    expect(quarterOf('2026-03-31T16:59:59Z')).toBe('2026-Q1');
    expect(quarterOf('2026-03-31T17:00:00Z')).toBe('2026-Q2');
    expect(quarterOf('nope')).toBeNull();
  });
});

describe('the quarterly calendar', () => {
  it('counts Q1 2026 from the quarter’s end: April, shifted past the weekend (HCMC: before the 5th)', () => {
    // 2/4/2026 is a Thursday, 3/4 a Friday, 4/4 a Saturday → Monday 6/4; the close the day after.
    expect(deadlinesFor('2026-Q1')).toEqual({
      selfAssessment: eod('2026-04-02'),
      review: eod('2026-04-03'),
      approval: eod('2026-04-06'),
      opensAt: '2026-01-01T00:05:00.000+07:00',
      closesAt: '2026-04-07T00:30:00.000+07:00',
    });
  });

  it('moves a quarter’s deadlines past New Year’s Day and the weekend (Q4 2026, due in January 2027)', () => {
    // Q4 2026: January 2027; 1/1/2027 is a holiday (Friday), 2/1 and 3/1 the weekend → self-assessment Monday 4/1.
    const d = deadlinesFor('2026-Q4');
    expect(d.selfAssessment).toBe(eod('2027-01-04'));
    expect(d.review).toBe(eod('2027-01-04'));
    expect(d.approval).toBe(eod('2027-01-04'));
    expect(d.closesAt).toBe('2027-01-05T00:30:00.000+07:00');
    expect(d.opensAt).toBe('2026-10-01T00:05:00.000+07:00');
  });

  const quarter = fc
    .record({ year: fc.integer({ min: 2000, max: 2999 }), q: fc.integer({ min: 1, max: 4 }) })
    .map(({ year, q }) => formatQuarter(year, q));
  // Up to 40 random holidays in the year after, to move deadlines around.
  const monthAfter = (period: string) => {
    const span = periodSpan(period);
    if (span === null) throw new Error(period);
    return span.lastMonth === 12
      ? `${span.year + 1}-01`
      : `${span.year}-${String(span.lastMonth + 1).padStart(2, '0')}`;
  };
  const holidaysNear = (period: string) =>
    fc
      .uniqueArray(fc.integer({ min: 0, max: 80 }), { maxLength: 40 })
      .map((offsets) => offsets.map((o) => addDays(`${monthAfter(period)}-01`, o)));

  it('property: every quarter’s deadlines fall on working days after its end, in order, never before their day', () => {
    fc.assert(
      fc.property(
        quarter.chain((period) => fc.tuple(fc.constant(period), holidaysNear(period))),
        ([period, holidays]) => {
          const span = periodSpan(period);
          if (span === null) return false;
          const config = { ...DEFAULT_QUARTERLY_CALENDAR, holidays };
          const d = deadlinesFor(period, config);
          const next = monthAfter(period);
          const [self = '', review = '', approval = ''] = [d.selfAssessment, d.review, d.approval].map(
            (t) => vietnamDateOf(t) ?? '',
          );
          const days = [self, review, approval];
          const wanted = [config.selfAssessmentDay, config.reviewDay, config.approvalDay].map(
            (day) => `${next}-${String(day).padStart(2, '0')}`,
          );
          days.forEach((day, i) => {
            // On a working day, on or after its own day of the month after the quarter, and no later than needed.
            expect(isWorkingDay(day, holidays)).toBe(true);
            expect(day >= (wanted[i] ?? '')).toBe(true);
            for (let x = wanted[i] ?? ''; x < day; x = addDays(x, 1))
              expect(isWorkingDay(x, holidays)).toBe(false);
          });
          expect(self <= review && review <= approval).toBe(true);
          // Opens on day 1 of the quarter's first month; closes after the approval day and not before day 5.
          expect(d.opensAt.slice(0, 10)).toBe(`${span.year}-${String(span.firstMonth).padStart(2, '0')}-01`);
          const close = d.closesAt.slice(0, 10);
          expect(close > approval).toBe(true);
          expect(close >= `${next}-05`).toBe(true);
          // Deadlines given for the quarter are checked against its opening, not its last month's.
          expect(validateDeadlines(period, d)).toEqual([]);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses given deadlines before the quarter opens', () => {
    const d = deadlinesFor('2026-Q2');
    expect(
      validateDeadlines('2026-Q2', { ...d, selfAssessment: '2026-03-31T23:59:59+07:00' }).map((p) => p.path),
    ).toEqual(['deadlines.selfAssessment']);
  });
});

const quarterlyFrom = (from: string): CycleSchedule => ({
  default: [
    { from: null, cycle: 'monthly' },
    { from, cycle: 'quarterly' },
  ],
  byCategory: {},
});

describe('cycles', () => {
  it('monthly by default: twelve months a year, each month opened on its first day', () => {
    expect(periodsOfYear(MONTHLY_ONLY, 'civil_servant', 2026)).toHaveLength(12);
    expect(periodsStartingIn(MONTHLY_ONLY, '2026-04')).toEqual(['2026-04']);
    expect(categoriesEvaluatedIn(MONTHLY_ONLY, '2026-Q1')).toEqual([]);
    expect(categoriesEvaluatedIn(MONTHLY_ONLY, '2026-03')).toEqual([...EMPLOYEE_CATEGORIES]);
    expect(cyclesInUse(MONTHLY_ONLY)).toEqual(['monthly']);
  });

  it('quarterly for one category: the quarter opens on its first month, beside the others’ month', () => {
    const schedule: CycleSchedule = {
      default: MONTHLY_ONLY.default,
      byCategory: { civil_servant: [{ from: null, cycle: 'quarterly' }] },
    };
    expect(periodsStartingIn(schedule, '2026-04')).toEqual(['2026-04', '2026-Q2']);
    expect(periodsStartingIn(schedule, '2026-05')).toEqual(['2026-05']);
    expect(categoriesEvaluatedIn(schedule, '2026-Q2')).toEqual(['civil_servant']);
    expect(categoriesEvaluatedIn(schedule, '2026-05')).toEqual(['cadre', 'public_employee', 'worker']);
    expect(periodsOfYear(schedule, 'civil_servant', 2026)).toEqual([
      '2026-Q1',
      '2026-Q2',
      '2026-Q3',
      '2026-Q4',
    ]);
    expect(cyclesInUse(schedule)).toEqual(['monthly', 'quarterly']);
  });

  it('a change in the middle of the year: six months, then two quarters', () => {
    const schedule = quarterlyFrom('2026-07');
    expect(cycleAt(schedule, 'worker', '2026-06')).toBe('monthly');
    expect(cycleAt(schedule, 'worker', '2026-07')).toBe('quarterly');
    expect(periodsOfYear(schedule, 'worker', 2026)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-Q3',
      '2026-Q4',
    ]);
    expect(periodsStartingIn(schedule, '2026-06')).toEqual(['2026-06']);
    expect(periodsStartingIn(schedule, '2026-07')).toEqual(['2026-Q3']);
    expect(periodsStartingIn(schedule, '2026-08')).toEqual([]);
    expect(periodsOfYear(schedule, 'worker', 2027)).toHaveLength(4);
  });

  it('property: a year’s periods cover its twelve months exactly once, in order', () => {
    const schedule = fc
      .uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 5 })
      .chain((starts) =>
        fc.tuple(
          fc.constant([...starts].sort((a, b) => a - b)),
          fc.array(fc.constantFrom('monthly' as const, 'quarterly' as const), {
            minLength: starts.length + 1,
            maxLength: starts.length + 1,
          }),
        ),
      )
      .map(([starts, cycles]): CycleSchedule => {
        const at = (i: number) => `${2026 + Math.floor(i / 4)}-${String((i % 4) * 3 + 1).padStart(2, '0')}`;
        return {
          default: [
            { from: null, cycle: cycles[0] ?? 'monthly' },
            ...starts.map((s, i) => ({ from: at(s), cycle: cycles[i + 1] ?? 'monthly' })),
          ],
          byCategory: {},
        };
      });
    fc.assert(
      fc.property(schedule, fc.integer({ min: 2025, max: 2030 }), (s, year) => {
        expect(validateCycleChanges(s.default, 'default')).toEqual([]);
        const periods = periodsOfYear(s, 'cadre', year);
        const months = periods.flatMap(monthsOf);
        expect(months).toEqual(
          Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`),
        );
        expect([...periods].sort(comparePeriods)).toEqual(periods);
        // Each period is opened once, on its first month, and evaluates this category.
        for (const p of periods) {
          expect(periodsStartingIn(s, monthsOf(p)[0] ?? '')).toContain(p);
          expect(categoriesEvaluatedIn(s, p)).toContain('cadre');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a change of cycle in the middle of a quarter, or out of order', () => {
    expect(
      validateCycleChanges([{ from: '2026-08', cycle: 'quarterly' }], 'x').map((p) => p.message),
    ).toEqual(['Chu kỳ chỉ được đổi từ tháng đầu quý (01, 04, 07, 10).']);
    expect(
      validateCycleChanges(
        [
          { from: '2026-07', cycle: 'quarterly' },
          { from: '2026-04', cycle: 'monthly' },
        ],
        'x',
      ).map((p) => p.path),
    ).toEqual(['x.1.from']);
    expect(validateCycleChanges([{ from: '2026-13', cycle: 'monthly' }], 'x')).toHaveLength(1);
  });
});
