/**
 * Runs and checkpoints, in the table.
 *
 * - The run record (`keys.checkpoint(job, scope)`; scope is a period, a year or a day) holds the current run of
 *   a job for that scope: its id, what triggered it, its reference time `at` (e.g. the rankings' computedAt,
 *   kept when the run resumes, so a resumed run writes exactly what an uninterrupted one would), RUNNING/DONE,
 *   and `total`/`done` counters used to notice the last step of a fanned-out run.
 * - One step record per finished step (`keys.jobStep`), written in the same transaction as `done += 1` and, where
 *   the step's output must not be separated from its checkpoint, the output itself. The step record is written
 *   only if absent, so a step redone after a crash, or delivered twice by SQS, is counted once.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client.ts';
import { keys } from '../store/keys.ts';
import { queryPages, stripKeys } from '../store/query.ts';
import type { JobContext, JobName, Trigger } from './types.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export type RunStatus = 'RUNNING' | 'DONE';

export interface Run {
  job: JobName;
  scope: string;
  runId: string;
  trigger: string;
  status: RunStatus;
  /** The run's reference time: what the job writes as computedAt, createdAt, etc. Unchanged on resume. */
  at: string;
  startedAt: string;
  total: number;
  done: number;
  finishedAt: string | null;
  summary: Record<string, unknown> | null;
}

/** Step records outlive any resume by far; DynamoDB's TTL removes them afterwards. */
const STEP_TTL_SECONDS = 40 * 24 * 3600;
const MAX_CONFLICT_RETRIES = 10;

const expiresAt = (from: Date, seconds: number) => Math.floor(from.getTime() / 1000) + seconds;

/** Every manual invocation is a trigger of its own; a schedule's retries share its scheduled time. */
export function triggerId(trigger: Trigger): string {
  return trigger.kind === 'scheduled' ? `scheduled:${trigger.id}` : `manual:${randomUUID()}`;
}

export async function getRun(db: Db, job: JobName, scope: string): Promise<Run | null> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.checkpointKey(job, scope), ConsistentRead: true }),
  );
  return Item ? (stripKeys(Item) as unknown as Run) : null;
}

export interface BeginOptions {
  job: JobName;
  scope: string;
  trigger: Trigger;
  now: Date;
  /**
   * A finished run of a repeatable job (rankings, annual results) is followed by a new one when a new trigger
   * comes (tomorrow's schedule, a manual run): its results reflect the data as it is then. A non-repeatable job
   * (opening, closing, the day's reminders) is done once per scope.
   */
  repeatable: boolean;
  /** Optional TTL for run records of short-lived scopes (a day's reminders). */
  ttlSeconds?: number;
}

/**
 * Starts a run or finds the one to continue:
 * - none yet → a new run;
 * - RUNNING → resume it, unless a new schedule of a repeatable job supersedes it;
 * - DONE → nothing to do for the same trigger or a non-repeatable job; a new run otherwise;
 * - a manual `fresh` trigger always starts a new run.
 * Two starters racing are serialised by a conditional put on the previous run id.
 */
export async function beginRun(
  db: Db,
  options: BeginOptions,
): Promise<{ run: Run; state: 'new' | 'resumed' | 'done' }> {
  const id = triggerId(options.trigger);
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getRun(db, options.job, options.scope);
    if (current) {
      const fresh = options.trigger.kind === 'manual' && options.trigger.fresh;
      if (!fresh && current.status === 'RUNNING') {
        const supersede =
          options.repeatable && options.trigger.kind === 'scheduled' && current.trigger !== id;
        if (!supersede) return { run: current, state: 'resumed' };
      }
      if (!fresh && current.status === 'DONE' && (current.trigger === id || !options.repeatable)) {
        return { run: current, state: 'done' };
      }
    }
    const at = options.now.toISOString();
    const run: Run = {
      job: options.job,
      scope: options.scope,
      runId: randomUUID(),
      trigger: id,
      status: 'RUNNING',
      at,
      startedAt: new Date().toISOString(),
      total: 0,
      done: 0,
      finishedAt: null,
      summary: null,
    };
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            ...keys.checkpoint(options.job, options.scope),
            ...run,
            ...(options.ttlSeconds ? { expiresAt: expiresAt(options.now, options.ttlSeconds) } : {}),
          },
          ConditionExpression: current ? 'runId = :previous' : 'attribute_not_exists(pk)',
          ExpressionAttributeValues: current ? { ':previous': current.runId } : undefined,
        }),
      );
      return { run, state: 'new' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Another starter won: look again and follow its run.
    }
  }
  throw new Error(`could not begin a run of ${options.job} for ${options.scope}`);
}

/** How many steps the run has; the step that brings `done` to it triggers the run's finalisation. */
/** What a step needs to know of its run; it travels in the step's message. */
export type RunRef = Pick<Run, 'job' | 'scope' | 'runId' | 'at'>;

export async function setTotal(db: Db, run: Run, total: number): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.checkpointKey(run.job, run.scope),
      UpdateExpression: 'SET #total = :total',
      ConditionExpression: 'runId = :runId',
      ExpressionAttributeNames: { '#total': 'total' },
      ExpressionAttributeValues: { ':total': total, ':runId': run.runId },
    }),
  );
}

/** Whether the run is still the current, unfinished run of its job and scope. */
export async function isCurrent(db: Db, run: RunRef): Promise<boolean> {
  const current = await getRun(db, run.job, run.scope);
  return current?.runId === run.runId && current.status === 'RUNNING';
}

export async function getStep<R>(db: Db, run: RunRef, step: string): Promise<R | null> {
  const k = keys.jobStep(run.job, run.scope, run.runId, step);
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: { pk: k.pk, sk: k.sk }, ConsistentRead: true }),
  );
  return Item ? (Item.result as R) : null;
}

/** Every finished step of the run with its checkpointed result (one Query, paged). */
export async function listSteps<R>(db: Db, run: Run): Promise<Map<string, R>> {
  const spec = keys.jobSteps(run.job, run.scope, run.runId);
  const steps = new Map<string, R>();
  for await (const page of queryPages(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true })) {
    for (const item of page) steps.set(String(item.step), item.result as R);
  }
  return steps;
}

export type StepOutcome = 'completed' | 'already' | 'stale';

export interface StepWork<R> {
  result: R;
  /** Writes that must land with the step's checkpoint, or not at all. */
  items?: readonly TransactItem[];
}

/**
 * Records finished steps: each step's checkpoint (only if absent) with its own writes, and `done += n` on the run
 * (only while this run is the current, unfinished one), all or nothing. A step checkpointed before (a redelivery,
 * a redo after a crash) is dropped with its writes and the others are recorded without it. Outcomes per step:
 * 'completed'; 'already' (nothing written for it); 'stale' (the run was superseded or finished: nothing written).
 * The caller keeps a call within a transaction's 100 items and 4 MB.
 */
export async function completeSteps(
  db: Db,
  run: RunRef,
  steps: readonly (readonly [string, StepWork<unknown>])[],
): Promise<Map<string, StepOutcome>> {
  const outcomes = new Map<string, StepOutcome>();
  let pending = [...steps];
  const now = new Date();
  for (let attempt = 0; pending.length > 0; attempt++) {
    const owners: (string | null)[] = [null];
    const transactItems: TransactItem[] = [
      {
        Update: {
          TableName: db.tableName,
          Key: keys.checkpointKey(run.job, run.scope),
          UpdateExpression: 'ADD done :n',
          ConditionExpression: 'runId = :runId AND #status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':n': pending.length, ':runId': run.runId, ':running': 'RUNNING' },
        },
      },
    ];
    for (const [step, work] of pending) {
      owners.push(step);
      transactItems.push({
        Put: {
          TableName: db.tableName,
          Item: {
            ...keys.jobStep(run.job, run.scope, run.runId, step),
            job: run.job,
            scope: run.scope,
            runId: run.runId,
            step,
            result: work.result,
            at: now.toISOString(),
            expiresAt: expiresAt(now, STEP_TTL_SECONDS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      for (const item of work.items ?? []) {
        owners.push(null);
        transactItems.push(item);
      }
    }
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: transactItems }));
      for (const [step] of pending) outcomes.set(step, 'completed');
      return outcomes;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        for (const [step] of pending) outcomes.set(step, 'stale');
        return outcomes;
      }
      const already = new Set(
        reasons.flatMap((r, i) =>
          r.Code === 'ConditionalCheckFailed' && owners[i] ? [owners[i] as string] : [],
        ),
      );
      if (already.size > 0) {
        for (const step of already) outcomes.set(step, 'already');
        pending = pending.filter(([step]) => !already.has(step));
        continue;
      }
      // Steps finishing at the same moment all touch the run record: a conflict is expected, retry with jitter.
      if (attempt >= MAX_CONFLICT_RETRIES || !reasons.some((r) => r.Code === 'TransactionConflict'))
        throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** Math.min(attempt, 6)));
    }
  }
  return outcomes;
}

/**
 * Claims the sending of the run's finalisation: succeeds for exactly one caller once every step is counted, so
 * steps finishing together do not all finalise. `release` gives the claim back when the sending failed.
 */
export async function claimFinalize(db: Db, run: RunRef): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.checkpointKey(run.job, run.scope),
          UpdateExpression: 'SET finalizeQueuedAt = :now',
          ConditionExpression:
            'runId = :runId AND #status = :running AND done >= #total AND attribute_not_exists(finalizeQueuedAt)',
          ExpressionAttributeNames: { '#status': 'status', '#total': 'total' },
          ExpressionAttributeValues: {
            ':now': new Date().toISOString(),
            ':runId': run.runId,
            ':running': 'RUNNING',
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      // A step's transaction on the run record at this very moment: try again.
      if (!(error instanceof TransactionConflictException) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** Math.min(attempt, 6)));
    }
  }
}

export async function releaseFinalize(db: Db, run: RunRef): Promise<void> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.checkpointKey(run.job, run.scope),
        UpdateExpression: 'REMOVE finalizeQueuedAt',
        ConditionExpression: 'runId = :runId',
        ExpressionAttributeValues: { ':runId': run.runId },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export async function finishRun(db: Db, run: Run, summary: Record<string, unknown>): Promise<boolean> {
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
          ':at': new Date().toISOString(),
          ':summary': summary,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Does one step once: returns the checkpointed result when the step finished before, otherwise does the work,
 * then checkpoints it (with the writes that must land with the checkpoint). For steps run in this process.
 */
export async function stepOnce<R>(
  ctx: JobContext,
  run: Run,
  step: string,
  work: () => Promise<{ result: R; items?: readonly TransactItem[] }>,
): Promise<R> {
  const known = await getStep<R>(ctx.db, run, step);
  if (known !== null) return known;
  ctx.budget.check();
  const { result, items } = await work();
  ctx.fault?.('work-done', step);
  const outcome = (await completeSteps(ctx.db, run, [[step, { result, items }]])).get(step);
  if (outcome === 'stale') throw new Error(`run ${run.runId} of ${run.job} was superseded`);
  if (outcome === 'already') return (await getStep<R>(ctx.db, run, step)) ?? result;
  ctx.fault?.('checkpointed', step);
  return result;
}
