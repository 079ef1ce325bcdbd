/**
 * Job runs and their checkpoints.
 *
 * - The run record (`keys.checkpoint(job, scope)`; scope is a period, a year or a day) names the current run of a
 *   job for that scope: its id, what triggered it, its reference time `at` (e.g. the rankings' computedAt, kept
 *   when the run resumes, so a resumed run writes exactly what an uninterrupted one would), RUNNING/DONE and, once
 *   done, its summary. Steps never write it: a run's steps finish side by side without a shared counter to fight
 *   over (a counter item written by every step serialised the fan-out).
 * - One step record per finished step (`keys.jobStep`), with the step's result; the finaliser reads them all (one
 *   Query) and nothing else. A step without outputs writes its record only if absent (a redelivery counts nothing
 *   twice), a call's records in one transaction. A step with outputs (a unit's ranking snapshot) needs no
 *   transaction for its record and output never to disagree: each output item carries the step's result (or the
 *   part of it the output stands for, `carried`: a ranking's own figures) in `stepResult`, and is put on its own
 *   only over an older computation (`computedAt` before the run's time); the record is written after it. A step
 *   redone (a duplicate delivery, a redo after a crash between the output and the record) finds its computation's
 *   output in place, leaves it, and records the result that output carries, only if absent: on data changed
 *   meanwhile too, the record is the output's. An output a newer computation stored (an appeal's recomputation, a
 *   later run) is left alone and the step recorded with its own result, only if absent.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut } from './batch.ts';
import type { Db } from './client.ts';
import { conditionHeld } from './conditional-write.ts';
import { decode, type RankingSnapshot, runSchema, type StoredRun, stepRecordSchema } from './entities.ts';
import { keys } from './keys.ts';
import { queryPages } from './query.ts';
import { rankingItem } from './ranking-store.ts';

/** What a step writes together with its checkpoint. */
export type StepOutput = { kind: 'ranking'; snapshot: RankingSnapshot };

export interface RunRef {
  job: string;
  scope: string;
  runId: string;
  at: string;
}

export type StepOutcome = 'completed' | 'already';

/** Step records outlive any resume by far; DynamoDB's TTL removes them afterwards. */
const STEP_TTL_SECONDS = 40 * 24 * 3600;
const MAX_CONFLICT_RETRIES = 10;

const expiresAt = (from: Date, seconds: number) => Math.floor(from.getTime() / 1000) + seconds;
const toRun = (item: Record<string, unknown>) => decode(runSchema, item, 'job run');

/** The attribute of an output item that carries its step's result (no reader of the output decodes it). */
export const STEP_RESULT_ATTRIBUTE = 'stepResult';

export function runStore(db: Db) {
  const stepItem = (run: RunRef, step: string, result: unknown, now: Date) => ({
    ...keys.jobStep(run.job, run.scope, run.runId, step),
    job: run.job,
    scope: run.scope,
    runId: run.runId,
    step,
    result,
    at: now.toISOString(),
    expiresAt: expiresAt(now, STEP_TTL_SECONDS),
  });

  /**
   * Puts one output carrying its step's result, unless the stored item is this computation's already (`computedAt`
   * the run's time: then its result is returned, the one the step must record) or a newer computation's.
   */
  const putOutput = async (
    run: RunRef,
    output: StepOutput,
    result: unknown,
  ): Promise<{ kind: 'written' } | { kind: 'found'; result: unknown } | { kind: 'superseded' }> => {
    const item = { ...rankingItem(output.snapshot), [STEP_RESULT_ATTRIBUTE]: result };
    const written = await conditionHeld(
      db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR computedAt < :at',
          ExpressionAttributeValues: { ':at': run.at },
        }),
      ),
    );
    if (written) return { kind: 'written' };
    // Rare (a redelivery, a redo after a crash, a newer computation): read what is there.
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: item.pk, sk: item.sk },
        ConsistentRead: true,
        ProjectionExpression: '#at, #result',
        ExpressionAttributeNames: { '#at': 'computedAt', '#result': STEP_RESULT_ATTRIBUTE },
      }),
    );
    if (Item?.computedAt === run.at && Item[STEP_RESULT_ATTRIBUTE] !== undefined)
      return { kind: 'found', result: Item[STEP_RESULT_ATTRIBUTE] };
    return { kind: 'superseded' };
  };

  /**
   * Each step's record only if absent, all or nothing (retried without those already there): a redelivered step
   * counts nothing twice. The caller keeps a call within a transaction's 100 items and 4 MB.
   */
  const recordOnce = async (
    run: RunRef,
    steps: readonly { step: string; result: unknown }[],
    now: Date,
  ): Promise<Map<string, StepOutcome>> => {
    const outcomes = new Map<string, StepOutcome>();
    let pending = [...steps];
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        await db.doc.send(
          new TransactWriteCommand({
            TransactItems: pending.map(({ step, result }) => ({
              Put: {
                TableName: db.tableName,
                Item: stepItem(run, step, result, now),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
          }),
        );
        for (const { step } of pending) outcomes.set(step, 'completed');
        return outcomes;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const already = new Set(
          reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [pending[i]?.step ?? ''] : [])),
        );
        if (already.size > 0) {
          for (const step of already) outcomes.set(step, 'already');
          pending = pending.filter((p) => !already.has(p.step));
          continue;
        }
        if (attempt >= MAX_CONFLICT_RETRIES || !reasons.some((r) => r.Code === 'TransactionConflict'))
          throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** Math.min(attempt, 6)));
      }
    }
    return outcomes;
  };

  return {
    async get(job: string, scope: string): Promise<StoredRun | null> {
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.checkpointKey(job, scope),
          ConsistentRead: true,
        }),
      );
      return Item ? toRun(Item) : null;
    },

    /**
     * Makes `run` the current run of its job and scope: when none exists (`previousRunId` null) or when the current
     * one is still `previousRunId`. False when another starter won the race.
     */
    async replace(run: StoredRun, previousRunId: string | null, ttlSeconds?: number): Promise<boolean> {
      return conditionHeld(
        db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: {
              ...keys.checkpoint(run.job, run.scope),
              ...run,
              ...(ttlSeconds ? { expiresAt: expiresAt(new Date(run.at), ttlSeconds) } : {}),
            },
            ConditionExpression: previousRunId === null ? 'attribute_not_exists(pk)' : 'runId = :previous',
            ExpressionAttributeValues: previousRunId === null ? undefined : { ':previous': previousRunId },
          }),
        ),
      );
    },

    /** RUNNING → DONE with the summary; false when the run is no longer the current unfinished one. */
    async finish(run: RunRef, summary: Record<string, unknown>, finishedAt: string): Promise<boolean> {
      return conditionHeld(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.checkpointKey(run.job, run.scope),
            UpdateExpression: 'SET #status = :done, finishedAt = :at, summary = :summary',
            ConditionExpression: 'runId = :runId AND #status = :running',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':done': 'DONE',
              ':running': 'RUNNING',
              ':runId': run.runId,
              ':at': finishedAt,
              ':summary': summary,
            },
          }),
        ),
      );
    },

    async getStep(run: RunRef, step: string): Promise<unknown> {
      const k = keys.jobStep(run.job, run.scope, run.runId, step);
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: { pk: k.pk, sk: k.sk }, ConsistentRead: true }),
      );
      return Item ? decode(stepRecordSchema, Item, 'job step').result : null;
    },

    /** Every finished step of the run with its checkpointed result (one Query, paged). */
    async listSteps(run: RunRef): Promise<Map<string, unknown>> {
      const spec = keys.jobSteps(run.job, run.scope, run.runId);
      const steps = new Map<string, unknown>();
      for await (const page of queryPages(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true })) {
        for (const item of page) {
          const step = decode(stepRecordSchema, item, 'job step');
          steps.set(step.step, step.result);
        }
      }
      return steps;
    },

    /**
     * Records finished steps with their outputs (see the header): first each output, carrying the part of its
     * step's result it stands for (`carried`; the whole result when not given), then the steps' records. A step
     * whose output was written here is recorded in a plain batch (no earlier record can exist: its output would
     * be in place); one whose output was found in place from an earlier delivery of the same computation is
     * recorded, only if absent, with the carried part taken from that output; one whose outputs were all
     * superseded, or that has none, only if absent. 'already': the record was there.
     * The caller keeps a call within a transaction's 100 items and 4 MB.
     */
    async completeSteps(
      run: RunRef,
      steps: readonly (readonly [
        string,
        { result: unknown; outputs?: readonly StepOutput[]; carried?: Record<string, unknown> },
      ])[],
      now: Date,
    ): Promise<Map<string, StepOutcome>> {
      const outcomes = new Map<string, StepOutcome>();
      const plain: { step: string; result: unknown }[] = [];
      const once: { step: string; result: unknown }[] = [];
      await Promise.all(
        steps.map(async ([step, { result, outputs = [], carried }]) => {
          if (outputs.length === 0) return void once.push({ step, result });
          let found: { carried: unknown } | null = null;
          let written = false;
          for (const output of outputs) {
            const put = await putOutput(run, output, found ? found.carried : (carried ?? result));
            if (put.kind === 'found') found ??= { carried: put.result };
            if (put.kind === 'written') written = true;
          }
          if (found) {
            const record =
              carried && typeof result === 'object' && result !== null && typeof found.carried === 'object'
                ? { ...result, ...found.carried }
                : found.carried;
            once.push({ step, result: record });
          } else if (written) plain.push({ step, result });
          else once.push({ step, result });
        }),
      );
      await batchPut(
        db,
        plain.map(({ step, result }) => stepItem(run, step, result, now)),
      );
      for (const { step } of plain) outcomes.set(step, 'completed');
      if (once.length > 0)
        for (const [step, outcome] of await recordOnce(run, once, now)) outcomes.set(step, outcome);
      return outcomes;
    },
  };
}

export type RunStore = ReturnType<typeof runStore>;
