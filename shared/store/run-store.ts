/**
 * Job runs and their checkpoints.
 *
 * - The run record (`keys.checkpoint(job, scope)`; scope is a period, a year or a day) names the current run of a
 *   job for that scope: its id, what triggered it, its reference time `at` (e.g. the rankings' computedAt, kept
 *   when the run resumes, so a resumed run writes exactly what an uninterrupted one would), RUNNING/DONE and, once
 *   done, its summary. Steps never write it: a run's steps finish side by side without a shared counter to fight
 *   over (a counter item written by every step serialised the fan-out).
 * - One step record per finished step (`keys.jobStep`), written only if absent, in the same transaction as the
 *   step's output, so a step redone after a crash, or delivered twice by SQS, is counted once and its output can
 *   never be separated from its checkpoint. An output is written only if no newer computation stored one
 *   (`computedAt` not after the run's time): a leftover step of a superseded run writes nothing that matters.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
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

export function runStore(db: Db) {
  const outputItem = (output: StepOutput, run: RunRef) => {
    const item = rankingItem(output.snapshot);
    return {
      Put: {
        TableName: db.tableName,
        Item: item,
        // A newer computation (a later run, a recomputation after an appeal) is never overwritten by an older one.
        ConditionExpression: 'attribute_not_exists(pk) OR computedAt <= :at',
        ExpressionAttributeValues: { ':at': run.at },
      },
    };
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
      try {
        await db.doc.send(
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
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    /** RUNNING → DONE with the summary; false when the run is no longer the current unfinished one. */
    async finish(run: RunRef, summary: Record<string, unknown>, finishedAt: string): Promise<boolean> {
      try {
        await db.doc.send(
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
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
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
     * Records finished steps: each step's checkpoint (only if absent) with its outputs, all or nothing. A step
     * checkpointed before (a redelivery, a redo after a crash) is dropped with its outputs and the others are
     * recorded without it; an output a newer computation superseded is dropped and its step still recorded.
     * The caller keeps a call within a transaction's 100 items and 4 MB.
     */
    async completeSteps(
      run: RunRef,
      steps: readonly (readonly [string, { result: unknown; outputs?: readonly StepOutput[] }])[],
      now: Date,
    ): Promise<Map<string, StepOutcome>> {
      const outcomes = new Map<string, StepOutcome>();
      let pending = steps.map(([step, work]) => ({
        step,
        result: work.result,
        outputs: [...(work.outputs ?? [])],
      }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        const owners: { step: string; output: number | null }[] = [];
        const transactItems: NonNullable<
          ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
        > = [];
        for (const { step, result, outputs } of pending) {
          owners.push({ step, output: null });
          transactItems.push({
            Put: {
              TableName: db.tableName,
              Item: {
                ...keys.jobStep(run.job, run.scope, run.runId, step),
                job: run.job,
                scope: run.scope,
                runId: run.runId,
                step,
                result,
                at: now.toISOString(),
                expiresAt: expiresAt(now, STEP_TTL_SECONDS),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          });
          outputs.forEach((output, i) => {
            owners.push({ step, output: i });
            transactItems.push(outputItem(output, run));
          });
        }
        try {
          await db.doc.send(new TransactWriteCommand({ TransactItems: transactItems }));
          for (const { step } of pending) outcomes.set(step, 'completed');
          return outcomes;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          const failed = reasons.flatMap((r, i) =>
            r.Code === 'ConditionalCheckFailed' && owners[i] ? [owners[i]] : [],
          );
          if (failed.length > 0) {
            const already = new Set(failed.filter((f) => f.output === null).map((f) => f.step));
            for (const step of already) outcomes.set(step, 'already');
            pending = pending
              .filter((p) => !already.has(p.step))
              .map((p) => ({
                ...p,
                outputs: p.outputs.filter((_, i) => !failed.some((f) => f.step === p.step && f.output === i)),
              }));
            continue;
          }
          if (attempt >= MAX_CONFLICT_RETRIES || !reasons.some((r) => r.Code === 'TransactionConflict'))
            throw error;
          await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** Math.min(attempt, 6)));
        }
      }
      return outcomes;
    },
  };
}

export type RunStore = ReturnType<typeof runStore>;
