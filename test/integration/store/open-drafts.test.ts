/**
 * Opening drafts the lean way (since 2026-12): each draft one plain conditional Put, then its reviewer's and
 * approver's rosters, then the unit's count, each part safe to run again. Here against DynamoDB Local, the windows
 * a crash can leave: drafts written and nothing else, drafts and rosters but no count; a rerun finishes them and
 * counts each draft exactly once, also when two openers run at the same moment. And what the old design wrote
 * (drafts on gsi4/gsi5, counted in their transaction) is neither listed twice nor counted again.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvaluation } from '../../../shared/store/entities.ts';
import { evaluationItem } from '../../../shared/store/evaluation-store.ts';
import { unitItem } from '../../../shared/store/org-store.ts';
import { checkInvariants } from '../../support/invariants.ts';
import { draft } from '../../support/store-contract.ts';
import { freshTable, type TestTable } from '../../support/table.ts';

const PERIOD = '2026-11';
const people = Array.from({ length: 30 }, (_, i) => `e${String(i).padStart(2, '0')}`);
const reviewerOf = (i: number) => (i < 10 ? 'rev-a' : 'rev-b');
const drafts = (): StoredEvaluation[] =>
  people.map((id, i) => ({ ...draft(id, 'u1'), reviewerId: reviewerOf(i), approverId: 'head' }));

describe('opening drafts: plain Puts, rosters, one count per unit', () => {
  let t: TestTable;
  beforeEach(async () => {
    t = await freshTable('open-drafts');
  });

  const put = (item: Record<string, unknown>) =>
    t.db.doc.send(new PutCommand({ TableName: t.db.tableName, Item: item }));

  it('lists the drafts for their reviewer and approver, counts them once and implies their opening', async () => {
    expect(await t.store.evaluations.createDrafts('u1', PERIOD, drafts(), [], true)).toBe(30);
    expect((await t.store.evaluations.listByReviewer('rev-a', PERIOD)).map((e) => e.employeeId)).toEqual(
      people.slice(0, 10),
    );
    expect(await t.store.evaluations.listByApprover('head', PERIOD)).toHaveLength(30);
    expect(await t.store.evaluations.unitCounters('u1', PERIOD)).toMatchObject({
      evaluated: 30,
      outstanding: true,
      status: { DRAFT: 30 },
    });
    const [opening, ...rest] = await t.store.evaluations.history('e00', PERIOD);
    expect(rest).toEqual([]);
    expect(opening).toMatchObject({
      version: 1,
      action: 'open',
      actorId: 'system',
      toStatus: 'DRAFT',
      changes: { reviewerId: 'rev-a', approverId: 'head' },
    });
    // In no index: the unit lists them from its roster, by key, in employee order, with only what is asked.
    const { Item } = await t.db.doc.send(
      new GetCommand({ TableName: t.db.tableName, Key: { pk: 'EMP#e00', sk: `EVAL#${PERIOD}` } }),
    );
    expect(Object.keys(Item ?? {}).filter((name) => name.startsWith('gsi'))).toEqual([]);
    const rows = await t.store.evaluations.rankingRows('u1', PERIOD);
    expect(rows.map((r) => r.employeeId)).toEqual(people);
    expect(rows[0]).toMatchObject({ employeeId: 'e00', status: 'DRAFT', selfAssessment: null, review: null });
    expect((await t.store.evaluations.reminderRows('u1', PERIOD))[0]).toMatchObject({ reviewerId: 'rev-a' });
    // A rerun writes nothing and counts nothing again.
    const existing = await t.store.evaluations.listByUnit('u1', PERIOD);
    expect(existing.map((e) => e.employeeId)).toEqual(people);
    expect(await t.store.evaluations.createDrafts('u1', PERIOD, drafts(), existing, true)).toBe(0);
    expect(await t.store.evaluations.unitCounters('u1', PERIOD)).toMatchObject({ evaluated: 30 });
    const report = await checkInvariants(t.db);
    expect(report.violations).toMatchObject({
      statusCounters: [],
      rostersListThem: [],
      versionIsHistoryLength: [],
    });
  });

  it('a crash after the Puts, before the rosters and the count: the rerun lists and counts them once', async () => {
    // What the first run left: the drafts, written as it writes them, and nothing else.
    for (const d of drafts().slice(0, 20)) await put(evaluationItem({ ...d, rostered: true }));
    expect(await t.store.evaluations.listByReviewer('rev-a', PERIOD)).toEqual([]);
    // The rerun may not see them in the unit's index yet (eventually consistent): it passes none as existing.
    expect(await t.store.evaluations.createDrafts('u1', PERIOD, drafts(), [], false)).toBe(10);
    expect(await t.store.evaluations.listByReviewer('rev-a', PERIOD)).toHaveLength(10);
    expect(await t.store.evaluations.unitCounters('u1', PERIOD)).toMatchObject({
      evaluated: 30,
      status: { DRAFT: 30 },
    });
    const report = await checkInvariants(t.db);
    expect(report.violations).toMatchObject({ statusCounters: [], rostersListThem: [] });
  });

  it('two openers of the same unit at the same moment count each draft once', async () => {
    const results = await Promise.all([
      t.store.evaluations.createDrafts('u1', PERIOD, drafts(), [], false),
      t.store.evaluations.createDrafts('u1', PERIOD, drafts(), [], false),
      t.store.evaluations.createDrafts('u1', PERIOD, drafts().reverse(), [], false),
    ]);
    expect(results.reduce((a, b) => a + b, 0)).toBe(30);
    expect(await t.store.evaluations.unitCounters('u1', PERIOD)).toMatchObject({
      evaluated: 30,
      status: { DRAFT: 30 },
    });
    expect((await checkInvariants(t.db)).violations.statusCounters).toEqual([]);
  });

  it('a draft submitted before its unit counted it is counted as a draft that moved on', async () => {
    const [first] = drafts();
    if (!first) throw new Error('no draft');
    await put(evaluationItem({ ...first, rostered: true }));
    const read = await t.store.evaluations.get(first.employeeId, PERIOD);
    if (!read) throw new Error('draft not written');
    const submitted: StoredEvaluation = { ...read, status: 'SUBMITTED', version: 2 };
    const event = {
      employeeId: first.employeeId,
      period: PERIOD,
      version: 2,
      at: read.createdAt,
      actorId: first.employeeId,
      action: 'submit',
      fromStatus: 'DRAFT' as const,
      toStatus: 'SUBMITTED' as const,
      comment: null,
      changes: null,
    };
    expect(
      await t.store.evaluations.writeTransition({
        previous: read,
        next: submitted,
        event,
        gradeChange: null,
        guard: null,
      }),
    ).toBe('written');
    await t.store.evaluations.createDrafts('u1', PERIOD, drafts(), [], false);
    expect(await t.store.evaluations.unitCounters('u1', PERIOD)).toMatchObject({
      evaluated: 30,
      status: { DRAFT: 29, SUBMITTED: 1 },
    });
    expect((await t.store.evaluations.history(first.employeeId, PERIOD)).map((h) => h.action)).toEqual([
      'open',
      'submit',
    ]);
  });

  it('drafts the previous design opened stay listed once and are not counted again', async () => {
    // Written the old way: gsi4/gsi5 keys, counted in their own transaction (here: counters as it left them).
    const old = drafts().slice(0, 5);
    for (const d of old) await put(evaluationItem(d));
    await put({
      pk: 'UNIT#u1',
      sk: `PERIOD#${PERIOD}`,
      gsi1pk: `PERIOD_UNITS#${PERIOD}`,
      gsi1sk: 'u1',
      entityType: 'UnitPeriod',
      unitId: 'u1',
      period: PERIOD,
      outstanding: false,
      evaluated: 5,
      n_DRAFT: 5,
    });
    const existing = await t.store.evaluations.listByUnit('u1', PERIOD);
    expect(existing).toHaveLength(5);
    expect(await t.store.evaluations.createDrafts('u1', PERIOD, drafts(), existing, false)).toBe(25);
    expect(await t.store.evaluations.unitCounters('u1', PERIOD)).toMatchObject({
      evaluated: 30,
      status: { DRAFT: 30 },
    });
    expect(await t.store.evaluations.listByApprover('head', PERIOD)).toHaveLength(30);
    expect((await t.store.evaluations.listByReviewer('rev-a', PERIOD)).map((e) => e.employeeId)).toEqual(
      people.slice(0, 10),
    );
    // The old counters are still listed on gsi1 (their unit has no record here, so only the index knows them).
    expect(await t.store.evaluations.periodCounters(PERIOD)).toMatchObject([
      { unitId: 'u1', evaluated: 30, status: { DRAFT: 30 } },
    ]);
  });

  it('a draft the first rostered release opened (still in gsi3) is listed once, by key', async () => {
    await t.store.evaluations.createDrafts('u1', PERIOD, drafts(), [], false);
    await t.db.doc.send(
      new UpdateCommand({
        TableName: t.db.tableName,
        Key: { pk: 'EMP#e03', sk: `EVAL#${PERIOD}` },
        UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk, employeeName = :stale',
        ExpressionAttributeValues: {
          ':pk': `UNIT_EVALS#u1#${PERIOD}`,
          ':sk': 'e03',
          ':stale': 'as the index has it',
        },
      }),
    );
    await t.db.doc.send(
      new UpdateCommand({
        TableName: t.db.tableName,
        Key: { pk: 'EMP#e03', sk: `EVAL#${PERIOD}` },
        UpdateExpression: 'SET employeeName = :now',
        ExpressionAttributeValues: { ':now': 'as the table has it' },
      }),
    );
    const listed = await t.store.evaluations.listByUnit('u1', PERIOD);
    expect(listed.map((e) => e.employeeId)).toEqual(people);
    expect(listed.find((e) => e.employeeId === 'e03')?.employeeName).toBe('as the table has it');
  });

  it('counters opened since 2026-12 are in no index and are read by key for every unit', async () => {
    for (const id of ['u1', 'u2', 'u3'])
      await put(
        unitItem({ id, name: id, parentId: null, outstanding: false, updatedAt: '2026-11-01T00:00:00Z' }),
      );
    await t.store.evaluations.createDrafts('u1', PERIOD, drafts(), [], false);
    await t.store.evaluations.createDrafts('u3', PERIOD, [{ ...draft('z1', 'u3') }], [], false);
    const { Item } = await t.db.doc.send(
      new GetCommand({ TableName: t.db.tableName, Key: { pk: 'UNIT#u1', sk: `PERIOD#${PERIOD}` } }),
    );
    expect(Item).toMatchObject({ evaluated: 30 });
    expect(Item?.gsi1pk).toBeUndefined();
    const all = await t.store.evaluations.periodCounters(PERIOD);
    expect(all.map((c) => [c.unitId, c.evaluated])).toEqual([
      ['u1', 30],
      ['u3', 1],
    ]);
    expect((await t.store.evaluations.periodCounters(PERIOD, ['u3'])).map((c) => c.unitId)).toEqual(['u3']);
  });
});
