/**
 * compute-rankings on a small generated city (DynamoDB Local, no mocks): rankings as the rules engine ranks,
 * reruns that change nothing, crashes that resume to exactly the uninterrupted result, and SQS-style delivery
 * (duplicated, shuffled messages, the finalisation checked before the last units are done) that lands on it too.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { startComputeRankings } from '../../../shared/app/jobs/compute-rankings.ts';
import { noMailer } from '../../../shared/app/jobs/outbox.ts';
import { handleMessage } from '../../../shared/app/jobs/registry.ts';
import { runJobInline } from '../../../shared/app/jobs/runner.ts';
import {
  type FanOut,
  type JobContext,
  type StepMessage,
  UNLIMITED_BUDGET,
} from '../../../shared/app/jobs/types.ts';
import { rankUnit } from '../../../shared/domain/rankings.ts';
import type { Db } from '../../../shared/store/client.ts';
import { keys } from '../../../shared/store/keys.ts';
import type { Store } from '../../../shared/store/store.ts';
import { freshTable } from '../../support/table.ts';
import {
  crashAfter,
  domainOnly,
  dump,
  InjectedCrash,
  type Item,
  ofType,
  type SmallCity,
  smallCity,
  writeCity,
} from './support.ts';

const PERIOD = '2026-03';
const T = new Date('2026-04-02T01:00:00.000+07:00');
const rankings = ofType('RankingSnapshot', 'SubunitRankingSnapshot');

let city: SmallCity;
let uninterrupted: Item[];

beforeAll(async () => {
  city = await smallCity('rank', { staff: 320, units: 40, lastPeriod: PERIOD });
  await runJobInline(city.store, 'compute-rankings', { now: T });
  uninterrupted = await dump(city.db, rankings);
});

/** How many units the current run has checkpointed. */
async function unitsDone(store: Store): Promise<number> {
  const run = await store.runs.get('compute-rankings', PERIOD);
  return run ? (await store.runs.listSteps(run)).size : 0;
}

/**
 * The same city in a table of its own, never ranked: a run at T there must store exactly the uninterrupted result
 * (here a later run has ranked at a later time, and an older run never overwrites a newer one's snapshots).
 */
async function twin(label: string): Promise<{ db: Db; store: Store }> {
  const table = await freshTable(label);
  await writeCity(table.store, city.city);
  return table;
}

describe('compute-rankings', () => {
  it('stores a snapshot per unit and a league table per parent; a new run at the same time stores the same', async () => {
    expect(uninterrupted.filter(ofType('RankingSnapshot'))).toHaveLength(city.city.units.length);
    const parents = new Set(city.city.units.map((u) => u.parentId).filter((p) => p !== null));
    expect(uninterrupted.filter(ofType('SubunitRankingSnapshot'))).toHaveLength(parents.size);
    // What the API starts ("compute now") is a fresh run of this very job: over the same data at the same time it
    // writes identical items, one unit per step this time.
    await runJobInline(city.store, 'compute-rankings', { now: T, fresh: true, concurrency: 1 });
    expect(await dump(city.db, rankings)).toEqual(uninterrupted);
  });

  it('agrees with the rules engine on every unit, and sums sub-trees up to the root', async () => {
    let approvedEverywhere = 0;
    for (const unit of city.city.units) {
      const evaluations = await city.store.evaluations.listByUnit(unit.id, PERIOD);
      const expected = rankUnit(
        evaluations.map((e) => ({
          employeeId: e.employeeId,
          name: e.employeeName,
          status: e.status,
          total: e.status === 'APPROVED' ? (e.decision?.total ?? null) : null,
          grade: e.status === 'APPROVED' ? (e.decision?.grade ?? null) : null,
          flags: e.flags,
          selfTotal: e.selfAssessment?.submittedAt ? e.selfAssessment.total : null,
          reviewTotal: e.review?.total ?? null,
        })),
      );
      const stored = await city.store.rankings.get(unit.id, PERIOD);
      expect(stored?.entries).toEqual(expected.entries);
      expect(stored?.distribution).toEqual(expected.distribution);
      expect(stored?.participation).toEqual(expected.participation);
      expect(stored?.computedAt).toBe(T.toISOString());
      approvedEverywhere += expected.entries.length;
    }
    const root = await city.store.rankings.get('tp', PERIOD);
    expect(root?.subtree.approved).toBe(approvedEverywhere);
    const league = await city.store.rankings.getSubunit('tp', PERIOD);
    expect(league?.entries.map((e) => e.rank)[0]).toBe(1);
    expect(league?.entries.length).toBe(city.city.units.filter((u) => u.parentId === 'tp').length);
  });

  it('does nothing for a repeated delivery of the same schedule', async () => {
    const trigger = { kind: 'scheduled', id: '2026-04-01T18:00:00Z' } as const;
    const first = await runJobInline(city.store, 'compute-rankings', { now: T, trigger });
    expect(first.runs[0]?.state).toBe('new');
    const before = await dump(city.db);
    const again = await runJobInline(city.store, 'compute-rankings', { now: new Date(), trigger });
    expect(again.runs[0]?.state).toBe('done');
    expect(await dump(city.db)).toEqual(before);
  });

  it('a later run recomputes: the same snapshots but for the time they were computed', async () => {
    const later = new Date(T.getTime() + 86_400_000);
    const report = await runJobInline(city.store, 'compute-rankings', { now: later });
    expect(report.runs[0]?.state).toBe('new');
    const strip = (items: Item[]) => items.map(({ computedAt: _c, ...rest }) => rest);
    const now = await dump(city.db, rankings);
    expect(strip(now)).toEqual(strip(uninterrupted));
    expect(now.every((i) => i.computedAt === later.toISOString())).toBe(true);
  });

  for (const point of ['checkpointed', 'work-done'] as const) {
    it(`crashes after 5 units (${point}), resumes, and stores exactly the uninterrupted result`, async () => {
      const { db, store } = await twin(`rank-crash-${point}`);
      const crashing = runJobInline(store, 'compute-rankings', {
        now: T,
        fresh: true,
        // One step at a time: the crash leaves exactly the steps before it (small units go 16 to a step).
        concurrency: 1,
        fault: crashAfter(5, point),
      });
      await expect(crashing).rejects.toBeInstanceOf(InjectedCrash);
      const run = await store.runs.get('compute-rankings', PERIOD);
      expect(run?.status).toBe('RUNNING');
      expect(await unitsDone(store)).toBe(point === 'checkpointed' ? 16 : 0);
      // Resumed later, by a plain manual run: the run keeps its time, skips what was checkpointed.
      const resumed = await runJobInline(store, 'compute-rankings', { now: new Date() });
      expect(resumed.runs[0]?.state).toBe('resumed');
      expect(resumed.runs[0]?.status).toBe('DONE');
      expect(await unitsDone(store)).toBe(city.city.units.length);
      expect(await dump(db, rankings)).toEqual(uninterrupted);
    });
  }

  it("crashes between units' outputs and their records, the data changes, resumes: the records are the outputs'", async () => {
    const { db, store } = await twin('rank-output-no-record');
    await expect(
      runJobInline(store, 'compute-rankings', {
        now: T,
        fresh: true,
        concurrency: 1,
        fault: crashAfter(5, 'checkpointed'),
      }),
    ).rejects.toBeInstanceOf(InjectedCrash);
    const run = await store.runs.get('compute-rankings', PERIOD);
    if (!run) throw new Error('no run');
    // The crash came after the first step's outputs and before their records: take the records away.
    const recorded = [...(await store.runs.listSteps(run)).keys()];
    expect(recorded).toHaveLength(16);
    for (const step of recorded) {
      const k = keys.jobStep(run.job, run.scope, run.runId, step);
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { pk: k.pk, sk: k.sk } }));
    }
    expect(await unitsDone(store)).toBe(0);
    // Meanwhile an approved total changes in one of those units (a redo would now rank it differently).
    const unitId = recorded[0]?.slice('unit#'.length) ?? '';
    const approved = (await store.evaluations.listByUnit(unitId, PERIOD)).find(
      (e) => e.status === 'APPROVED',
    );
    if (!approved) throw new Error(`no approved evaluation in ${unitId}`);
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.evaluationKey(approved.employeeId, PERIOD),
        UpdateExpression: 'SET decision.#total = decision.#total - :one',
        ExpressionAttributeNames: { '#total': 'total' },
        ExpressionAttributeValues: { ':one': 100 },
      }),
    );
    const resumed = await runJobInline(store, 'compute-rankings', { now: new Date() });
    expect(resumed.runs[0]?.status).toBe('DONE');
    // Each redone step recorded what its output holds, not what the changed data gave: the stored rankings,
    // the subtree sums and the league tables up to the root are exactly the uninterrupted ones.
    const steps = await store.runs.listSteps(run);
    for (const item of (await dump(db, ofType('RankingSnapshot'))).filter((i) => i.computedAt === run.at))
      expect(steps.get(`unit#${String(item.unitId)}`)).toEqual({
        own: (item.stepResult as { own: unknown }).own,
        stored: true,
      });
    expect(await dump(db, rankings)).toEqual(uninterrupted);
  });

  it('records only the new units of a message that overlaps units already checkpointed', async () => {
    const { db, store } = await twin('rank-overlap');
    const sent: StepMessage[] = [];
    const ctx: JobContext = {
      store,
      now: T,
      trigger: { kind: 'manual', fresh: true },
      fanOut: { kind: 'sqs', send: async (messages) => void sent.push(...messages) },
      mailer: noMailer,
      budget: UNLIMITED_BUDGET,
      concurrency: 4,
      log: () => undefined,
    };
    await startComputeRankings(ctx, PERIOD);
    const started = sent.splice(0);
    const check = started.find((m) => m.step === 'finalize');
    const [first, second, ...rest] = started.filter((m) => m.step === 'units');
    if (!first?.units || !second?.units || !check) throw new Error('expected several steps and a check');
    await handleMessage(ctx, first);
    // A leftover from another grouping: one unit done already, one not.
    await handleMessage(ctx, { ...first, units: [first.units[0] ?? '', second.units[0] ?? ''] });
    expect(await unitsDone(store)).toBe(first.units.length + 1);
    // The finalisation checked too early finds units to do: it looks again later and finalises nothing yet.
    await handleMessage(ctx, check);
    expect(sent.splice(0)).toEqual([{ ...check, check: 1 }]);
    expect((await store.runs.get('compute-rankings', PERIOD))?.status).toBe('RUNNING');
    await handleMessage(ctx, second);
    for (const message of rest) await handleMessage(ctx, message);
    expect(await unitsDone(store)).toBe(city.city.units.length);
    await handleMessage(ctx, { ...check, check: 1 });
    expect(sent).toEqual([]);
    expect((await store.runs.get('compute-rankings', PERIOD))?.status).toBe('DONE');
    expect(await dump(db, rankings)).toEqual(uninterrupted);
  });

  it('lands on the same result when SQS delivers every message twice, in any order', async () => {
    const { db, store } = await twin('rank-sqs');
    const sent: StepMessage[] = [];
    const recording: FanOut = { kind: 'sqs', send: async (messages) => void sent.push(...messages) };
    const ctx: JobContext = {
      store,
      now: T,
      trigger: { kind: 'manual', fresh: true },
      fanOut: recording,
      mailer: noMailer,
      budget: UNLIMITED_BUDGET,
      concurrency: 4,
      log: () => undefined,
    };
    await startComputeRankings(ctx, PERIOD);
    // A deterministic shuffle, every message twice; new messages (the finalisation) join the queue as sent.
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    let delivered = 0;
    while (sent.length > 0) {
      const i = Math.floor(random() * sent.length);
      const [message] = sent.splice(i, 1);
      if (!message) continue;
      await handleMessage({ ...ctx, now: new Date() }, message);
      if (delivered++ % 2 === 0) await handleMessage({ ...ctx, now: new Date() }, message);
    }
    expect((await store.runs.get('compute-rankings', PERIOD))?.status).toBe('DONE');
    expect(await dump(db, rankings)).toEqual(uninterrupted);
    expect((await dump(db, domainOnly)).length).toBeGreaterThan(0);
  });
});
