/**
 * The evaluation use cases on the in-memory store: the month's cycle, who may act, the A quota under a race,
 * If-Match, and the idempotency receipt written with the change.
 */
import { describe, expect, it } from 'vitest';
import {
  attemptTransition,
  authorizeAction,
  readHistory,
  transitionAndPresent,
} from '../../../shared/app/evaluations.ts';
import { DuplicateRequest } from '../../../shared/app/idempotency.ts';
import type { AppError } from '../../../shared/domain/errors.ts';
import { demoCity } from './support.ts';

const scores = { discipline: 19, duties: 67, bonus: 8 };

describe('evaluation use cases', () => {
  it('take one evaluation through save, submit, review and approve, with one history event per step', async () => {
    const { as, period } = await demoCity();
    const id = 'stc-ns-03';
    const act = (who: string, action: Parameters<typeof transitionAndPresent>[3]) =>
      transitionAndPresent(as(who), id, period, action, { ifMatch: null });
    await act(id, { type: 'saveSelfAssessment', scores, comment: 'Hoàn thành tốt.' });
    await act(id, { type: 'submit' });
    await act('stc-ns-pp', { type: 'review', scores, comment: null });
    const approved = await act('stc-ns-tp', { type: 'approve', scores: null, comment: null });
    expect(approved).toMatchObject({ status: 'APPROVED', version: 5, decision: { total: 94, grade: 'A' } });
    const history = await readHistory(as(id), id, period);
    expect(history.items.map((h) => `${h.action}:${h.actorId}`)).toEqual([
      'open:system',
      `saveSelfAssessment:${id}`,
      `submit:${id}`,
      'review:stc-ns-pp',
      'approve:stc-ns-tp',
    ]);
  });

  it('refuses a party without the role (403) and hides the evaluation from others (404), before any body', async () => {
    const { as, period } = await demoCity();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: AppError) => e.code,
      );
    expect(await code(authorizeAction(as('stc-ns-03'), 'stc-ns-03', period, 'saveSelfAssessment'))).toBe(
      'ok',
    );
    expect(await code(authorizeAction(as('stc-ns-pp'), 'stc-ns-03', period, 'saveSelfAssessment'))).toBe(
      'FORBIDDEN',
    );
    expect(await code(authorizeAction(as('stc-ns-01'), 'stc-ns-03', period, 'review'))).toBe('NOT_FOUND');
    expect(await code(authorizeAction(as('admin', ['admin']), 'stc-ns-03', period, 'approve'))).toBe(
      'FORBIDDEN',
    );
  });

  it('lets only one of two approvals racing for the last A slot through', async () => {
    const { as, period, store } = await demoCity();
    // stc-ns has 7 evaluations: 30% rounds down to 2 A. Give one A, then race two more for the last slot.
    const run = (who: string, id: string, action: Parameters<typeof transitionAndPresent>[3]) =>
      transitionAndPresent(as(who), id, period, action, { ifMatch: null });
    await run('stc-ns-03', 'stc-ns-03', { type: 'saveSelfAssessment', scores, comment: null });
    await run('stc-ns-03', 'stc-ns-03', { type: 'submit' });
    await run('stc-ns-pp', 'stc-ns-03', { type: 'review', scores, comment: null });
    // stc-ns-05 submitted in the demo; stc-ns-04 is reviewed at 92 (A).
    await run('stc-ns-pp', 'stc-ns-05', { type: 'review', scores, comment: null });
    const approve = (id: string) =>
      attemptTransition(
        as('stc-ns-tp'),
        id,
        period,
        { type: 'approve', scores: null, comment: null },
        { ifMatch: null },
      );
    expect((await approve('stc-ns-03')).ok).toBe(true);
    const [a, b] = await Promise.all([approve('stc-ns-05'), approve('stc-ns-04')]);
    const outcomes = [a, b].map((r) => (r.ok ? 'A' : r.error.code)).sort();
    expect(outcomes).toEqual(['A', 'QUOTA_EXCEEDED']);
    expect((await store.evaluations.unitCounters('stc-ns', period)).grades.A).toBe(2);
  });

  it('answers a stale If-Match with 412 naming the current version, and changes nothing', async () => {
    const { as, period, store } = await demoCity();
    const before = await store.evaluations.get('stc-ns-03', period);
    const stale = await attemptTransition(
      as('stc-ns-03'),
      'stc-ns-03',
      period,
      { type: 'submit' },
      { ifMatch: 9 },
    );
    expect(stale.ok ? null : stale.error.code).toBe('PRECONDITION_FAILED');
    expect(await store.evaluations.get('stc-ns-03', period)).toEqual(before);
  });

  it('writes the request receipt with the change, and a second write of the same key is a duplicate', async () => {
    const { as, period, store } = await demoCity();
    const receiptFor = (answer: unknown) => ({
      principalId: 'stc-ns-03',
      key: 'save-1',
      requestHash: 'h',
      response: { statusCode: 200, headers: {}, body: JSON.stringify(answer) },
      at: new Date().toISOString(),
    });
    const action = { type: 'saveSelfAssessment' as const, scores, comment: null };
    const first = await transitionAndPresent(as('stc-ns-03'), 'stc-ns-03', period, action, {
      ifMatch: null,
      receiptFor,
    });
    const kept = await store.receipts.get('stc-ns-03', 'save-1');
    expect(JSON.parse(kept?.response.body ?? '{}')).toEqual(first);
    await expect(
      transitionAndPresent(as('stc-ns-03'), 'stc-ns-03', period, action, { ifMatch: null, receiptFor }),
    ).rejects.toBeInstanceOf(DuplicateRequest);
    expect((await store.evaluations.get('stc-ns-03', period))?.version).toBe(first.version);
  });
});
