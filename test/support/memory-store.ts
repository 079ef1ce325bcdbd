/**
 * An in-memory store with the contract of the DynamoDB one (shared/store/store.ts): the same repositories, the same
 * conditions (a transition only over the version it read, the grade counts it decided on, a receipt not yet
 * there), the same outcomes. The use-case tests run on it in milliseconds, without Java; the store contract tests
 * (test/support/store-contract.ts) hold both stores to the same behaviour, so a test passing here means the same
 * on DynamoDB. Indexes are read as DynamoDB's are eventually: here always up to date.
 *
 * Values go in and out as deep copies: nothing a caller keeps can change what is stored, as with a real table.
 */
import { PRODUCTS_LOCKED_STATUSES, productsOpen } from '../../shared/domain/products.ts';
import { BUILT_IN_RUBRICS, findRubric, type Rubric } from '../../shared/domain/rubrics.ts';
import { EVALUATION_STATUSES, GRADES } from '../../shared/domain/types.ts';
import type { AttachmentWriteOutcome } from '../../shared/store/attachment-store.ts';
import type { BulkRecord } from '../../shared/store/bulk-store.ts';
import type {
  AnnualSummary,
  Delegation,
  Employee,
  HistoryEvent,
  MailPreference,
  OrgAuditEvent,
  OutboxMessage,
  PendingAppeal,
  Period,
  RankingRow,
  RankingSnapshot,
  StoredAnnualResult,
  StoredAttachment,
  StoredEvaluation,
  StoredNotification,
  StoredProduct,
  StoredReceipt,
  StoredRun,
  SubunitRankingSnapshot,
  Unit,
  UnitPeriodCounters,
  WorkLogEvent,
} from '../../shared/store/entities.ts';
import { type TransitionWrite, type WriteOutcome, withOpening } from '../../shared/store/evaluation-store.ts';
import { RECEIPT_TTL_SECONDS } from '../../shared/store/idempotency-store.ts';
import type { OutboxRef } from '../../shared/store/outbox-store.ts';
import type { ProductWriteOutcome } from '../../shared/store/product-store.ts';
import type { RunRef, StepOutcome, StepOutput } from '../../shared/store/run-store.ts';
import type { Store } from '../../shared/store/store.ts';

const copy = <T>(value: T): T => structuredClone(value);
const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);

function emptyCounters(unitId: string, period: string): UnitPeriodCounters {
  return {
    unitId,
    period,
    evaluated: 0,
    outstanding: false,
    status: Object.fromEntries(EVALUATION_STATUSES.map((s) => [s, 0])) as UnitPeriodCounters['status'],
    grades: Object.fromEntries(GRADES.map((g) => [g, 0])) as UnitPeriodCounters['grades'],
  };
}

/** Everything the memory store holds, for tests that inspect it (like a table scan). */
export interface MemoryTables {
  units: Map<string, Unit>;
  employees: Map<string, Employee>;
  delegations: Delegation[];
  audit: OrgAuditEvent[];
  periods: Map<string, Period>;
  evaluations: Map<string, StoredEvaluation>;
  history: Map<string, HistoryEvent>;
  counters: Map<string, UnitPeriodCounters>;
  rubrics: Map<string, Rubric>;
  rankings: Map<string, RankingSnapshot>;
  /** The step result a job step's output carries, by the output's key (the DynamoDB store's `stepResult`). */
  rankingStepResults: Map<string, unknown>;
  subunitRankings: Map<string, SubunitRankingSnapshot>;
  annual: Map<string, StoredAnnualResult>;
  receipts: Map<string, StoredReceipt & { expiresAt: number }>;
  runs: Map<string, StoredRun>;
  steps: Map<string, { result: unknown }>;
  outbox: Map<string, OutboxMessage>;
  products: Map<string, StoredProduct>;
  /** Per employee and period: the revision every scoring change moves, and how many products there are. */
  productRevisions: Map<string, { revision: number; count: number }>;
  workLog: WorkLogEvent[];
  attachments: Map<string, StoredAttachment>;
  notifications: Map<string, StoredNotification>;
  mailPreferences: Map<string, MailPreference>;
  /** Messages handed to SES per day. */
  mailQuota: Map<string, number>;
  pendingAppeals: Map<string, PendingAppeal>;
  annualSummaries: Map<string, AnnualSummary>;
}

export function createMemoryStore(): Store & { tables: MemoryTables } {
  const t: MemoryTables = {
    units: new Map(),
    employees: new Map(),
    delegations: [],
    audit: [],
    periods: new Map(),
    evaluations: new Map(),
    history: new Map(),
    counters: new Map(),
    rubrics: new Map(),
    rankings: new Map(),
    rankingStepResults: new Map(),
    subunitRankings: new Map(),
    annual: new Map(),
    receipts: new Map(),
    runs: new Map(),
    steps: new Map(),
    outbox: new Map(),
    products: new Map(),
    productRevisions: new Map(),
    workLog: [],
    attachments: new Map(),
    notifications: new Map(),
    mailPreferences: new Map(),
    mailQuota: new Map(),
    pendingAppeals: new Map(),
    annualSummaries: new Map(),
  };
  const evalKey = (employeeId: string, period: string) => `${employeeId}|${period}`;
  const unitPeriodKey = (unitId: string, period: string) => `${unitId}|${period}`;
  const histKey = (e: { employeeId: string; period: string; version: number }) =>
    `${e.employeeId}|${e.period}|${String(e.version).padStart(6, '0')}`;
  const runKey = (job: string, scope: string) => `${job}|${scope}`;
  const productKey = (employeeId: string, period: string, source: string, sourceId: string) =>
    `${employeeId}|${period}|${source}|${sourceId}`;
  const attachmentKey = (employeeId: string, period: string, id: string) => `${employeeId}|${period}|${id}`;
  const stepKey = (run: RunRef, step: string) => `${run.job}|${run.scope}|${run.runId}|${step}`;
  const outboxKey = (m: OutboxRef) => `${m.day}|${m.recipientId}|${m.reminder}`;
  const evaluationsWhere = (keep: (e: StoredEvaluation) => boolean) =>
    [...t.evaluations.values()]
      .filter(keep)
      .sort((a, b) => a.employeeId.localeCompare(b.employeeId))
      .map(copy);
  const counters = (unitId: string, period: string) =>
    copy(t.counters.get(unitPeriodKey(unitId, period)) ?? emptyCounters(unitId, period));

  const putUnit = async (unit: Unit, audit: OrgAuditEvent) => {
    t.units.set(unit.id, copy(unit));
    t.audit.push(copy(audit));
  };
  const putEmployee = async (employee: Employee, audit: OrgAuditEvent) => {
    t.employees.set(employee.id, copy(employee));
    t.audit.push(copy(audit));
  };

  // As the DynamoDB store: a rostered draft, no stored opening event (the draft implies it), counted once.
  const addDrafts = (drafts: readonly StoredEvaluation[], outstanding: boolean): number => {
    let created = 0;
    for (const draft of drafts) {
      const key = evalKey(draft.employeeId, draft.period);
      if (t.evaluations.has(key)) continue;
      t.evaluations.set(key, copy({ ...draft, rostered: true as const, publishedAt: null }));
      const c = counters(draft.unitId, draft.period);
      c.evaluated++;
      c.status.DRAFT++;
      c.outstanding = outstanding;
      t.counters.set(unitPeriodKey(draft.unitId, draft.period), c);
      created++;
    }
    return created;
  };

  /** A conditional update of an outbox message: false when it is absent or the condition does not hold. */
  const updateOutbox = async (
    ref: OutboxRef,
    when: (m: OutboxMessage) => boolean,
    set: Partial<OutboxMessage>,
  ): Promise<boolean> => {
    const key = outboxKey(ref);
    const current = t.outbox.get(key);
    if (!current || !when(current)) return false;
    t.outbox.set(key, { ...current, ...copy(set) });
    return true;
  };
  const markNotificationRead = async (recipientId: string, id: string, at: string) => {
    const key = `${recipientId}|${id}`;
    const found = t.notifications.get(key);
    if (!found) return null;
    // Read once: the first time stays.
    if (found.readAt === null) t.notifications.set(key, { ...found, readAt: at });
    return copy(t.notifications.get(key) ?? null);
  };
  const writePreference = async (
    employeeId: string,
    set: Partial<MailPreference>,
  ): Promise<MailPreference> => {
    const next: MailPreference = {
      employeeId,
      emailOff: false,
      suppression: null,
      updatedAt: '',
      ...t.mailPreferences.get(employeeId),
      ...set,
    };
    t.mailPreferences.set(employeeId, copy(next));
    return copy(next);
  };

  const receiptLive = (key: string): boolean => {
    const found = t.receipts.get(key);
    return found !== undefined && found.expiresAt * 1000 >= Date.now();
  };

  const store: Store = {
    org: {
      getUnit: async (unitId) => copy(t.units.get(unitId) ?? null),
      getEmployee: async (employeeId) => copy(t.employees.get(employeeId) ?? null),
      getEmployees: async (ids) =>
        new Map(
          ids.flatMap((id) => (t.employees.has(id) ? [[id, copy(t.employees.get(id) as Employee)]] : [])),
        ),
      getUnits: async (ids) =>
        new Map(ids.flatMap((id) => (t.units.has(id) ? [[id, copy(t.units.get(id) as Unit)]] : []))),
      names: async (employeeIds, unitIds) => ({
        employees: new Map(
          employeeIds.flatMap((id) => {
            const e = t.employees.get(id);
            return e ? [[id, e.name] as const] : [];
          }),
        ),
        units: new Map(
          unitIds.flatMap((id) => {
            const u = t.units.get(id);
            return u ? [[id, u.name] as const] : [];
          }),
        ),
      }),
      listUnits: async () => [...t.units.values()].sort(byId).map(copy),
      isEmpty: async () => t.units.size === 0,
      listChildUnits: async (parentId) =>
        [...t.units.values()]
          .filter((u) => u.parentId === parentId)
          .sort(byId)
          .map(copy),
      listUnitStaff: async (unitId) =>
        [...t.employees.values()]
          .filter((e) => e.unitId === unitId)
          .sort(byId)
          .map(copy),
      putUnit,
      putEmployee,
      putDelegation: async (delegation, audit) => {
        t.delegations = t.delegations.filter(
          (d) =>
            !(
              d.unitId === delegation.unitId &&
              d.delegateId === delegation.delegateId &&
              d.from === delegation.from
            ),
        );
        t.delegations.push(copy(delegation));
        t.audit.push(copy(audit));
      },
      importOrg: async (units, employees, auditFor) => {
        const records = [...units.map((unit) => ({ unit })), ...employees.map((employee) => ({ employee }))];
        for (let i = 0; i < records.length; i += 99) {
          const chunk = records.slice(i, i + 99);
          const chunkUnits = chunk.flatMap((r) => ('unit' in r ? [r.unit] : []));
          const chunkEmployees = chunk.flatMap((r) => ('employee' in r ? [r.employee] : []));
          for (const u of chunkUnits) t.units.set(u.id, copy(u));
          for (const e of chunkEmployees) t.employees.set(e.id, copy(e));
          t.audit.push(copy(auditFor({ units: chunkUnits, employees: chunkEmployees }, i / 99)));
        }
      },
      recordAudit: async (event) => {
        t.audit.push(copy(event));
      },
      listUnitDelegations: async (unitId) =>
        t.delegations
          .filter((d) => d.unitId === unitId)
          .sort((a, b) => `${a.delegateId}#${a.from}`.localeCompare(`${b.delegateId}#${b.from}`))
          .map(copy),
      listDelegationsTo: async (delegateId) =>
        t.delegations
          .filter((d) => d.delegateId === delegateId)
          .sort((a, b) => `${a.unitId}#${a.from}`.localeCompare(`${b.unitId}#${b.from}`))
          .map(copy),
    },

    periods: {
      get: async (period) => copy(t.periods.get(period) ?? null),
      list: async () => [...t.periods.values()].sort((a, b) => a.period.localeCompare(b.period)).map(copy),
      createIfMissing: async (period) => {
        const existing = t.periods.get(period.period);
        if (existing) return { created: false, period: copy(existing) };
        t.periods.set(period.period, copy(period));
        return { created: true, period: copy(period) };
      },
      setSkipped: async (period, skipped) => {
        const p = t.periods.get(period);
        if (p)
          t.periods.set(period, {
            ...p,
            skipped: copy(skipped.slice(0, 1000)),
            skippedCount: skipped.length,
          });
      },
      markClosing: async (period, at) => {
        const p = t.periods.get(period);
        if (p?.status !== 'OPEN') return false;
        t.periods.set(period, { ...p, status: 'CLOSING', closingStartedAt: at });
        return true;
      },
      beginReopening: async (period, change, audit) => {
        const p = t.periods.get(period);
        if (
          p?.status !== 'CLOSED' ||
          p.appealDeadline !== change.appealDeadline ||
          (p.appealsFiled ?? 0) !== 0
        )
          return false;
        const { closingStartedAt: _dropped, ...rest } = p;
        t.periods.set(period, {
          ...rest,
          status: 'REOPENING',
          reopen: copy(change.reopen),
          deadlines: copy(change.deadlines),
          closesAt: change.closesAt,
          closedAt: null,
          publishedAt: null,
          appealDeadline: null,
        });
        t.audit.push(copy(audit));
        return true;
      },
      markReopened: async (period) => {
        const p = t.periods.get(period);
        if (p?.status !== 'REOPENING') return false;
        t.periods.set(period, { ...p, status: 'OPEN' });
        return true;
      },
      markClosed: async (period, at, appealDeadline) => {
        const p = t.periods.get(period);
        if (p?.status !== 'CLOSING') return false;
        t.periods.set(period, { ...p, status: 'CLOSED', closedAt: at, publishedAt: at, appealDeadline });
        return true;
      },
    },

    evaluations: {
      get: async (employeeId, period) => copy(t.evaluations.get(evalKey(employeeId, period)) ?? null),
      listOfEmployee: async (employeeId, prefix) =>
        evaluationsWhere((e) => e.employeeId === employeeId && e.period.startsWith(prefix)).sort((a, b) =>
          a.period.localeCompare(b.period),
        ),
      listByReviewer: async (reviewerId, period) =>
        evaluationsWhere((e) => e.reviewerId === reviewerId && e.period === period),
      listByApprover: async (approverId, period) =>
        evaluationsWhere((e) => e.approverId === approverId && e.period === period),
      listByUnit: async (unitId, period) =>
        evaluationsWhere((e) => e.unitId === unitId && e.period === period),
      rankingRows: async (unitId, period): Promise<RankingRow[]> =>
        evaluationsWhere((e) => e.unitId === unitId && e.period === period).map((e) => ({
          employeeId: e.employeeId,
          employeeName: e.employeeName,
          status: e.status,
          rubricId: e.rubricId,
          rubricVersion: e.rubricVersion,
          ...(e.dutyGroup ? { dutyGroup: e.dutyGroup } : {}),
          flags: e.flags,
          selfAssessment: e.selfAssessment && {
            total: e.selfAssessment.total,
            submittedAt: e.selfAssessment.submittedAt,
          },
          review: e.review && { total: e.review.total, comment: e.review.comment },
          decision: e.decision && {
            total: e.decision.total,
            grade: e.decision.grade,
            comment: e.decision.comment,
          },
        })),
      reminderRows: async (unitId, period) =>
        evaluationsWhere((e) => e.unitId === unitId && e.period === period).map((e) => ({
          employeeId: e.employeeId,
          period: e.period,
          status: e.status,
          returnedTo: e.returnedTo,
          reviewerId: e.reviewerId,
          approverId: e.approverId,
          deadlines: e.deadlines,
        })),
      listPendingAppeals: async (period) =>
        [...t.pendingAppeals.entries()]
          .filter(([k]) => k.startsWith(`${period}|`))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, m]) => copy(m)),
      history: async (employeeId, period, evaluation) =>
        withOpening(
          [...t.history.entries()]
            .filter(([k]) => k.startsWith(`${employeeId}|${period}|`))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([, h]) => copy(h)),
          evaluation === undefined ? (t.evaluations.get(evalKey(employeeId, period)) ?? null) : evaluation,
        ),
      unitCounters: async (unitId, period) => counters(unitId, period),
      unitCountersOf: async (unitIds, period) => new Map(unitIds.map((id) => [id, counters(id, period)])),
      periodCounters: async (period, unitIds) =>
        [...t.counters.values()]
          .filter((c) => c.period === period && (!unitIds || unitIds.includes(c.unitId)))
          .sort((a, b) => a.unitId.localeCompare(b.unitId))
          .map(copy),
      createDrafts: async (_unitId, _period, drafts, _existing, outstanding) =>
        addDrafts(drafts, outstanding),
      writeTransition: async (change: TransitionWrite): Promise<WriteOutcome> => {
        const { previous, next, event, gradeChange, guard, receipt, productsRevision, appeal } = change;
        const key = evalKey(previous.employeeId, previous.period);
        if (receipt && receiptLive(`${receipt.principalId}|${receipt.key}`)) return 'duplicate';
        if (t.evaluations.get(key)?.version !== previous.version || t.history.has(histKey(event)))
          return 'stale';
        if (productsRevision && (t.productRevisions.get(key)?.revision ?? null) !== productsRevision.revision)
          return 'stale';
        const c = counters(next.unitId, next.period);
        if (guard && GRADES.some((g) => c.grades[g] !== guard[g])) return 'counters-moved';
        const groupGuard = change.groupGuard ?? null;
        const groupCounts = (group: string) => c.groups?.[group] ?? { A: 0, B: 0, C: 0, D: 0 };
        if (groupGuard && GRADES.some((g) => groupCounts(groupGuard.group)[g] !== groupGuard.counts[g]))
          return 'counters-moved';
        const periodRecord = t.periods.get(next.period);
        if (appeal && 'filed' in appeal && periodRecord?.status !== 'CLOSED') return 'period-moved';
        if (previous.status !== next.status) {
          c.status[previous.status]--;
          c.status[next.status]++;
        }
        if (gradeChange && gradeChange.from !== gradeChange.to) {
          if (gradeChange.from) c.grades[gradeChange.from]--;
          if (gradeChange.to) c.grades[gradeChange.to]++;
          // The group's counts move with the unit's (as the DynamoDB store's gg#<group>#<grade> attributes).
          const group = next.dutyGroup ?? null;
          if (group !== null) {
            const counts = { ...groupCounts(group) };
            if (gradeChange.from) counts[gradeChange.from]--;
            if (gradeChange.to) counts[gradeChange.to]++;
            c.groups = { ...c.groups, [group]: counts };
          }
        }
        t.evaluations.set(key, copy({ ...next, publishedAt: null }));
        t.history.set(histKey(event), copy(event));
        t.counters.set(unitPeriodKey(next.unitId, next.period), c);
        for (const n of change.notifications ?? []) t.notifications.set(`${n.recipientId}|${n.id}`, copy(n));
        if (appeal && 'filed' in appeal && periodRecord) {
          t.pendingAppeals.set(`${next.period}|${next.employeeId}`, copy(appeal.filed));
          t.periods.set(next.period, { ...periodRecord, appealsFiled: (periodRecord.appealsFiled ?? 0) + 1 });
        }
        if (appeal && 'decided' in appeal)
          t.pendingAppeals.delete(`${appeal.decided.period}|${appeal.decided.employeeId}`);
        if (receipt)
          t.receipts.set(`${receipt.principalId}|${receipt.key}`, {
            ...copy(receipt),
            expiresAt: Math.floor(Date.parse(receipt.at) / 1000) + RECEIPT_TTL_SECONDS,
          });
        return 'written';
      },
    },

    rubrics: {
      getVersion: async (rubricId, version) =>
        copy(
          findRubric(BUILT_IN_RUBRICS, rubricId, version) ?? t.rubrics.get(`${rubricId}@${version}`) ?? null,
        ),
      getLatest: async (rubricId) => {
        const stored = [...t.rubrics.values()]
          .filter((r) => r.id === rubricId)
          .sort((a, b) => b.version - a.version)[0];
        return copy(stored ?? findRubric(BUILT_IN_RUBRICS, rubricId) ?? null);
      },
      listLatest: async () => {
        const latest = new Map<string, Rubric>(BUILT_IN_RUBRICS.map((r) => [r.id, r]));
        for (const r of t.rubrics.values()) {
          const known = latest.get(r.id);
          if (!known || r.version > known.version) latest.set(r.id, r);
        }
        return [...latest.values()].sort(byId).map(copy);
      },
      putVersion: async (rubric) => {
        const key = `${rubric.id}@${rubric.version}`;
        if (t.rubrics.has(key)) return false;
        t.rubrics.set(key, copy(rubric));
        return true;
      },
    },

    rankings: {
      get: async (unitId, period) => copy(t.rankings.get(unitPeriodKey(unitId, period)) ?? null),
      put: async (snapshot) => {
        t.rankings.set(unitPeriodKey(snapshot.unitId, snapshot.period), copy(snapshot));
        t.rankingStepResults.delete(unitPeriodKey(snapshot.unitId, snapshot.period));
      },
      getMany: async (unitIds, period) =>
        new Map(
          unitIds.flatMap((id) => {
            const s = t.rankings.get(unitPeriodKey(id, period));
            return s ? [[id, copy(s)]] : [];
          }),
        ),
      putMany: async (snapshots, subunits) => {
        for (const s of snapshots) {
          t.rankings.set(unitPeriodKey(s.unitId, s.period), copy(s));
          t.rankingStepResults.delete(unitPeriodKey(s.unitId, s.period));
        }
        for (const s of subunits) t.subunitRankings.set(unitPeriodKey(s.unitId, s.period), copy(s));
      },
      setSubtrees: async (period, computedAt, subtrees) => {
        let set = 0;
        for (const [unitId, subtree] of subtrees) {
          const s = t.rankings.get(unitPeriodKey(unitId, period));
          if (s?.computedAt !== computedAt) continue;
          t.rankings.set(unitPeriodKey(unitId, period), { ...s, subtree: copy(subtree) });
          set++;
        }
        return set;
      },
      getSubunit: async (unitId, period) =>
        copy(t.subunitRankings.get(unitPeriodKey(unitId, period)) ?? null),
      putSubunit: async (snapshot) => {
        t.subunitRankings.set(unitPeriodKey(snapshot.unitId, snapshot.period), copy(snapshot));
      },
      putAnnual: async (results, unit) => {
        // A unit's results for a year are replaced as a whole, as the DynamoDB store keeps them (one item a unit).
        const replaced = new Set(results.map((r) => `${r.unitId}|${r.year}`));
        if (unit) replaced.add(`${unit.unitId}|${unit.year}`);
        for (const [k, r] of t.annual) if (replaced.has(`${r.unitId}|${r.year}`)) t.annual.delete(k);
        for (const r of results) t.annual.set(`${r.employeeId}|${r.year}`, copy(r));
      },
      putAnnualSummaries: async (summaries) => {
        for (const s of summaries) t.annualSummaries.set(`${s.unitId}|${s.year}`, copy(s));
      },
      getAnnualSummaries: async (unitIds, year) =>
        new Map(
          unitIds.flatMap((id) => {
            const s = t.annualSummaries.get(`${id}|${year}`);
            return s ? [[id, copy(s)] as const] : [];
          }),
        ),
      listUnitAnnual: async (unitId, year) =>
        [...t.annual.values()]
          .filter((r) => r.unitId === unitId && r.year === year)
          .sort((a, b) => a.employeeId.localeCompare(b.employeeId))
          .map(copy),
    },

    receipts: {
      get: async (principalId, key) =>
        receiptLive(`${principalId}|${key}`) ? copy(t.receipts.get(`${principalId}|${key}`) ?? null) : null,
      put: async (receipt) => {
        const key = `${receipt.principalId}|${receipt.key}`;
        if (receiptLive(key)) return 'exists';
        t.receipts.set(key, {
          ...copy(receipt),
          expiresAt: Math.floor(Date.parse(receipt.at) / 1000) + RECEIPT_TTL_SECONDS,
        });
        return 'written';
      },
    },

    runs: {
      get: async (job, scope) => copy(t.runs.get(runKey(job, scope)) ?? null),
      replace: async (run, previousRunId) => {
        const current = t.runs.get(runKey(run.job, run.scope));
        if (previousRunId === null ? current !== undefined : current?.runId !== previousRunId) return false;
        t.runs.set(runKey(run.job, run.scope), copy(run));
        return true;
      },
      finish: async (run, summary, finishedAt) => {
        const current = t.runs.get(runKey(run.job, run.scope));
        if (current?.runId !== run.runId || current.status !== 'RUNNING') return false;
        t.runs.set(runKey(run.job, run.scope), {
          ...current,
          status: 'DONE',
          finishedAt,
          summary: copy(summary),
        });
        return true;
      },
      getStep: async (run, step) => copy(t.steps.get(stepKey(run, step))?.result ?? null),
      listSteps: async (run) => {
        const prefix = `${run.job}|${run.scope}|${run.runId}|`;
        return new Map(
          [...t.steps.entries()]
            .filter(([k]) => k.startsWith(prefix))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k.slice(prefix.length), copy(v.result)]),
        );
      },
      completeSteps: async (run, steps) => {
        // As the DynamoDB store: an output carries (part of) its step's result and is written only over an older
        // computation; a step finding its computation's output in place records what that output carries.
        const outcomes = new Map<string, StepOutcome>();
        const once = (step: string, result: unknown) => {
          const key = stepKey(run, step);
          if (t.steps.has(key)) return void outcomes.set(step, 'already');
          t.steps.set(key, { result: copy(result) });
          outcomes.set(step, 'completed');
        };
        for (const [step, work] of steps) {
          const outputs = (work.outputs ?? []) as StepOutput[];
          if (outputs.length === 0) {
            once(step, work.result);
            continue;
          }
          const carried = work.carried ?? work.result;
          let found: { carried: unknown } | null = null;
          let written = false;
          for (const output of outputs) {
            const at = unitPeriodKey(output.snapshot.unitId, output.snapshot.period);
            const existing = t.rankings.get(at);
            if (!existing || existing.computedAt < run.at) {
              t.rankings.set(at, copy(output.snapshot));
              t.rankingStepResults.set(at, copy(found ? found.carried : carried));
              written = true;
            } else if (existing.computedAt === run.at && t.rankingStepResults.has(at)) {
              found ??= { carried: copy(t.rankingStepResults.get(at)) };
            }
          }
          if (found)
            once(
              step,
              work.carried ? { ...(work.result as object), ...(found.carried as object) } : found.carried,
            );
          else if (written) {
            t.steps.set(stepKey(run, step), { result: copy(work.result) });
            outcomes.set(step, 'completed');
          } else once(step, work.result);
        }
        return outcomes;
      },
    },

    outbox: {
      enqueue: async (message) => {
        const key = outboxKey(message);
        if (t.outbox.has(key)) return 'exists';
        t.outbox.set(key, copy(message));
        return 'queued';
      },
      get: async (ref) => copy(t.outbox.get(outboxKey(ref)) ?? null),
      listDay: async (day, options = {}) =>
        [...t.outbox.entries()]
          .filter(([k]) => k.startsWith(`${day}|`))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, m]) => copy(m))
          .filter((m) => !options.unsentOnly || m.status === 'PENDING' || m.status === 'SENDING'),
      claim: async (ref, now, staleBefore) =>
        updateOutbox(
          ref,
          (m) =>
            m.status === 'PENDING' ||
            (m.status === 'SENDING' && (m.claimedAt ?? '') < staleBefore && m.acceptedAt === undefined),
          { status: 'SENDING', claimedAt: now },
        ),
      markSent: async (ref, sentAt, providerMessageId, channel) =>
        updateOutbox(ref, (m) => m.status === 'SENDING', {
          status: 'SENT',
          sentAt,
          channel,
          ...(providerMessageId ? { providerMessageId } : {}),
        }),
      release: async (ref, error) =>
        updateOutbox(ref, (m) => m.status === 'SENDING', { status: 'PENDING', ...(error ? { error } : {}) }),
      settle: async (ref, to, extra = {}) =>
        updateOutbox(ref, (m) => m.status === 'PENDING' || m.status === 'SENDING', { status: to, ...extra }),
      recordAccepted: async (ref, providerMessageId, at) =>
        updateOutbox(ref, (m) => m.acceptedAt === undefined, { acceptedAt: at, providerMessageId }),
      reserveQuota: async (day, limit) => {
        const used = t.mailQuota.get(day) ?? 0;
        if (used >= limit) return false;
        t.mailQuota.set(day, used + 1);
        return true;
      },
      returnQuota: async (day) => {
        const used = t.mailQuota.get(day) ?? 0;
        if (used > 0) t.mailQuota.set(day, used - 1);
      },
      quotaUsed: async (day) => t.mailQuota.get(day) ?? 0,
    },

    notifications: {
      inbox: async (recipientId) => ({
        preference: copy(t.mailPreferences.get(recipientId) ?? null),
        items: [...t.notifications.entries()]
          .filter(([k]) => k.startsWith(`${recipientId}|`))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, n]) => copy(n)),
      }),
      get: async (recipientId, id) => copy(t.notifications.get(`${recipientId}|${id}`) ?? null),
      markRead: async (recipientId, id, at) => markNotificationRead(recipientId, id, at),
      markAllRead: async (recipientId, at, ids) => {
        let changed = 0;
        for (const id of ids) if ((await markNotificationRead(recipientId, id, at))?.readAt === at) changed++;
        return changed;
      },
      putMany: async (notifications) => {
        for (const n of notifications) t.notifications.set(`${n.recipientId}|${n.id}`, copy(n));
      },
    },

    mail: {
      getPreference: async (employeeId) => copy(t.mailPreferences.get(employeeId) ?? null),
      setEmailOff: async (employeeId, emailOff, at) =>
        writePreference(employeeId, { emailOff, updatedAt: at }),
      suppress: async (employeeId, suppression) =>
        writePreference(employeeId, { suppression: copy(suppression), updatedAt: suppression.at }),
      clearSuppression: async (employeeId, at) =>
        writePreference(employeeId, { suppression: null, updatedAt: at }),
      listSuppressed: async () =>
        [...t.mailPreferences.values()]
          .filter((p) => p.suppression !== null)
          .sort((a, b) => a.employeeId.localeCompare(b.employeeId))
          .map(copy),
    },

    bulk: {
      load: async (records: Iterable<BulkRecord>, options = {}) => {
        let written = 0;
        for (const r of records) {
          if (r.kind === 'unit') t.units.set(r.unit.id, copy(r.unit));
          else if (r.kind === 'employee') t.employees.set(r.employee.id, copy(r.employee));
          else if (r.kind === 'period') t.periods.set(r.period.period, copy(r.period));
          else if (r.kind === 'evaluation')
            t.evaluations.set(evalKey(r.evaluation.employeeId, r.evaluation.period), copy(r.evaluation));
          else if (r.kind === 'counters')
            t.counters.set(unitPeriodKey(r.counters.unitId, r.counters.period), copy(r.counters));
          // Rosters: the memory store lists by the evaluations themselves.
          else continue;
          written++;
          options.onProgress?.(written);
        }
        return written;
      },
    },

    products: {
      ofEvaluation: async (employeeId, period) => ({
        revision: t.productRevisions.get(evalKey(employeeId, period))?.revision ?? null,
        products: [...t.products.entries()]
          .filter(([k]) => k.startsWith(`${employeeId}|${period}|`))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, p]) => copy(p)),
      }),
      writeFeed: async (w): Promise<ProductWriteOutcome> => {
        const status = t.evaluations.get(evalKey(w.employeeId, w.period))?.status;
        if (status && (PRODUCTS_LOCKED_STATUSES as readonly string[]).includes(status)) return 'locked';
        const key = evalKey(w.employeeId, w.period);
        if ((t.productRevisions.get(key)?.revision ?? null) !== w.expectedRevision) return 'moved';
        // The DynamoDB store writes 97 changes a transaction, each moving the revision by one.
        const transactions = Math.max(1, Math.ceil(w.changes.length / 97));
        const revision = t.productRevisions.get(key) ?? { revision: 0, count: 0 };
        for (const change of w.changes) {
          const pk = productKey(w.employeeId, w.period, w.source, change.sourceId);
          if (change.kind === 'remove') {
            if (t.products.delete(pk)) revision.count--;
            continue;
          }
          const existing = t.products.get(pk);
          if (!existing) revision.count++;
          t.products.set(pk, {
            errorsExcused: 0,
            delaysExcused: 0,
            excuseNote: null,
            excusedBy: null,
            excusedAt: null,
            comment: null,
            commentedAt: null,
            ...existing,
            employeeId: w.employeeId,
            period: w.period,
            source: w.source,
            sourceId: change.sourceId,
            ...copy(change.report),
            fedBy: w.fedBy,
            createdAt: existing?.createdAt ?? w.at,
            updatedAt: w.at,
          });
        }
        revision.revision += transactions;
        t.productRevisions.set(key, revision);
        t.workLog.push({
          employeeId: w.employeeId,
          period: w.period,
          at: w.at,
          actorId: w.fedBy,
          action: 'feed',
          changes: {
            source: w.source,
            created: w.changes.filter((c) => c.kind === 'upsert' && c.created).map((c) => c.sourceId),
            updated: w.changes.filter((c) => c.kind === 'upsert' && !c.created).map((c) => c.sourceId),
            removed: w.changes.filter((c) => c.kind === 'remove').map((c) => c.sourceId),
          },
        });
        return 'written';
      },
      setExcuse: async (change): Promise<ProductWriteOutcome> => {
        const key = evalKey(change.employeeId, change.period);
        const status = t.evaluations.get(key)?.status;
        if (!status || !productsOpen(status)) return 'locked';
        const revision = t.productRevisions.get(key);
        const pk = productKey(change.employeeId, change.period, change.source, change.sourceId);
        const product = t.products.get(pk);
        if (!revision || !product) return 'missing';
        t.products.set(pk, {
          ...product,
          errorsExcused: change.errorsExcused,
          delaysExcused: change.delaysExcused,
          excuseNote: change.note,
          excusedBy: change.by,
          excusedAt: change.at,
        });
        t.productRevisions.set(key, { ...revision, revision: revision.revision + 1 });
        t.workLog.push(copy(change.audit));
        return 'written';
      },
      setComment: async (change): Promise<ProductWriteOutcome> => {
        const status = t.evaluations.get(evalKey(change.employeeId, change.period))?.status;
        if (!status || !productsOpen(status)) return 'locked';
        const pk = productKey(change.employeeId, change.period, change.source, change.sourceId);
        const product = t.products.get(pk);
        if (!product) return 'missing';
        t.products.set(pk, { ...product, comment: change.comment, commentedAt: change.at });
        t.workLog.push(copy(change.audit));
        return 'written';
      },
      log: async (employeeId, period) =>
        t.workLog
          .filter((e) => e.employeeId === employeeId && e.period === period)
          .sort((a, b) => a.at.localeCompare(b.at))
          .map(copy),
    },

    attachments: {
      get: async (employeeId, period, id) =>
        copy(t.attachments.get(attachmentKey(employeeId, period, id)) ?? null),
      ofEvaluation: async (employeeId, period) =>
        [...t.attachments.entries()]
          .filter(([k]) => k.startsWith(`${employeeId}|${period}|`))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, a]) => copy(a)),
      create: async (attachment) => {
        const key = attachmentKey(attachment.employeeId, attachment.period, attachment.id);
        if (t.attachments.has(key)) return false;
        t.attachments.set(key, copy(attachment));
        return true;
      },
      confirm: async (attachment, size, at, audit): Promise<AttachmentWriteOutcome> => {
        const status = t.evaluations.get(evalKey(attachment.employeeId, attachment.period))?.status;
        if (!status || !productsOpen(status)) return 'locked';
        const key = attachmentKey(attachment.employeeId, attachment.period, attachment.id);
        const stored = t.attachments.get(key);
        if (stored?.status !== 'UPLOADING') return 'missing';
        t.attachments.set(key, { ...stored, status: 'AVAILABLE', size, confirmedAt: at });
        t.workLog.push(copy(audit));
        return 'written';
      },
      remove: async (attachment, audit): Promise<AttachmentWriteOutcome> => {
        const status = t.evaluations.get(evalKey(attachment.employeeId, attachment.period))?.status;
        if (!status || !productsOpen(status)) return 'locked';
        if (!t.attachments.delete(attachmentKey(attachment.employeeId, attachment.period, attachment.id)))
          return 'missing';
        t.workLog.push(copy(audit));
        return 'written';
      },
      discard: async (attachment) => {
        const key = attachmentKey(attachment.employeeId, attachment.period, attachment.id);
        if (t.attachments.get(key)?.status === 'UPLOADING') t.attachments.delete(key);
      },
    },
  };
  return Object.assign(store, { tables: t });
}
