/**
 * reopen-period on a small generated city closed at its close time: every form the close expired comes back to
 * the status it had, counters and rankings follow, the period is open; exactly the same when the run crashes
 * half-way and resumes a day later, when ten runs race, and for forms expired before `expiredFrom` was recorded
 * (their history says what they were).
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import { deadlinesFor } from '../../../shared/domain/calendar.ts';
import type { Db } from '../../../shared/store/client.ts';
import type { Store } from '../../../shared/store/store.ts';
import { freshTable } from '../../support/table.ts';
import {
  crashAfter,
  dump,
  InjectedCrash,
  type Item,
  ofType,
  type SmallCity,
  smallCity,
  writeCity,
} from './support.ts';

const PERIOD = '2026-03';
const CLOSES = new Date(deadlinesFor(PERIOD).closesAt);
const REOPEN_AT = new Date(CLOSES.getTime() + 3_600_000);
const DAY = 86_400_000;
const DEADLINES = {
  selfAssessment: new Date(REOPEN_AT.getTime() + 2 * DAY).toISOString(),
  review: new Date(REOPEN_AT.getTime() + 4 * DAY).toISOString(),
  approval: new Date(REOPEN_AT.getTime() + 6 * DAY).toISOString(),
};
const reopened = ofType(
  'Period',
  'Evaluation',
  'HistoryEvent',
  'UnitPeriod',
  'RankingSnapshot',
  'SubunitRankingSnapshot',
);

let base: SmallCity;
let before: Map<string, { status: unknown; returnedTo: unknown }>;
let uninterrupted: Item[];

/** The city closed at its close time, then reopened by an admin an hour later (the decision; the job follows). */
async function closedAndReopening(store: Store): Promise<void> {
  await runJobInline(store, 'close-period', { target: PERIOD, now: CLOSES });
  const record = await store.periods.get(PERIOD);
  const begun = await store.periods.beginReopening(
    PERIOD,
    {
      reopen: { by: 'admin', at: REOPEN_AT.toISOString(), reason: 'Đóng kỳ nhầm.' },
      deadlines: DEADLINES,
      closesAt: new Date(Date.parse(DEADLINES.approval) + 1).toISOString(),
      appealDeadline: record?.appealDeadline ?? '',
    },
    {
      at: REOPEN_AT.toISOString(),
      actorId: 'admin',
      action: 'reopen',
      entity: 'period',
      entityId: PERIOD,
      changes: { reason: 'Đóng kỳ nhầm.' },
    },
  );
  expect(begun).toBe(true);
}

async function twin(label: string): Promise<{ db: Db; store: Store }> {
  const table = await freshTable(label);
  await writeCity(table.store, base.city);
  await closedAndReopening(table.store);
  return table;
}

beforeAll(async () => {
  base = await smallCity('reopen', { staff: 220, units: 12, lastPeriod: PERIOD });
  before = new Map(
    (await dump(base.db, ofType('Evaluation'))).map((e) => [
      String(e.employeeId),
      { status: e.status, returnedTo: e.returnedTo },
    ]),
  );
  const reference = await twin('reopen-twin');
  await runJobInline(reference.store, 'reopen-period', { target: PERIOD, now: REOPEN_AT });
  uninterrupted = await dump(reference.db, reopened);
});

describe('reopen-period', () => {
  it('brings every expired form back to its status, with the new deadlines; approved ones stay; the period opens', async () => {
    await closedAndReopening(base.store);
    const expired = (await dump(base.db, ofType('Evaluation'))).filter((e) => e.status === 'EXPIRED');
    expect(expired.length).toBeGreaterThan(0);
    const report = await runJobInline(base.store, 'reopen-period', { target: PERIOD, now: REOPEN_AT });
    expect(report.runs[0]).toMatchObject({
      state: 'new',
      status: 'DONE',
      summary: { restored: expired.length, stillExpired: 0 },
    });
    const after = await dump(base.db, ofType('Evaluation'));
    for (const e of after) {
      expect({ id: e.employeeId, status: e.status, returnedTo: e.returnedTo }).toEqual({
        id: e.employeeId,
        ...before.get(String(e.employeeId)),
      });
      if (e.status !== 'APPROVED') expect(e.deadlines).toEqual(DEADLINES);
    }
    expect(await base.store.periods.get(PERIOD)).toMatchObject({ status: 'OPEN', publishedAt: null });
    const counters = await base.store.evaluations.periodCounters(PERIOD);
    expect(counters.reduce((n, c) => n + c.status.EXPIRED, 0)).toBe(0);
    for (const r of await dump(base.db, ofType('RankingSnapshot')))
      expect(r.computedAt).toBe(REOPEN_AT.toISOString());
    expect(await dump(base.db, reopened)).toEqual(uninterrupted);
    // Asked again: nothing to reopen, nothing changes.
    const again = await runJobInline(base.store, 'reopen-period', { target: PERIOD });
    expect(again.runs[0]).toMatchObject({ state: 'skipped' });
  });

  const crashes = [
    {
      name: "after a unit's forms are back and ranked, before its checkpoint",
      fault: crashAfter(3, 'work-done'),
    },
    { name: 'after a checkpoint', fault: crashAfter(4, 'checkpointed') },
  ];
  for (const crash of crashes) {
    it(`crashes ${crash.name}, resumes the next day, and stores exactly the uninterrupted reopening`, async () => {
      const { db, store } = await twin('reopen-crash');
      const crashing = runJobInline(store, 'reopen-period', {
        target: PERIOD,
        now: REOPEN_AT,
        concurrency: 1,
        fault: crash.fault,
      });
      await expect(crashing).rejects.toBeInstanceOf(InjectedCrash);
      expect((await store.periods.get(PERIOD))?.status).toBe('REOPENING');
      const resumed = await runJobInline(store, 'reopen-period', {
        now: new Date(REOPEN_AT.getTime() + DAY),
      });
      expect(resumed.runs[0]).toMatchObject({ state: 'resumed', status: 'DONE' });
      expect(await dump(db, reopened)).toEqual(uninterrupted);
    });
  }

  it('ten runs at once bring each form back once', async () => {
    const { db, store } = await twin('reopen-race');
    const runs = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        runJobInline(store, 'reopen-period', { target: PERIOD, now: REOPEN_AT }),
      ),
    );
    for (const r of runs) expect(r.status).toBe('fulfilled');
    expect(await dump(db, reopened)).toEqual(uninterrupted);
  });

  it('reads what a form expired before expiredFrom was recorded was from its history', async () => {
    const { db, store } = await twin('reopen-history');
    // Forms as an older close left them: no `expiredFrom`.
    const scan = await db.doc.send(new ScanCommand({ TableName: db.tableName, ConsistentRead: true }));
    const expired = (scan.Items ?? []).filter((i) => i.entityType === 'Evaluation' && i.status === 'EXPIRED');
    expect(expired.length).toBeGreaterThan(0);
    for (const e of expired)
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: { pk: e.pk, sk: e.sk },
          UpdateExpression: 'REMOVE expiredFrom',
        }),
      );
    await runJobInline(store, 'reopen-period', { target: PERIOD, now: REOPEN_AT });
    expect(await dump(db, reopened)).toEqual(uninterrupted);
  });
});
