/**
 * Converted products fed by the work systems, the reviewer's excuses, the employee's comments, and the audit log
 * of an evaluation's products and evidence. Products live in the employee's partition beside the evaluation, one
 * small item each (a feed that changes one product writes one item), with one revision counter per employee and
 * period:
 *
 * - every change that alters the task score (a feed, an excuse) is one transaction that checks the evaluation is
 *   still before its review, moves the revision counter (conditional on the revision it was decided on) and writes
 *   its audit event: a feed racing a review either lands before it (and the review, guarded on the revision, is
 *   decided again on the new products) or is refused after it, never in between;
 * - a comment changes no score: it checks the evaluation and writes the product and its audit event, without the
 *   counter;
 * - unchanged products are not written at all, so replaying a feed costs reads only.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { PRODUCTS_LOCKED_STATUSES, PRODUCTS_OPEN_STATUSES } from '../domain/products.ts';
import type { Db } from './client.ts';
import {
  decode,
  type ProductRevision,
  productRevisionSchema,
  productSchema,
  type StoredProduct,
  type WorkLogEvent,
  workLogEventSchema,
} from './entities.ts';
import { keys } from './keys.ts';
import { queryAll } from './query.ts';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const toProduct = (item: Item) => decode(productSchema, item, 'product');
const toRevision = (item: Item) => decode(productRevisionSchema, item, 'product revision');
const toLog = (item: Item) => decode(workLogEventSchema, item, 'work log event');

export function workLogItem(event: WorkLogEvent) {
  return { ...keys.workLog(event.employeeId, event.period, event.at, randomUUID().slice(0, 8)), ...event };
}

/** What the source system reports of a product. */
export interface ProductReport {
  title: string;
  weight: number;
  dueAt: string | null;
  completedAt: string | null;
  majorErrors: number;
  delays: number;
}

export type ProductChange =
  | { kind: 'upsert'; sourceId: string; report: ProductReport; created: boolean }
  | { kind: 'remove'; sourceId: string };

export interface FeedWrite {
  employeeId: string;
  period: string;
  source: string;
  /** The revision the changes were decided on (null: no product was ever fed for this period). */
  expectedRevision: number | null;
  changes: readonly ProductChange[];
  fedBy: string;
  at: string;
}

/**
 * - written: applied;
 * - locked: the evaluation is past its review (or, for excuses and comments, not in a state that allows them);
 * - moved: the products changed since they were read: read again and decide again;
 * - missing: the product is gone;
 * - conflict: a transaction conflict, to retry.
 */
export type ProductWriteOutcome = 'written' | 'locked' | 'moved' | 'missing' | 'conflict';

/** One check, the counter and the audit event leave 97 of the 100 items a transaction may hold. */
const CHANGES_PER_TRANSACTION = 97;

export interface EvaluationProducts {
  /** null when nothing was ever fed for the period. */
  revision: number | null;
  products: StoredProduct[];
}

/**
 * A transaction's condition that the evaluation exists and still takes products, comments and evidence (not past
 * review): the attachments' writes hold it too.
 */
export function evaluationOpenCheck(tableName: string, employeeId: string, period: string): TransactItem {
  const values = Object.fromEntries(PRODUCTS_OPEN_STATUSES.map((s, i) => [`:s${i}`, s]));
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.evaluationKey(employeeId, period),
      ConditionExpression: `#status IN (${Object.keys(values).join(', ')})`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: values,
    },
  };
}

export function productStore(db: Db) {
  const evaluationCheck = (employeeId: string, period: string, mustExist: boolean): TransactItem => {
    if (mustExist) return evaluationOpenCheck(db.tableName, employeeId, period);
    // The feed may come before the period opens (no evaluation yet); once there is one, it must not be past review.
    const values = Object.fromEntries(PRODUCTS_LOCKED_STATUSES.map((s, i) => [`:s${i}`, s]));
    return {
      ConditionCheck: {
        TableName: db.tableName,
        Key: keys.evaluationKey(employeeId, period),
        ConditionExpression: `attribute_not_exists(pk) OR NOT (#status IN (${Object.keys(values).join(', ')}))`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    };
  };

  const revisionUpdate = (
    employeeId: string,
    period: string,
    expected: number | null | 'any',
    countDelta: number,
    at: string,
  ): TransactItem => {
    const k = keys.productRevision(employeeId, period);
    const condition =
      expected === 'any'
        ? 'attribute_exists(pk)'
        : expected === null
          ? 'attribute_not_exists(pk)'
          : 'revision = :expected';
    return {
      Update: {
        TableName: db.tableName,
        Key: { pk: k.pk, sk: k.sk },
        UpdateExpression:
          'SET entityType = :type, employeeId = :employee, #period = :period, updatedAt = :at ADD revision :one, #count :delta',
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#period': 'period', '#count': 'count' },
        ExpressionAttributeValues: {
          ':type': k.entityType,
          ':employee': employeeId,
          ':period': period,
          ':at': at,
          ':one': 1,
          ':delta': countDelta,
          ...(typeof expected === 'number' ? { ':expected': expected } : {}),
        },
      },
    };
  };

  const changeItem = (w: FeedWrite, change: ProductChange): TransactItem => {
    const key = keys.productKey(w.employeeId, w.period, w.source, change.sourceId);
    if (change.kind === 'remove') return { Delete: { TableName: db.tableName, Key: key } };
    const r = change.report;
    // An update, not a put: the reviewer's excuses and the employee's comment on the product stay as they are.
    return {
      Update: {
        TableName: db.tableName,
        Key: key,
        UpdateExpression:
          'SET entityType = :type, employeeId = :employee, #period = :period, #source = :source, sourceId = :sourceId, ' +
          'title = :title, weight = :weight, dueAt = :due, completedAt = :completed, majorErrors = :errors, ' +
          'delays = :delays, fedBy = :by, updatedAt = :at, createdAt = if_not_exists(createdAt, :at)',
        ExpressionAttributeNames: { '#period': 'period', '#source': 'source' },
        ExpressionAttributeValues: {
          ':type': keys.product(w.employeeId, w.period, w.source, change.sourceId).entityType,
          ':employee': w.employeeId,
          ':period': w.period,
          ':source': w.source,
          ':sourceId': change.sourceId,
          ':title': r.title,
          ':weight': r.weight,
          ':due': r.dueAt,
          ':completed': r.completedAt,
          ':errors': r.majorErrors,
          ':delays': r.delays,
          ':by': w.fedBy,
          ':at': w.at,
        },
      },
    };
  };

  const auditPut = (event: WorkLogEvent): TransactItem => ({
    Put: { TableName: db.tableName, Item: workLogItem(event) },
  });

  /** Sends one transaction whose first item checks the evaluation and second (when given) the counter. */
  const send = async (items: TransactItem[], counterIndex: number | null): Promise<ProductWriteOutcome> => {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
      if (failed(0)) return 'locked';
      if (counterIndex !== null && failed(counterIndex)) return 'moved';
      if (reasons.some((r, i) => i > 0 && r.Code === 'ConditionalCheckFailed')) return 'missing';
      if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'conflict';
      throw error;
    }
  };

  return {
    /** The products of an employee's period and their revision, in one consistent Query. */
    async ofEvaluation(employeeId: string, period: string): Promise<EvaluationProducts> {
      const spec = keys.productsOf(employeeId, period);
      const items = await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true });
      let revision: ProductRevision | null = null;
      const products: StoredProduct[] = [];
      for (const item of items) {
        if (item.entityType === keys.productRevision(employeeId, period).entityType)
          revision = toRevision(item);
        else products.push(toProduct(item));
      }
      return { revision: revision?.revision ?? null, products };
    },

    /**
     * Writes a feed's changes to one employee's period: in transactions of at most 97 changes, each checking the
     * evaluation, moving the revision counter by one (the first conditional on `expectedRevision`, the next on
     * the revision the previous one left) and logging what it changed.
     */
    async writeFeed(w: FeedWrite): Promise<ProductWriteOutcome> {
      let expected = w.expectedRevision;
      for (let i = 0; i < w.changes.length; i += CHANGES_PER_TRANSACTION) {
        const chunk = w.changes.slice(i, i + CHANGES_PER_TRANSACTION);
        const countDelta =
          chunk.filter((c) => c.kind === 'upsert' && c.created).length -
          chunk.filter((c) => c.kind === 'remove').length;
        const ids = (pick: (c: ProductChange) => boolean) => chunk.filter(pick).map((c) => c.sourceId);
        const audit: WorkLogEvent = {
          employeeId: w.employeeId,
          period: w.period,
          at: w.at,
          actorId: w.fedBy,
          action: 'feed',
          changes: {
            source: w.source,
            created: ids((c) => c.kind === 'upsert' && c.created),
            updated: ids((c) => c.kind === 'upsert' && !c.created),
            removed: ids((c) => c.kind === 'remove'),
          },
        };
        const items = [
          evaluationCheck(w.employeeId, w.period, false),
          revisionUpdate(w.employeeId, w.period, expected, countDelta, w.at),
          auditPut(audit),
          ...chunk.map((c) => changeItem(w, c)),
        ];
        const outcome = await send(items, 1);
        if (outcome !== 'written') return outcome;
        expected = (expected ?? 0) + 1;
      }
      return 'written';
    },

    /** The reviewer's confirmation of objective causes on one product; moves the revision (the score changes). */
    async setExcuse(change: {
      employeeId: string;
      period: string;
      source: string;
      sourceId: string;
      errorsExcused: number;
      delaysExcused: number;
      note: string | null;
      by: string;
      at: string;
      audit: WorkLogEvent;
    }): Promise<ProductWriteOutcome> {
      const key = keys.productKey(change.employeeId, change.period, change.source, change.sourceId);
      return send(
        [
          evaluationCheck(change.employeeId, change.period, true),
          revisionUpdate(change.employeeId, change.period, 'any', 0, change.at),
          {
            Update: {
              TableName: db.tableName,
              Key: key,
              UpdateExpression:
                'SET errorsExcused = :errors, delaysExcused = :delays, excuseNote = :note, excusedBy = :by, excusedAt = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: {
                ':errors': change.errorsExcused,
                ':delays': change.delaysExcused,
                ':note': change.note,
                ':by': change.by,
                ':at': change.at,
              },
            },
          },
          auditPut(change.audit),
        ],
        null,
      );
    },

    /** The employee's comment on one product (null clears it). No score changes, so the revision stays. */
    async setComment(change: {
      employeeId: string;
      period: string;
      source: string;
      sourceId: string;
      comment: string | null;
      at: string;
      audit: WorkLogEvent;
    }): Promise<ProductWriteOutcome> {
      const key = keys.productKey(change.employeeId, change.period, change.source, change.sourceId);
      return send(
        [
          evaluationCheck(change.employeeId, change.period, true),
          {
            Update: {
              TableName: db.tableName,
              Key: key,
              UpdateExpression: 'SET #comment = :comment, commentedAt = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#comment': 'comment' },
              ExpressionAttributeValues: { ':comment': change.comment, ':at': change.at },
            },
          },
          auditPut(change.audit),
        ],
        null,
      );
    },

    /** The audit log of an evaluation's products and evidence, oldest first. */
    async log(employeeId: string, period: string): Promise<WorkLogEvent[]> {
      const spec = keys.workLogOf(employeeId, period);
      return (await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true })).map(toLog);
    },
  };
}

export type ProductStore = ReturnType<typeof productStore>;

/** The transaction item a review adds so that it is written only on the products it was decided on. */
export function productRevisionGuard(
  tableName: string,
  employeeId: string,
  period: string,
  revision: number | null,
) {
  const key = keys.productRevisionKey(employeeId, period);
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: key,
      ConditionExpression: revision === null ? 'attribute_not_exists(pk)' : 'revision = :revision',
      ...(revision === null ? {} : { ExpressionAttributeValues: { ':revision': revision } }),
    },
  } satisfies TransactItem;
}
