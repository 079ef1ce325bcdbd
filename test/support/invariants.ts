/**
 * The invariants of the table that no crash, kill or restart may break, checked by scanning the whole table
 * (fine for the demo's few hundred items; tests only, never part of the product):
 * - each evaluation's version equals the length of its history, whose events are versions 1..version (a draft
 *   opened since 2026-12, `rostered`, implies its opening event instead of storing it);
 * - each rostered evaluation is on its reviewer's and approver's rosters and counted on its unit's roster;
 * - each unit's grade counters for a period equal the grades of its evaluations that carry a decision;
 * - each unit's status counters and `evaluated` count equal its evaluations;
 * - every idempotency receipt of a transition has its change: the history holds the version the receipt answered
 *   (the receipt is written in the change's transaction, so a crash can leave neither without the other).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EVALUATION_STATUSES, GRADES } from '../../shared/domain/types.ts';
import type { Db } from '../../shared/store/client.ts';
import {
  decode,
  evaluationSchema,
  type HistoryEvent,
  historyEventSchema,
  type StoredEvaluation,
} from '../../shared/store/entities.ts';
import { openingEvent } from '../../shared/store/evaluation-store.ts';
import { receiptOf } from '../../shared/store/idempotency-store.ts';
import { ENTITY, keys } from '../../shared/store/keys.ts';

type Item = Record<string, unknown>;

export async function scanTable(db: Db): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new ScanCommand({ TableName: db.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export const RULES = {
  versionIsHistoryLength: "each evaluation's version equals its history length (events 1..version)",
  gradeCounters: "each unit's grade counters equal the grades of its decided evaluations",
  statusCounters: "each unit's status counters and evaluated count equal its evaluations",
  rostersListThem: "each rostered evaluation is on its reviewer's, approver's and unit's rosters",
  receiptsHaveTheirChange: 'every idempotency receipt of a transition has its change in the history',
} as const;
export type Rule = keyof typeof RULES;

export interface InvariantReport {
  /** Individual checks made, per rule (one per evaluation, per counter, per idempotency receipt). */
  checked: Record<Rule, number>;
  violations: Record<Rule, string[]>;
  evaluations: StoredEvaluation[];
  history: HistoryEvent[];
}

const num = (value: unknown) => (typeof value === 'number' ? value : 0);

export async function checkInvariants(db: Db): Promise<InvariantReport> {
  const items = await scanTable(db);
  const checked: Record<Rule, number> = {
    versionIsHistoryLength: 0,
    gradeCounters: 0,
    statusCounters: 0,
    rostersListThem: 0,
    receiptsHaveTheirChange: 0,
  };
  const violations: Record<Rule, string[]> = {
    versionIsHistoryLength: [],
    gradeCounters: [],
    statusCounters: [],
    rostersListThem: [],
    receiptsHaveTheirChange: [],
  };
  const of = (type: string) => items.filter((i) => i.entityType === type);
  const evaluations = of(ENTITY.evaluation).map((i) => decode(evaluationSchema, i, 'evaluation'));
  const stored = of(ENTITY.history).map((i) => decode(historyEventSchema, i, 'history event'));
  const storedOpenings = new Set(
    stored.filter((h) => h.version === 1).map((h) => `${h.employeeId}/${h.period}`),
  );
  // The openings rostered drafts imply, as the store's history reads them.
  const history = [
    ...evaluations
      .filter((e) => e.rostered && !storedOpenings.has(`${e.employeeId}/${e.period}`))
      .map(openingEvent),
    ...stored,
  ];
  const rosters = new Map(
    of(ENTITY.roster).map((r) => [`${String(r.pk)}|${String(r.sk)}`, (r.ids as Set<string>) ?? new Set()]),
  );
  for (const e of evaluations.filter((x) => x.rostered)) {
    for (const [name, key] of [
      ['reviewer', keys.roster('reviewer', e.reviewerId, e.period, e.unitId)],
      ['approver', keys.roster('approver', e.approverId, e.period, e.unitId)],
      ['unit', keys.unitRoster(e.unitId, e.period)],
    ] as const) {
      checked.rostersListThem++;
      if (!rosters.get(`${key.pk}|${key.sk}`)?.has(e.employeeId))
        violations.rostersListThem.push(`${e.employeeId}/${e.period}: not on its ${name}'s roster`);
    }
  }

  const versionsByEvaluation = new Map<string, number[]>();
  for (const event of history) {
    const key = `${event.employeeId}/${event.period}`;
    versionsByEvaluation.set(key, [...(versionsByEvaluation.get(key) ?? []), event.version]);
  }
  for (const e of evaluations) {
    checked.versionIsHistoryLength++;
    const key = `${e.employeeId}/${e.period}`;
    const versions = (versionsByEvaluation.get(key) ?? []).sort((a, b) => a - b);
    const expected = Array.from({ length: e.version }, (_, i) => i + 1);
    if (versions.join(',') !== expected.join(','))
      violations.versionIsHistoryLength.push(`${key}: version ${e.version}, history [${versions.join(',')}]`);
  }

  // Counters per unit and period, against what the evaluations say.
  const counters = new Map(of(ENTITY.unitPeriod).map((c) => [`${c.unitId}/${c.period}`, c]));
  const groups = new Map<string, StoredEvaluation[]>();
  for (const e of evaluations) {
    const key = `${e.unitId}/${e.period}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const key of new Set([...counters.keys(), ...groups.keys()])) {
    const row = counters.get(key);
    const members = groups.get(key) ?? [];
    for (const grade of GRADES) {
      checked.gradeCounters++;
      const actual = members.filter((e) => e.decision?.grade === grade).length;
      if (num(row?.[`g_${grade}`]) !== actual)
        violations.gradeCounters.push(`${key}: g_${grade} = ${num(row?.[`g_${grade}`])}, decided ${actual}`);
    }
    for (const status of EVALUATION_STATUSES) {
      checked.statusCounters++;
      const actual = members.filter((e) => e.status === status).length;
      if (num(row?.[`n_${status}`]) !== actual)
        violations.statusCounters.push(
          `${key}: n_${status} = ${num(row?.[`n_${status}`])}, actual ${actual}`,
        );
    }
    checked.statusCounters++;
    if (num(row?.evaluated) !== members.length)
      violations.statusCounters.push(`${key}: evaluated = ${num(row?.evaluated)}, actual ${members.length}`);
  }

  const events = new Set(history.map((h) => `${h.employeeId}/${h.period}/${h.version}`));
  for (const item of of(ENTITY.idempotency)) {
    const receipt = receiptOf(item);
    checked.receiptsHaveTheirChange++;
    const { statusCode, body } = receipt.response;
    if (statusCode < 200 || statusCode > 299) continue;
    const answer = JSON.parse(body) as { employeeId?: unknown; period?: unknown; version?: unknown };
    if (typeof answer.version !== 'number' || typeof answer.employeeId !== 'string') continue;
    const event = `${answer.employeeId}/${String(answer.period)}/${answer.version}`;
    if (!events.has(event))
      violations.receiptsHaveTheirChange.push(
        `receipt ${receipt.key} answered ${event}, which the history lacks`,
      );
  }
  return { checked, violations, evaluations, history };
}

export const totalChecks = (report: InvariantReport) =>
  Object.values(report.checked).reduce((sum, n) => sum + n, 0);
