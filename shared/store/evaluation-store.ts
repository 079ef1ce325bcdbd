/**
 * Evaluations, their history and the per-unit period counters. Every change of an evaluation is one
 * TransactWriteItems: the evaluation (conditional on the version it was read at), its history event (keyed by
 * the new version, so a transition can never be applied twice), the unit's counters, which also guard the
 * A-quota (the write only succeeds if the grade counts are still those the decision was made on), and, when the
 * request carries an Idempotency-Key, its receipt: the change and the answer to replay land together or not at all.
 * A draft is cheaper: one conditional Put (its opening event implied, not stored) in no index, listed on its
 * reviewer's and approver's rosters, and listed and counted once in its unit through the unit's roster
 * (`createDrafts`); so no transition of it writes an index copy either.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EvaluationStatus, Grade } from '../domain/types.ts';
import { EVALUATION_STATUSES, GRADES, SYSTEM_ACTOR } from '../domain/types.ts';
import { batchGet, keyOf } from './batch.ts';
import type { Db } from './client.ts';
import { putIfAbsent } from './conditional-write.ts';
import {
  decode,
  evaluationSchema,
  type HistoryEvent,
  historyEventSchema,
  type PendingAppeal,
  pendingAppealSchema,
  type RankingRow,
  type ReminderRow,
  rankingRowSchema,
  reminderRowSchema,
  rosterSchema,
  type StoredEvaluation,
  type StoredNotification,
  type UnitPeriodCounters,
} from './entities.ts';
import { type Receipt, receiptItem } from './idempotency-store.ts';
import { ENTITY, keys, type RosterRole } from './keys.ts';
import { notificationItem } from './notification-store.ts';
import { inParallel } from './parallel.ts';
import { productRevisionGuard } from './product-store.ts';
import { type QuerySpec, queryAll } from './query.ts';

type Item = Record<string, unknown>;

/** Where the previous design listed evaluations for their reviewer and approver (until migrated). */
const LEGACY_INBOX_INDEX = { reviewer: 'gsi1', approver: 'gsi2' } as const;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const statusAttr = (s: EvaluationStatus) => `n_${s}`;
const gradeAttr = (g: Grade) => `g_${g}`;
/** A duty group's approved grades live on the unit's counters item too: `gg#<group>#<grade>` (one item, one write). */
const GROUP_PREFIX = 'gg#';
const groupGradeAttr = (group: string, g: Grade) => `${GROUP_PREFIX}${group}#${g}`;

const toEvaluation = (item: Item) => decode(evaluationSchema, item, 'evaluation');
const toHistory = (item: Item) => decode(historyEventSchema, item, 'history event');
const toRankingRow = (item: Item) => decode(rankingRowSchema, item, 'evaluation');
const toPendingAppeal = (item: Item) => decode(pendingAppealSchema, item, 'pending appeal');

/** The attributes a ranking reads of an evaluation: a third of the item. */
export const RANKING_ATTRIBUTES = [
  'employeeId',
  'employeeName',
  'status',
  'rubricId',
  'rubricVersion',
  'dutyGroup',
  'flags',
  'selfAssessment.total',
  'selfAssessment.submittedAt',
  'review.total',
  'review.comment',
  'decision.total',
  'decision.grade',
  'decision.comment',
] as const;

/** The attributes the remind job reads of an evaluation. */
const REMINDER_ATTRIBUTES = [
  'employeeId',
  'period',
  'status',
  'returnedTo',
  'reviewerId',
  'approverId',
  'deadlines',
] as const;

export const evaluationItem = (e: StoredEvaluation) => ({ ...keys.evaluation(e), ...e, publishedAt: null });
/**
 * The opening event a rostered draft implies: never stored, since the draft holds all it says (who opened it, when,
 * and the reviewer, approver and rubric it fixed, which no transition changes).
 */
export function openingEvent(e: StoredEvaluation): HistoryEvent {
  return {
    employeeId: e.employeeId,
    period: e.period,
    version: 1,
    at: e.createdAt,
    actorId: SYSTEM_ACTOR,
    action: 'open',
    fromStatus: null,
    toStatus: 'DRAFT',
    comment: null,
    changes: {
      reviewerId: e.reviewerId,
      approverId: e.approverId,
      rubricId: e.rubricId,
      rubricVersion: e.rubricVersion,
      ...(e.dutyGroup ? { dutyGroup: e.dutyGroup } : {}),
    },
  };
}

/** An evaluation's stored events with the opening its draft implies (rostered drafts store none). */
export function withOpening(
  events: readonly HistoryEvent[],
  evaluation: StoredEvaluation | null,
): HistoryEvent[] {
  if (!evaluation?.rostered || events[0]?.version === 1) return [...events];
  return [openingEvent(evaluation), ...events];
}

const historyItem = (event: HistoryEvent) => ({
  ...keys.history(event.employeeId, event.period, event.version),
  ...event,
});

/** Grade counts per duty group, from the `gg#<group>#<grade>` attributes of a counters item. */
function groupsFrom(item: Item | undefined): Record<string, Record<Grade, number>> | undefined {
  if (!item) return undefined;
  let groups: Record<string, Record<Grade, number>> | undefined;
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(GROUP_PREFIX) || typeof value !== 'number') continue;
    const at = name.lastIndexOf('#');
    const group = name.slice(GROUP_PREFIX.length, at);
    const grade = name.slice(at + 1) as Grade;
    if (!GRADES.includes(grade)) continue;
    groups ??= {};
    groups[group] ??= { A: 0, B: 0, C: 0, D: 0 };
    groups[group][grade] = value;
  }
  return groups;
}

function countersFrom(item: Item | undefined, unitId: string, period: string): UnitPeriodCounters {
  const num = (name: string) => (typeof item?.[name] === 'number' ? (item[name] as number) : 0);
  const groups = groupsFrom(item);
  return {
    ...(groups ? { groups } : {}),
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

/** The counters item of a unit and period as the transitions leave it (for a bulk load of finished months). */
export function countersItem(c: UnitPeriodCounters) {
  return {
    ...keys.unitPeriod(c.unitId, c.period),
    unitId: c.unitId,
    period: c.period,
    outstanding: c.outstanding,
    evaluated: c.evaluated,
    ...Object.fromEntries(EVALUATION_STATUSES.map((s) => [statusAttr(s), c.status[s]])),
    ...Object.fromEntries(GRADES.map((g) => [gradeAttr(g), c.grades[g]])),
    ...Object.fromEntries(
      Object.entries(c.groups ?? {}).flatMap(([group, counts]) =>
        GRADES.map((g) => [groupGradeAttr(group, g), counts[g]]),
      ),
    ),
  };
}

export interface TransitionWrite {
  previous: StoredEvaluation;
  next: StoredEvaluation;
  event: HistoryEvent;
  /** The approved grade this change gives or replaces, for the unit's grade counters. */
  gradeChange: { from: Grade | null; to: Grade | null } | null;
  /** The unit's grade counts the decision was made on: the write only succeeds if they are unchanged. */
  guard: Record<Grade, number> | null;
  /**
   * Under a per-group quota (duty groups), the counts of the evaluation's group the decision was made on instead:
   * the write only succeeds if that group's counts are unchanged.
   */
  groupGuard?: { group: string; counts: Record<Grade, number> } | null;
  /** The answer to replay for the request's Idempotency-Key, written with the change. */
  receipt?: Receipt | null;
  /**
   * The products' revision a computed task score was decided on (null: none fed): the write only succeeds if no
   * feed or excuse moved it meanwhile. Absent: the change does not depend on the products.
   */
  productsRevision?: { revision: number | null } | null;
  /** In-app notifications the change causes, written with it (keyed by the new version: never twice). */
  notifications?: readonly StoredNotification[];
  /**
   * An appeal filed (its marker among the period's pending appeals, and the period's count of appeals filed, only
   * while the period is CLOSED) or decided (its marker removed), in the same transaction as the change.
   */
  appeal?: { filed: PendingAppeal } | { decided: { period: string; employeeId: string } } | null;
}

/**
 * A transaction holds at most 100 items; a transition uses at most 7 besides its notifications (evaluation,
 * history, counters, products guard, receipt, an appeal's marker and the period's count of appeals).
 */
const MAX_TRANSITION_NOTIFICATIONS = 93;

/**
 * - written: applied;
 * - stale: the evaluation moved since it was read (another change got there first);
 * - counters-moved: the unit's grade counts moved (another approval), the decision must be made again;
 * - conflict: a transaction conflict, to retry;
 * - duplicate: the same Idempotency-Key was answered meanwhile (a concurrent retry): replay its receipt;
 * - period-moved: an appeal met a period that is no longer CLOSED (being reopened): decide again.
 */
export type WriteOutcome = 'written' | 'stale' | 'counters-moved' | 'conflict' | 'duplicate' | 'period-moved';

/** Drafts (and roster updates) written side by side within one unit; the job runs units side by side too. */
const DRAFT_PUTS_IN_FLIGHT = 16;

const MAX_CONFLICT_RETRIES = 6;

/** The reviewers' and approvers' rosters of some rostered evaluations of one unit: whom each lists. */
function ownerRosters(evaluations: readonly StoredEvaluation[]) {
  const rosters = new Map<string, { role: RosterRole; ownerId: string; ids: Set<string> }>();
  for (const e of evaluations) {
    if (!e.rostered) continue;
    for (const [role, ownerId] of [
      ['reviewer', e.reviewerId],
      ['approver', e.approverId],
    ] as const) {
      const name = `${role}#${ownerId}`;
      const roster = rosters.get(name) ?? { role, ownerId, ids: new Set<string>() };
      roster.ids.add(e.employeeId);
      rosters.set(name, roster);
    }
  }
  return [...rosters.values()];
}

/**
 * A unit's rosters for a period as open-period leaves them once it has counted everything (for a bulk load of
 * finished months): the unit's (every rostered evaluation, counted: revision 1), its reviewers' and approvers'.
 */
export function rosterItems(
  unitId: string,
  period: string,
  evaluations: readonly StoredEvaluation[],
): Record<string, unknown>[] {
  const ids = new Set(evaluations.filter((e) => e.rostered).map((e) => e.employeeId));
  // DynamoDB keeps no empty set: a unit with nobody to evaluate has no roster.
  if (ids.size === 0) return [];
  return [
    { ...keys.unitRoster(unitId, period), ids, rev: 1 },
    ...ownerRosters(evaluations).map(({ role, ownerId, ids: listed }) => ({
      ...keys.roster(role, ownerId, period, unitId),
      ids: listed,
    })),
  ];
}

/** A unit's roster for a period (the ids it counted, and its revision), read consistently; empty if none yet. */
async function unitRoster(db: Db, unitId: string, period: string) {
  const { pk, sk } = keys.unitRoster(unitId, period);
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: { pk, sk }, ConsistentRead: true }),
  );
  return decode(rosterSchema, Item ?? {}, 'unit roster');
}

/**
 * A unit's evaluations of a period as stored (not decoded), by employee id: those on the unit's roster (opened since
 * 2026-12, in no index) read by key, one BatchGet per 100, and those on gsi3 (opened before) with the same Query as
 * ever; the roster's Get and the Query go out at once. Once no period opened before is read, the Query finds nothing
 * (half a read unit). `attributes`: only these (dotted paths allowed), to read less. Exported for the benchmarks'
 * bare read, which makes exactly these requests.
 */
export async function unitItems(
  db: Db,
  unitId: string,
  period: string,
  attributes?: readonly string[],
): Promise<Item[]> {
  const [roster, indexed] = await Promise.all([
    unitRoster(db, unitId, period),
    queryAll(db, { ...keys.unitEvaluations(unitId, period), ...(attributes ? { attributes } : {}) }),
  ]);
  const ids = [...roster.ids];
  const found = await batchGet(
    db,
    ids.map((id) => keys.evaluationKey(id, period)),
    attributes ? { attributes } : {},
  );
  const byId = new Map<string, Item>(indexed.map((i) => [String(i.employeeId), i]));
  // Read by key from the table: newer than an index copy of the same evaluation (a draft the first rostered
  // release opened still has one, until its next change writes it without).
  for (const item of found.values()) byId.set(String(item.employeeId), item);
  return [...byId.keys()].sort().map((id) => byId.get(id) as Item);
}

export function evaluationStore(db: Db) {
  const get = async (employeeId: string, period: string): Promise<StoredEvaluation | null> => {
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.evaluationKey(employeeId, period),
        ConsistentRead: true,
      }),
    );
    return Item ? toEvaluation(Item) : null;
  };

  /**
   * The evaluations a keys-only index listed, read from the table in the index's order (one BatchGet per 100):
   * the index holds no copy of them, so their transitions never write it.
   */
  const byKeys = async (listed: readonly Record<string, unknown>[]): Promise<StoredEvaluation[]> => {
    // A BatchGet refuses a key twice (an evaluation both on a roster and in the index).
    const unique = new Map(listed.map((i) => [keyOf({ pk: String(i.pk), sk: String(i.sk) }), i]));
    const wanted = [...unique.values()].map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
    const found = await batchGet(db, wanted);
    return wanted.flatMap((k) => {
      const item = found.get(keyOf(k));
      return item ? [toEvaluation(item)] : [];
    });
  };

  /**
   * A reviewer's or approver's list: the evaluations on their rosters (opened since 2026-12), on the keys-only index
   * (opened before), and, until the `inbox-keys` migration has moved every evaluation (docs/DEPLOY.md "Migrating the
   * table"), on the index the first design listed them on (ALL: the items come with the Query). The three Queries go
   * out at once; what the first two name is read from the table by key (one BatchGet per 100). Once migrated the
   * third finds nothing (half a read unit); a later release drops it.
   */
  const listed = async (
    role: RosterRole,
    ownerId: string,
    period: string,
    spec: QuerySpec,
    legacy: QuerySpec,
  ): Promise<StoredEvaluation[]> => {
    const [rosters, indexed, old] = await Promise.all([
      queryAll(db, { pk: keys.rostersOf(role, ownerId, period).pk, consistent: true }),
      queryAll(db, spec),
      queryAll(db, legacy),
    ]);
    const onRosters = rosters.flatMap((item) =>
      [...decode(rosterSchema, item, 'roster').ids].map(
        (id): Item => ({ ...keys.evaluationKey(id, period) }),
      ),
    );
    const current = await byKeys([...onRosters, ...indexed]);
    const byId = new Map(
      old
        .filter((i) => i.entityType === ENTITY.evaluation)
        .map((i) => [String(i.employeeId), toEvaluation(i)]),
    );
    // Read by key from the table: newer than an index copy of the same evaluation caught mid-migration.
    for (const e of current) byId.set(e.employeeId, e);
    const owner = (e: StoredEvaluation) => (role === 'reviewer' ? e.reviewerId : e.approverId);
    // A roster names whom the opening meant to list; the evaluation itself says who reviews and approves it.
    return [...byId.values()]
      .filter((e) => owner(e) === ownerId)
      .sort((a, b) => (a.employeeId < b.employeeId ? -1 : a.employeeId > b.employeeId ? 1 : 0));
  };

  /** Each draft only if absent, side by side: the ids written, and those that were there already. */
  const putDrafts = async (drafts: readonly StoredEvaluation[]) => {
    const written: StoredEvaluation[] = [];
    const there: StoredEvaluation[] = [];
    await inParallel(drafts, DRAFT_PUTS_IN_FLIGHT, async (draft) => {
      ((await putIfAbsent(db, evaluationItem(draft))) ? written : there).push(draft);
    });
    return { written, there };
  };

  /** Adds the rostered evaluations to their reviewers' and approvers' rosters (a string set: adding twice is a no-op). */
  const writeRosters = async (unitId: string, period: string, evaluations: readonly StoredEvaluation[]) => {
    await inParallel(ownerRosters(evaluations), DRAFT_PUTS_IN_FLIGHT, async ({ role, ownerId, ids }) => {
      const { pk, sk, entityType } = keys.roster(role, ownerId, period, unitId);
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: { pk, sk },
          UpdateExpression: 'SET entityType = :type ADD ids :ids',
          ExpressionAttributeValues: { ':type': entityType, ':ids': ids },
        }),
      );
    });
  };

  /**
   * Counts the unit's rostered evaluations in its counters, each exactly once: the unit's roster says which are
   * counted, and it moves in the same transaction as the counters, on the revision it was read at (a second
   * opener counting at the same moment makes this one read again). Every evaluation starts as a draft, so each
   * counts one DRAFT even if it was submitted before it was counted (that transition took one from DRAFT already).
   */
  const countInUnit = async (
    unitId: string,
    period: string,
    evaluations: readonly StoredEvaluation[],
    outstanding: boolean,
  ) => {
    const ids = evaluations.filter((e) => e.rostered).map((e) => e.employeeId);
    if (ids.length === 0) return;
    const rosterKey = keys.unitRoster(unitId, period);
    const counters = keys.unitPeriod(unitId, period);
    for (let attempt = 0; ; attempt++) {
      const roster = await unitRoster(db, unitId, period);
      const fresh = ids.filter((id) => !roster.ids.has(id));
      if (fresh.length === 0) return;
      try {
        await db.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: db.tableName,
                  Key: { pk: rosterKey.pk, sk: rosterKey.sk },
                  UpdateExpression: 'SET entityType = :type, rev = :next ADD ids :ids',
                  ConditionExpression: roster.rev === 0 ? 'attribute_not_exists(rev)' : 'rev = :rev',
                  ExpressionAttributeValues: {
                    ':type': rosterKey.entityType,
                    ':next': roster.rev + 1,
                    ':ids': new Set(fresh),
                    ...(roster.rev === 0 ? {} : { ':rev': roster.rev }),
                  },
                },
              },
              {
                Update: {
                  TableName: db.tableName,
                  Key: { pk: counters.pk, sk: counters.sk },
                  // No index keys: the counters are read by key (`periodCounters`), so the transitions that move
                  // them write no index copy.
                  UpdateExpression:
                    'SET entityType = :type, unitId = :unit, #period = :period, outstanding = :out ADD evaluated :n, n_DRAFT :n',
                  ExpressionAttributeNames: { '#period': 'period' },
                  ExpressionAttributeValues: {
                    ':type': counters.entityType,
                    ':unit': unitId,
                    ':period': period,
                    ':out': outstanding,
                    ':n': fresh.length,
                  },
                },
              },
            ],
          }),
        );
        return;
      } catch (error) {
        // Counted by someone else meanwhile, or a transition moving the counters at this instant: read again.
        if (!(error instanceof TransactionCanceledException) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt));
      }
    }
  };

  return {
    get,

    /** An employee's evaluations whose period starts with the prefix (a year, `2026`). */
    async listOfEmployee(employeeId: string, periodPrefix: string): Promise<StoredEvaluation[]> {
      const spec = keys.employeeEvaluations(employeeId, periodPrefix);
      return (await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true })).map(
        toEvaluation,
      );
    },

    async listByReviewer(reviewerId: string, period: string): Promise<StoredEvaluation[]> {
      const spec = keys.reviewerQueue(reviewerId, period);
      return listed('reviewer', reviewerId, period, spec, { ...spec, index: LEGACY_INBOX_INDEX.reviewer });
    },

    async listByApprover(approverId: string, period: string): Promise<StoredEvaluation[]> {
      const spec = keys.approverQueue(approverId, period);
      return listed('approver', approverId, period, spec, { ...spec, index: LEGACY_INBOX_INDEX.approver });
    },

    async listByUnit(unitId: string, period: string): Promise<StoredEvaluation[]> {
      return (await unitItems(db, unitId, period)).map(toEvaluation);
    },

    /** A unit's evaluations with only what a ranking reads. */
    async rankingRows(unitId: string, period: string): Promise<RankingRow[]> {
      return (await unitItems(db, unitId, period, RANKING_ATTRIBUTES)).map(toRankingRow);
    },

    /** A unit's evaluations with only what the remind job reads. */
    async reminderRows(unitId: string, period: string): Promise<ReminderRow[]> {
      return (await unitItems(db, unitId, period, REMINDER_ATTRIBUTES)).map((item) =>
        decode(reminderRowSchema, item, 'evaluation'),
      );
    },

    /** The period's appeals waiting for a decision (their markers: one Query of the period's partition). */
    async listPendingAppeals(period: string): Promise<PendingAppeal[]> {
      return (await queryAll(db, { ...keys.pendingAppeals(period), consistent: true })).map(toPendingAppeal);
    },

    /**
     * The history, oldest first, with the opening a rostered draft implies. `evaluation`: the evaluation as the
     * caller read it (left out: read here when the stored events do not begin with the opening).
     */
    async history(
      employeeId: string,
      period: string,
      evaluation?: StoredEvaluation | null,
    ): Promise<HistoryEvent[]> {
      const spec = keys.historyOf(employeeId, period);
      const events = (await queryAll(db, { pk: spec.pk, skPrefix: spec.skPrefix, consistent: true })).map(
        toHistory,
      );
      if (events[0]?.version === 1) return events;
      return withOpening(events, evaluation === undefined ? await get(employeeId, period) : evaluation);
    },

    async unitCounters(unitId: string, period: string): Promise<UnitPeriodCounters> {
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.unitPeriodKey(unitId, period),
          ConsistentRead: true,
        }),
      );
      return countersFrom(Item, unitId, period);
    },

    /** Some units' counters for the period (BatchGet, consistent), by unit id. */
    async unitCountersOf(
      unitIds: readonly string[],
      period: string,
    ): Promise<Map<string, UnitPeriodCounters>> {
      const found = await batchGet(
        db,
        unitIds.map((id) => keys.unitPeriodKey(id, period)),
        { consistent: true },
      );
      return new Map(
        unitIds.map((id) => [id, countersFrom(found.get(keyOf(keys.unitPeriodKey(id, period))), id, period)]),
      );
    },

    /**
     * The counters of every unit that has any for the period (or of `unitIds` only), by unit id. They are in no
     * index, so they are read by key: one BatchGet per 100 units (half a read unit each), the unit ids from the
     * units' list unless given. Counters written before 2026-12 are listed on gsi1 as well, and those found there
     * are not read again.
     */
    async periodCounters(period: string, unitIds?: readonly string[]): Promise<UnitPeriodCounters[]> {
      const [indexed, ids] = await Promise.all([
        queryAll(db, keys.periodUnits(period)),
        unitIds ??
          queryAll(db, { ...keys.allUnits(), attributes: ['id'] }).then((units) =>
            units.map((u) => String(u.id)),
          ),
      ]);
      const wanted = new Set(ids);
      const byUnit = new Map(
        indexed
          .filter((i) => unitIds === undefined || wanted.has(String(i.unitId)))
          .map((i) => [String(i.unitId), i]),
      );
      const rest = [...wanted].filter((id) => !byUnit.has(id));
      const found = await batchGet(
        db,
        rest.map((id) => keys.unitPeriodKey(id, period)),
      );
      for (const id of rest) {
        const item = found.get(keyOf(keys.unitPeriodKey(id, period)));
        if (item) byUnit.set(id, item);
      }
      return [...byUnit.keys()].sort().map((id) => countersFrom(byUnit.get(id), id, period));
    },

    /**
     * Opens drafts of one unit: each one plain conditional Put (only if absent; no transaction, no history item:
     * the draft implies its opening event), then the unit's rosters, then its count. `existing`: the unit's
     * evaluations of the period already there (a rerun). Every part can run again: a rerun after a crash at any
     * point finishes what the first run began. Returns how many drafts were written.
     */
    async createDrafts(
      unitId: string,
      period: string,
      drafts: readonly StoredEvaluation[],
      existing: readonly StoredEvaluation[],
      unitOutstanding: boolean,
    ): Promise<number> {
      const rostered = drafts.map((d) => ({ ...d, rostered: true as const }));
      // The rosters go out with the drafts: a roster naming a draft not written yet lists nothing for it (the
      // lists read each evaluation by key and keep those whose reviewer or approver it is).
      const [{ written, there }] = await Promise.all([
        putDrafts(rostered),
        writeRosters(unitId, period, [...existing, ...rostered]),
      ]);
      // Written by an opener a moment ago, not yet in the unit's index: as they are, not as this one would write them.
      const found =
        there.length === 0
          ? []
          : [
              ...(
                await batchGet(
                  db,
                  there.map((d) => keys.evaluationKey(d.employeeId, period)),
                  { consistent: true },
                )
              ).values(),
            ].map(toEvaluation);
      const meant = new Map(rostered.map((d) => [d.employeeId, d]));
      // One written from an older view of the org (before a crash, the org changed) has rosters of its own.
      const otherwise = found.filter(
        (e) =>
          e.reviewerId !== meant.get(e.employeeId)?.reviewerId ||
          e.approverId !== meant.get(e.employeeId)?.approverId,
      );
      await Promise.all([
        writeRosters(unitId, period, otherwise),
        countInUnit(unitId, period, [...existing, ...written, ...found], unitOutstanding),
      ]);
      return written.length;
    },

    async writeTransition(change: TransitionWrite): Promise<WriteOutcome> {
      const { previous, next, event, gradeChange, guard, receipt, productsRevision, appeal } = change;
      const groupGuard = change.groupGuard ?? null;
      const group = next.dutyGroup ?? null;
      const notifications = change.notifications ?? [];
      if (notifications.length > MAX_TRANSITION_NOTIFICATIONS)
        throw new Error(`a transition may notify at most ${MAX_TRANSITION_NOTIFICATIONS} people`);
      const deltas = new Map<string, number>();
      const bump = (name: string, by: number) => deltas.set(name, (deltas.get(name) ?? 0) + by);
      if (previous.status !== next.status) {
        bump(statusAttr(previous.status), -1);
        bump(statusAttr(next.status), 1);
      }
      if (gradeChange && gradeChange.from !== gradeChange.to) {
        if (gradeChange.from) bump(gradeAttr(gradeChange.from), -1);
        if (gradeChange.to) bump(gradeAttr(gradeChange.to), 1);
        // The group's counts move with the unit's, whatever the rule: rankings show them per group too.
        if (group !== null && gradeChange.from) bump(groupGradeAttr(group, gradeChange.from), -1);
        if (group !== null && gradeChange.to) bump(groupGradeAttr(group, gradeChange.to), 1);
      }
      const changed = [...deltas].filter(([, by]) => by !== 0);
      const transactItems: TransactItem[] = [
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
      let countersIndex = -1;
      if (changed.length > 0 || guard || groupGuard) {
        const names: Record<string, string> = {};
        const values: Record<string, number> = {};
        const adds = changed.map(([name, by], i) => {
          names[`#c${i}`] = name;
          values[`:c${i}`] = by;
          return `#c${i} :c${i}`;
        });
        const guarded = (prefix: string, attr: (g: Grade) => string, counts: Record<Grade, number>) =>
          GRADES.map((g, i) => {
            names[`#${prefix}${i}`] = attr(g);
            values[`:${prefix}${i}`] = counts[g];
            // A counter never written yet reads as zero.
            return counts[g] === 0
              ? `(attribute_not_exists(#${prefix}${i}) OR #${prefix}${i} = :${prefix}${i})`
              : `#${prefix}${i} = :${prefix}${i}`;
          });
        const conditions = [
          ...(guard ? guarded('g', gradeAttr, guard) : []),
          ...(groupGuard ? guarded('q', (g) => groupGradeAttr(groupGuard.group, g), groupGuard.counts) : []),
        ];
        const { pk, sk } = keys.unitPeriodKey(next.unitId, next.period);
        countersIndex = transactItems.length;
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
      let productsIndex = -1;
      if (productsRevision) {
        productsIndex = transactItems.length;
        transactItems.push(
          productRevisionGuard(db.tableName, next.employeeId, next.period, productsRevision.revision),
        );
      }
      let periodIndex = -1;
      if (appeal && 'filed' in appeal) {
        const marker = appeal.filed;
        transactItems.push({
          Put: {
            TableName: db.tableName,
            Item: { ...keys.pendingAppeal(marker.period, marker.employeeId), ...marker },
          },
        });
        periodIndex = transactItems.length;
        // Counted on the period, and only while it is CLOSED: a reopen (which needs none filed) and an appeal
        // can never both get through.
        transactItems.push({
          Update: {
            TableName: db.tableName,
            Key: keys.periodKey(next.period),
            UpdateExpression: 'ADD appealsFiled :one',
            ConditionExpression: '#status = :closed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':one': 1, ':closed': 'CLOSED' },
          },
        });
      } else if (appeal && 'decided' in appeal) {
        transactItems.push({
          Delete: {
            TableName: db.tableName,
            Key: keys.pendingAppealKey(appeal.decided.period, appeal.decided.employeeId),
          },
        });
      }
      let receiptIndex = -1;
      if (receipt) {
        receiptIndex = transactItems.length;
        transactItems.push({
          Put: {
            TableName: db.tableName,
            Item: receiptItem(receipt),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      for (const n of notifications)
        transactItems.push({ Put: { TableName: db.tableName, Item: notificationItem(n) } });
      try {
        await db.doc.send(new TransactWriteCommand({ TransactItems: transactItems }));
        return 'written';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const failed = (i: number) =>
          i >= 0 && error.CancellationReasons?.[i]?.Code === 'ConditionalCheckFailed';
        if (failed(receiptIndex)) return 'duplicate';
        if (failed(0) || failed(1) || failed(productsIndex)) return 'stale';
        if (failed(countersIndex)) return 'counters-moved';
        if (failed(periodIndex)) return 'period-moved';
        if ((error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict'))
          return 'conflict';
        throw error;
      }
    },
  };
}

export type EvaluationStore = ReturnType<typeof evaluationStore>;
