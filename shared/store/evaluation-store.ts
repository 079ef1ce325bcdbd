/**
 * Evaluations, their history and the per-unit period counters. Every change of an evaluation is one
 * TransactWriteItems: the evaluation (conditional on the version it was read at), its history event (keyed by
 * the new version, so a transition can never be applied twice) and the unit's counters, which also guard the
 * A-quota: the write only succeeds if the grade counts are still those the decision was made on.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ActionType, Evaluation, EvaluationStatus, Grade } from '../domain/types.ts';
import { EVALUATION_STATUSES, GRADES } from '../domain/types.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { queryAll, stripKeys } from './query.ts';

export interface StoredEvaluation extends Evaluation {
  employeeName: string;
  /** The unit whose head approves (the employee's unit, or its parent for a unit head): acting heads act for it. */
  approverUnitId: string;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEvent {
  employeeId: string;
  period: string;
  version: number;
  at: string;
  actorId: string;
  action: ActionType | 'open';
  fromStatus: EvaluationStatus | null;
  toStatus: EvaluationStatus;
  comment: string | null;
  changes: Record<string, unknown> | null;
  /** Set when an acting head acted for the unit head. */
  onBehalfOf?: string | null;
}

export interface UnitPeriodCounters {
  unitId: string;
  period: string;
  /** Evaluations opened for the unit this period: the base of the 30% rule. */
  evaluated: number;
  outstanding: boolean;
  status: Record<EvaluationStatus, number>;
  grades: Record<Grade, number>;
}

type Item = Record<string, unknown>;

const statusAttr = (s: EvaluationStatus) => `n_${s}`;
const gradeAttr = (g: Grade) => `g_${g}`;

export function evaluationItem(e: StoredEvaluation) {
  return { ...keys.evaluation(e), ...e };
}

export async function getEvaluation(
  db: Db,
  employeeId: string,
  period: string,
): Promise<StoredEvaluation | null> {
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.evaluationKey(employeeId, period),
      ConsistentRead: true,
    }),
  );
  return Item ? (stripKeys(Item) as unknown as StoredEvaluation) : null;
}

export async function listEmployeeEvaluations(
  db: Db,
  employeeId: string,
  yearPrefix: string,
): Promise<StoredEvaluation[]> {
  const spec = keys.employeeEvaluations(employeeId, yearPrefix);
  const items = await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true });
  return items.map((i) => stripKeys(i) as unknown as StoredEvaluation);
}

export async function listQueue(
  db: Db,
  spec: { index: 'gsi1' | 'gsi2' | 'gsi3'; pk: string },
): Promise<StoredEvaluation[]> {
  const items = await queryAll(db, spec);
  return items.map((i) => stripKeys(i) as unknown as StoredEvaluation);
}

export async function listHistory(db: Db, employeeId: string, period: string): Promise<HistoryEvent[]> {
  const spec = keys.historyOf(employeeId, period);
  const items = await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true });
  return items.map((i) => stripKeys(i) as unknown as HistoryEvent);
}

function countersFrom(item: Item | undefined, unitId: string, period: string): UnitPeriodCounters {
  const num = (name: string) => (typeof item?.[name] === 'number' ? (item[name] as number) : 0);
  return {
    unitId,
    period,
    evaluated: num('evaluated'),
    outstanding: item?.outstanding === true,
    status: Object.fromEntries(EVALUATION_STATUSES.map((s) => [s, num(statusAttr(s))])) as Record<
      EvaluationStatus,
      number
    >,
    grades: Object.fromEntries(GRADES.map((g) => [g, num(gradeAttr(g))])) as Record<Grade, number>,
  };
}

export async function getUnitPeriod(db: Db, unitId: string, period: string): Promise<UnitPeriodCounters> {
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.unitPeriodKey(unitId, period),
      ConsistentRead: true,
    }),
  );
  return countersFrom(Item, unitId, period);
}

export async function listUnitPeriods(db: Db, period: string): Promise<UnitPeriodCounters[]> {
  const items = await queryAll(db, keys.periodUnits(period));
  return items.map((i) => countersFrom(i, String(i.unitId), period));
}

function historyItem(event: HistoryEvent) {
  return { ...keys.history(event.employeeId, event.period, event.version), ...event };
}

/**
 * Creates a draft with its opening history event and counts it in its unit, unless it already exists:
 * running the opening twice changes nothing.
 */
export async function createDraft(
  db: Db,
  draft: StoredEvaluation,
  event: HistoryEvent,
  unitOutstanding: boolean,
): Promise<'created' | 'exists'> {
  const unitPeriodKeys = keys.unitPeriod(draft.unitId, draft.period);
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.tableName,
              Item: evaluationItem(draft),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: db.tableName, Item: historyItem(event) } },
          {
            Update: {
              TableName: db.tableName,
              Key: { pk: unitPeriodKeys.pk, sk: unitPeriodKeys.sk },
              UpdateExpression:
                'SET gsi1pk = :g1pk, gsi1sk = :g1sk, entityType = :type, unitId = :unit, #period = :period, outstanding = :out ADD evaluated :one, n_DRAFT :one',
              ExpressionAttributeNames: { '#period': 'period' },
              ExpressionAttributeValues: {
                ':g1pk': unitPeriodKeys.gsi1pk,
                ':g1sk': unitPeriodKeys.gsi1sk,
                ':type': unitPeriodKeys.entityType,
                ':unit': draft.unitId,
                ':period': draft.period,
                ':out': unitOutstanding,
                ':one': 1,
              },
            },
          },
        ],
      }),
    );
    return 'created';
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    ) {
      return 'exists';
    }
    throw error;
  }
}

export type WriteOutcome = 'written' | 'stale' | 'counters-moved' | 'conflict';

/**
 * Writes one transition. `guard` holds the grade counts the decision was made on; when given, the write only
 * succeeds if they are unchanged, so two approvals racing for the last A slot cannot both succeed.
 */
export async function writeTransition(
  db: Db,
  previous: StoredEvaluation,
  next: StoredEvaluation,
  event: HistoryEvent,
  gradeChange: { from: Grade | null; to: Grade | null } | null,
  guard: Record<Grade, number> | null,
): Promise<WriteOutcome> {
  const deltas = new Map<string, number>();
  const bump = (name: string, by: number) => deltas.set(name, (deltas.get(name) ?? 0) + by);
  if (previous.status !== next.status) {
    bump(statusAttr(previous.status), -1);
    bump(statusAttr(next.status), 1);
  }
  if (gradeChange && gradeChange.from !== gradeChange.to) {
    if (gradeChange.from) bump(gradeAttr(gradeChange.from), -1);
    if (gradeChange.to) bump(gradeAttr(gradeChange.to), 1);
  }
  const changed = [...deltas].filter(([, by]) => by !== 0);
  const transactItems: NonNullable<TransactWriteCommandInput['TransactItems']> = [
    {
      Put: {
        TableName: db.tableName,
        Item: evaluationItem(next),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': previous.version },
      },
    },
    {
      Put: {
        TableName: db.tableName,
        Item: historyItem(event),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  if (changed.length > 0 || guard) {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const adds = changed.map(([name, by], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = by;
      return `#c${i} :c${i}`;
    });
    const conditions = guard
      ? GRADES.map((g, i) => {
          names[`#g${i}`] = gradeAttr(g);
          values[`:g${i}`] = guard[g];
          // A counter never written yet reads as zero.
          return guard[g] === 0 ? `(attribute_not_exists(#g${i}) OR #g${i} = :g${i})` : `#g${i} = :g${i}`;
        })
      : [];
    const { pk, sk } = keys.unitPeriodKey(next.unitId, next.period);
    transactItems.push({
      Update: {
        TableName: db.tableName,
        Key: { pk, sk },
        // An ADD with nothing to add is invalid: a guard-only write touches the update time instead.
        UpdateExpression:
          adds.length > 0 ? `ADD ${adds.join(', ')} SET updatedAt = :at` : 'SET updatedAt = :at',
        ConditionExpression: conditions.length > 0 ? conditions.join(' AND ') : undefined,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':at': event.at } as Record<string, unknown>,
      },
    });
  }
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: transactItems }));
    return 'written';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed' || reasons[1]?.Code === 'ConditionalCheckFailed')
      return 'stale';
    if (reasons[2]?.Code === 'ConditionalCheckFailed') return 'counters-moved';
    if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'conflict';
    throw error;
  }
}
