/**
 * The evaluation rules engine: every rule of ../shared/DOMAIN.md as pure functions, no I/O, no clock.
 * Where each rule lives:
 * - points.ts       exact points (hundredths), parsing, sums, averages
 * - rubrics.ts      rubrics as versioned data (hn-3814, nd-335), score validation, new rubric versions
 * - grades.ts       bands A–D, forced D, leader rule
 * - nd335.ts        nd-335 task results from converted products (the chosen formula)
 * - quota.ts        quotas on A (Hanoi 30%/40% of evaluated, Decree 335 20% of B)
 * - calendar.ts     deadlines in Asia/Ho_Chi_Minh, weekend/holiday shift, public holidays, appeal window
 * - transitions.ts  the monthly cycle: `decide`
 * - rankings.ts     unit and sub-unit rankings, participation, annual result, inflation signals
 */
export * from './calendar.ts';
export * from './grades.ts';
export * from './nd335.ts';
export * from './points.ts';
export * from './quota.ts';
export * from './rankings.ts';
export * from './rubrics.ts';
export * from './transitions.ts';
export * from './types.ts';
