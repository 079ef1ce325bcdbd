/**
 * `GET /v1/me?include=current` on the in-memory store: the caller, the month's evaluation as GET evaluation shows
 * it, the rubric version it is scored with and its history, in one answer.
 */
import { describe, expect, it, vi } from 'vitest';
import { readEvaluation, readHistory } from '../../../shared/app/evaluations.ts';
import { currentPeriodOf, readMe } from '../../../shared/app/worklists.ts';
import { demoCity } from './support.ts';

describe('me with the current month', () => {
  it('answers what GET evaluation, its history and the rubric version answer, plus me', async () => {
    const { as, store, period } = await demoCity();
    const caller = as('stc-ns-02');
    const me = await readMe(caller, { current: true });
    if (!('current' in me)) throw new Error('no current month');
    expect(me.current.period).toBe(period);
    expect(me.current.evaluation).toEqual(await readEvaluation(as('stc-ns-02'), 'stc-ns-02', period));
    expect(me.current.history).toEqual((await readHistory(as('stc-ns-02'), 'stc-ns-02', period)).items);
    expect(me.current.rubric).toMatchObject({ id: 'hn-3814', version: 1 });
    const plain = await readMe(as('stc-ns-02'));
    const { current: _current, ...rest } = me;
    expect(rest).toEqual(plain);
    // The rubric version the evaluation is scored with, even once a newer version exists.
    const latest = await store.rubrics.getLatest('hn-3814');
    if (!latest) throw new Error('no rubric');
    await store.rubrics.putVersion({ ...latest, version: 2, name: 'Phiên bản mới' });
    const again = await readMe(as('stc-ns-02'), { current: true });
    expect('current' in again && again.current.rubric).toMatchObject({ version: 1 });
  });

  it('reads the own evaluation of the month once, and names in one look-up', async () => {
    const { as, store } = await demoCity();
    const get = vi.spyOn(store.evaluations, 'get');
    const names = vi.spyOn(store.org, 'names');
    await readMe(as('stc-ns-02'), { current: true });
    // Once per open period (the pending counts need them); the current one is not read again.
    expect(get).toHaveBeenCalledTimes(
      (await store.periods.list()).filter((p) => p.status !== 'CLOSED').length,
    );
    expect(names).toHaveBeenCalledTimes(1);
  });

  it('opens on the period asked for, else the earliest still waiting for the employee, else the one covering today', async () => {
    const { as, period } = await demoCity();
    const own = (...items: [string, boolean][]) => items.map(([p, waiting]) => ({ period: p, waiting }));
    // 2 December in Vietnam: November's self-assessment is still due, December's too: November first.
    expect(currentPeriodOf(own(['2026-11', true], ['2026-12', true]), '2026-12-01T20:00:00.000Z')).toBe(
      '2026-11',
    );
    // November submitted: December, the month of today.
    expect(currentPeriodOf(own(['2026-11', false], ['2026-12', true]), '2026-12-01T20:00:00.000Z')).toBe(
      '2026-12',
    );
    expect(currentPeriodOf(own(['2026-11', false], ['2026-12', false]), '2026-12-01T20:00:00.000Z')).toBe(
      '2026-12',
    );
    // A quarter covers its months; nothing of theirs open today: the latest, else this month (Vietnam time).
    expect(currentPeriodOf(own(['2026-Q3', false], ['2026-Q4', false]), '2026-11-10T00:00:00.000Z')).toBe(
      '2026-Q4',
    );
    expect(currentPeriodOf(own(['2026-10', false]), '2026-11-30T20:00:00.000Z')).toBe('2026-10');
    expect(currentPeriodOf([], '2026-11-30T17:30:00.000Z')).toBe('2026-12');
    expect(currentPeriodOf(own(['2026-12', true]), '2026-11-30T17:30:00.000Z', '2026-09')).toBe('2026-09');
    const asked = await readMe(as('stc-ns-02'), { current: true, period: '2020-01' });
    expect('current' in asked && asked.current).toEqual({
      period: '2020-01',
      evaluation: null,
      rubric: null,
      history: [],
    });
    const admin = await readMe(as('admin', ['admin']), { current: true });
    expect('current' in admin && admin.current).toMatchObject({ period, evaluation: null });
  });
});
