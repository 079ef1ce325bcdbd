/**
 * The store's contract, as one suite run against every store: the DynamoDB one (on DynamoDB Local,
 * test/integration/store-contract.test.ts) and the in-memory one the use-case unit tests run on
 * (test/unit/store-contract.test.ts). What one store does, the other does: reads, lists, conditions, outcomes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_FIGURES } from '../../shared/app/rankings/compute.ts';
import type { Employee, HistoryEvent, StoredEvaluation, Unit } from '../../shared/store/entities.ts';
import type { Store } from '../../shared/store/store.ts';

const AT = '2026-11-02T09:00:00.000+07:00';
const DEADLINES = {
  selfAssessment: '2026-12-03T23:59:59.999+07:00',
  review: '2026-12-07T23:59:59.999+07:00',
  approval: '2026-12-09T23:59:59.999+07:00',
};

const unit = (id: string, parentId: string | null): Unit => ({
  id,
  name: `Đơn vị ${id}`,
  parentId,
  outstanding: false,
  updatedAt: AT,
});
const employee = (id: string, unitId: string, extra: Partial<Employee> = {}): Employee => ({
  id,
  name: `Nhân sự ${id}`,
  unitId,
  category: 'civil_servant',
  supervisorId: null,
  isUnitHead: false,
  email: `${id}@example.gov.vn`,
  active: true,
  flags: {},
  updatedAt: AT,
  ...extra,
});
const audit = (entityId: string) => ({
  at: AT,
  actorId: 'test',
  action: 'create',
  entity: 'employee' as const,
  entityId,
});
export const draft = (employeeId: string, unitId: string, period = '2026-11'): StoredEvaluation => ({
  employeeId,
  employeeName: `Nhân sự ${employeeId}`,
  period,
  unitId,
  category: 'civil_servant',
  isUnitHead: false,
  status: 'DRAFT',
  returnedTo: null,
  version: 1,
  rubricId: 'hn-3814',
  rubricVersion: 1,
  reviewerId: 'rev',
  approverId: 'head',
  approverUnitId: unitId,
  deadlines: DEADLINES,
  selfAssessment: null,
  review: null,
  decision: null,
  appeal: null,
  flags: {},
  publishedAt: null,
  createdAt: AT,
  updatedAt: AT,
});
const opened = (e: StoredEvaluation): HistoryEvent => ({
  employeeId: e.employeeId,
  period: e.period,
  version: 1,
  at: AT,
  actorId: 'system',
  action: 'open',
  fromStatus: null,
  toStatus: 'DRAFT',
  comment: null,
  changes: null,
});

/** The draft `d` approved with an A by its head, as a transition writes it (version 2, its history event). */
const approvalOf = (draft: StoredEvaluation) => {
  // As the store reads a draft back: opened since 2026-12, on its rosters.
  const d: StoredEvaluation = { ...draft, rostered: true };
  const next: StoredEvaluation = {
    ...d,
    status: 'APPROVED',
    version: 2,
    decision: {
      scores: { all: 9500 },
      total: 9500,
      grade: 'A',
      comment: null,
      approvedAt: AT,
      approverId: 'head',
      adjusted: false,
    },
  };
  const event: HistoryEvent = {
    ...opened(d),
    version: 2,
    action: 'approve',
    fromStatus: 'DRAFT',
    toStatus: 'APPROVED',
  };
  return { previous: d, next, event, gradeChange: { from: null, to: 'A' as const } };
};

export function storeContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`the store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('keeps units and employees, lists them by unit, parent and id, and finds what is missing absent', async () => {
      await store.org.putUnit(unit('root', null), audit('root'));
      await store.org.putUnit(unit('b', 'root'), audit('b'));
      await store.org.putUnit(unit('a', 'root'), audit('a'));
      await store.org.putEmployee(employee('e2', 'a'), audit('e2'));
      await store.org.putEmployee(employee('e1', 'a', { isUnitHead: true }), audit('e1'));
      expect((await store.org.listUnits()).map((u) => u.id)).toEqual(['a', 'b', 'root']);
      expect((await store.org.listChildUnits('root')).map((u) => u.id)).toEqual(['a', 'b']);
      expect((await store.org.listChildUnits(null)).map((u) => u.id)).toEqual(['root']);
      expect((await store.org.listUnitStaff('a')).map((e) => e.id)).toEqual(['e1', 'e2']);
      expect(await store.org.getUnit('nowhere')).toBeNull();
      expect([...(await store.org.getEmployees(['e1', 'ghost', 'e1'])).keys()]).toEqual(['e1']);
      expect([...(await store.org.getUnits(['a', 'ghost'])).keys()]).toEqual(['a']);
      expect(await store.org.isEmpty()).toBe(false);
      // Names of people and units in one look-up; unknown ids are absent, repeated ids read once.
      const names = await store.org.names(['e1', 'e2', 'ghost', 'e1'], ['a', 'nowhere']);
      expect([...names.employees].sort()).toEqual([
        ['e1', 'Nhân sự e1'],
        ['e2', 'Nhân sự e2'],
      ]);
      expect([...names.units]).toEqual([['a', 'Đơn vị a']]);
      expect(await store.org.names([], [])).toEqual({ employees: new Map(), units: new Map() });
      // What is read back is a copy: changing it changes nothing stored.
      const read = await store.org.getEmployee('e1');
      if (read) read.name = 'changed';
      expect((await store.org.getEmployee('e1'))?.name).toBe('Nhân sự e1');
    });

    it('imports in chunks of 99 with an audit event per chunk', async () => {
      await store.org.putUnit(unit('u', null), audit('u'));
      const staff = Array.from({ length: 150 }, (_, i) => employee(`i${String(i).padStart(3, '0')}`, 'u'));
      const chunks: number[] = [];
      await store.org.importOrg([], staff, (chunk, index) => {
        chunks.push(chunk.employees.length);
        return { ...audit(`import:${index + 1}`), action: 'import' };
      });
      expect(chunks).toEqual([99, 51]);
      expect(await store.org.listUnitStaff('u')).toHaveLength(150);
    });

    it('creates a period once, closes it once, and publishes only what was closing', async () => {
      const period = {
        period: '2026-11',
        status: 'OPEN' as const,
        deadlines: DEADLINES,
        closesAt: '2026-12-10T00:30:00.000+07:00',
        openedAt: AT,
        openedBy: 'hr',
        skipped: [],
        closedAt: null,
        publishedAt: null,
        appealDeadline: null,
      };
      expect((await store.periods.createIfMissing(period)).created).toBe(true);
      const again = await store.periods.createIfMissing({ ...period, openedBy: 'someone else' });
      expect(again).toMatchObject({ created: false, period: { openedBy: 'hr' } });
      expect(await store.periods.markClosed('2026-11', AT, AT)).toBe(false);
      expect(await store.periods.markClosing('2026-11', AT)).toBe(true);
      expect(await store.periods.markClosing('2026-11', AT)).toBe(false);
      expect(await store.periods.markClosed('2026-11', AT, '2026-12-15T23:59:59.999+07:00')).toBe(true);
      expect(await store.periods.get('2026-11')).toMatchObject({ status: 'CLOSED', closingStartedAt: AT });
      await store.periods.setSkipped('2026-11', [{ employeeId: 'x', reason: 'y' }]);
      expect(await store.periods.get('2026-11')).toMatchObject({ skippedCount: 1 });

      // Reopening: only from CLOSED with the appeal deadline read, once, with its audit event.
      const deadlines = { ...DEADLINES, approval: '2026-12-20T23:59:59.999+07:00' };
      const change = {
        reopen: { by: 'admin', at: AT, reason: 'Đóng nhầm' },
        deadlines,
        closesAt: '2026-12-21T00:30:00.000+07:00',
        appealDeadline: '2026-12-15T23:59:59.999+07:00',
      };
      const auditOf = { ...audit('2026-11'), entity: 'period' as const, action: 'reopen' };
      expect(
        await store.periods.beginReopening('2026-11', { ...change, appealDeadline: 'other' }, auditOf),
      ).toBe(false);
      expect(await store.periods.markReopened('2026-11')).toBe(false);
      expect(await store.periods.beginReopening('2026-11', change, auditOf)).toBe(true);
      expect(await store.periods.beginReopening('2026-11', change, auditOf)).toBe(false);
      const reopening = await store.periods.get('2026-11');
      expect(reopening).toMatchObject({
        status: 'REOPENING',
        reopen: change.reopen,
        deadlines,
        closesAt: change.closesAt,
        closedAt: null,
        publishedAt: null,
        appealDeadline: null,
      });
      expect(reopening?.closingStartedAt).toBeUndefined();
      expect(await store.periods.markClosing('2026-11', AT)).toBe(false);
      expect(await store.periods.markReopened('2026-11')).toBe(true);
      expect(await store.periods.markReopened('2026-11')).toBe(false);
      expect(await store.periods.get('2026-11')).toMatchObject({ status: 'OPEN' });
    });

    it('creates drafts once each, counting them in the unit; lists them by reviewer, approver and unit', async () => {
      const drafts = ['e3', 'e1', 'e2'].map((id) => draft(id, 'u'));
      expect(await store.evaluations.createDrafts('u', '2026-11', drafts, [], true)).toBe(3);
      expect(await store.evaluations.createDrafts('u', '2026-11', drafts, [], true)).toBe(0);
      const counters = await store.evaluations.unitCounters('u', '2026-11');
      expect(counters).toMatchObject({
        evaluated: 3,
        outstanding: true,
        status: { DRAFT: 3 },
        grades: { A: 0 },
      });
      expect((await store.evaluations.listByUnit('u', '2026-11')).map((e) => e.employeeId)).toEqual([
        'e1',
        'e2',
        'e3',
      ]);
      expect(await store.evaluations.listByReviewer('rev', '2026-11')).toHaveLength(3);
      expect(await store.evaluations.listByApprover('head', '2026-11')).toHaveLength(3);
      expect(await store.evaluations.listByApprover('head', '2026-10')).toHaveLength(0);
      // Read by key for the units asked (no unit record here): only those with counters come back.
      expect(
        (await store.evaluations.periodCounters('2026-11', ['u', 'other'])).map((c) => c.unitId),
      ).toEqual(['u']);
      expect(await store.evaluations.unitCounters('other', '2026-11')).toMatchObject({ evaluated: 0 });
      const rows = await store.evaluations.rankingRows('u', '2026-11');
      expect(rows[0]).toMatchObject({ employeeId: 'e1', selfAssessment: null, review: null, decision: null });
      expect(await store.evaluations.history('e1', '2026-11')).toHaveLength(1);
    });

    it('writes a transition only over the version it read and the grade counts it decided on', async () => {
      const d = draft('e1', 'u');
      await store.evaluations.createDrafts(d.unitId, d.period, [d], [], false);
      const change = approvalOf(d);
      const guard = { A: 1, B: 0, C: 0, D: 0 };
      expect(await store.evaluations.writeTransition({ ...change, guard })).toBe('counters-moved');
      const receipt = {
        principalId: 'head',
        key: 'k1',
        requestHash: 'h',
        response: { statusCode: 200, headers: {}, body: '{}' },
        at: new Date().toISOString(),
      };
      const clean = { A: 0, B: 0, C: 0, D: 0 };
      expect(await store.evaluations.writeTransition({ ...change, guard: clean, receipt })).toBe('written');
      expect(await store.evaluations.writeTransition({ ...change, guard: null })).toBe('stale');
      expect(await store.evaluations.writeTransition({ ...change, guard: null, receipt })).toBe('duplicate');
      expect(await store.receipts.get('head', 'k1')).toMatchObject({ requestHash: 'h' });
      expect(await store.evaluations.unitCounters('u', '2026-11')).toMatchObject({
        status: { DRAFT: 0, APPROVED: 1 },
        grades: { A: 1 },
      });
      expect((await store.evaluations.history('e1', '2026-11')).map((h) => h.version)).toEqual([1, 2]);
      expect((await store.evaluations.listOfEmployee('e1', '2026'))[0]).toMatchObject({ status: 'APPROVED' });
    });

    it('products: a feed only on the revision it read and before review; excuses move it, comments do not', async () => {
      const d = draft('e1', 'u');
      await store.evaluations.createDrafts(d.unitId, d.period, [d], [], false);
      const report = {
        title: 'Tờ trình',
        weight: 100,
        dueAt: null,
        completedAt: AT,
        majorErrors: 1,
        delays: 0,
      };
      const feed = {
        employeeId: 'e1',
        period: '2026-11',
        source: 'qlvb',
        fedBy: 'client:qlvb',
        at: AT,
      };
      const upsert = (sourceId: string) => ({ kind: 'upsert' as const, sourceId, report, created: true });
      expect(await store.products.writeFeed({ ...feed, expectedRevision: 3, changes: [upsert('p1')] })).toBe(
        'moved',
      );
      expect(
        await store.products.writeFeed({
          ...feed,
          expectedRevision: null,
          changes: [upsert('p1'), upsert('p2')],
        }),
      ).toBe('written');
      const fed = await store.products.ofEvaluation('e1', '2026-11');
      expect(fed.revision).toBe(1);
      expect(fed.products.map((p) => [p.sourceId, p.errorsExcused, p.comment])).toEqual([
        ['p1', 0, null],
        ['p2', 0, null],
      ]);
      const work = { employeeId: 'e1', period: '2026-11', source: 'qlvb', at: AT };
      const log = (action: 'excuse' | 'comment') => ({ ...work, actorId: 'rev', action, changes: {} });
      expect(
        await store.products.setComment({
          ...work,
          sourceId: 'p1',
          comment: 'Đã sửa.',
          audit: log('comment'),
        }),
      ).toBe('written');
      expect(
        await store.products.setExcuse({
          ...work,
          sourceId: 'p1',
          errorsExcused: 1,
          delaysExcused: 0,
          note: 'Lỗi do hệ thống.',
          by: 'rev',
          audit: log('excuse'),
        }),
      ).toBe('written');
      expect(
        await store.products.setComment({ ...work, sourceId: 'nope', comment: 'x', audit: log('comment') }),
      ).toBe('missing');
      const after = await store.products.ofEvaluation('e1', '2026-11');
      expect(after.revision).toBe(2);
      expect(after.products[0]).toMatchObject({ comment: 'Đã sửa.', errorsExcused: 1, excusedBy: 'rev' });
      expect((await store.products.log('e1', '2026-11')).map((e) => e.action).sort()).toEqual([
        'comment',
        'excuse',
        'feed',
      ]);
      // A transition decided on revision 1 is stale now; on 2 it is written.
      const next: StoredEvaluation = { ...d, status: 'REVIEWED', version: 2 };
      const event: HistoryEvent = {
        ...opened(d),
        version: 2,
        action: 'review',
        fromStatus: 'DRAFT',
        toStatus: 'REVIEWED',
      };
      const change = { previous: d, next, event, gradeChange: null, guard: null };
      expect(await store.evaluations.writeTransition({ ...change, productsRevision: { revision: 1 } })).toBe(
        'stale',
      );
      expect(await store.evaluations.writeTransition({ ...change, productsRevision: { revision: 2 } })).toBe(
        'written',
      );
      // Past review: locked.
      expect(await store.products.writeFeed({ ...feed, expectedRevision: 2, changes: [upsert('p3')] })).toBe(
        'locked',
      );
    });

    it('attachments: uploading until confirmed before review, removed once, discarded only while uploading', async () => {
      const d = draft('e1', 'u');
      await store.evaluations.createDrafts(d.unitId, d.period, [d], [], false);
      const attachment = {
        id: 'a1',
        employeeId: 'e1',
        period: '2026-11',
        target: { kind: 'criterion' as const, criterionId: 'duties' },
        name: 'bao-cao.pdf',
        contentType: 'application/pdf',
        size: 1000,
        status: 'UPLOADING' as const,
        objectKey: 'e1/2026-11/a1',
        ownerId: 'e1',
        createdAt: AT,
        confirmedAt: null,
      };
      expect(await store.attachments.create(attachment, Date.now())).toBe(true);
      expect(await store.attachments.create(attachment, Date.now())).toBe(false);
      const audit = {
        employeeId: 'e1',
        period: '2026-11',
        at: AT,
        actorId: 'e1',
        action: 'attach' as const,
        changes: {},
      };
      expect(await store.attachments.confirm(attachment, 998, AT, audit)).toBe('written');
      expect(await store.attachments.confirm(attachment, 998, AT, audit)).toBe('missing');
      expect(await store.attachments.get('e1', '2026-11', 'a1')).toMatchObject({
        status: 'AVAILABLE',
        size: 998,
      });
      await store.attachments.discard(attachment);
      expect(await store.attachments.ofEvaluation('e1', '2026-11')).toHaveLength(1);
      const detach = { ...audit, action: 'detach' as const };
      expect(await store.attachments.remove(attachment, detach)).toBe('written');
      expect(await store.attachments.remove(attachment, detach)).toBe('missing');
      expect(await store.attachments.get('e1', '2026-11', 'a1')).toBeNull();
    });

    it('duty groups: a grade counts in its group too, and a group guard holds like the unit guard', async () => {
      const d = { ...draft('e1', 'u'), dutyGroup: 'chuyen-mon' };
      await store.evaluations.createDrafts(d.unitId, d.period, [d], [], false);
      const change = { ...approvalOf(d), guard: null };
      const groupGuard = (A: number) => ({ group: 'chuyen-mon', counts: { A, B: 0, C: 0, D: 0 } });
      expect(await store.evaluations.writeTransition({ ...change, groupGuard: groupGuard(1) })).toBe(
        'counters-moved',
      );
      expect(await store.evaluations.writeTransition({ ...change, groupGuard: groupGuard(0) })).toBe(
        'written',
      );
      const counters = await store.evaluations.unitCounters('u', '2026-11');
      expect(counters.grades.A).toBe(1);
      expect(counters.groups).toEqual({ 'chuyen-mon': { A: 1, B: 0, C: 0, D: 0 } });
      expect((await store.evaluations.rankingRows('u', '2026-11'))[0]).toMatchObject({
        dutyGroup: 'chuyen-mon',
      });
    });

    it('keeps a pending appeal marker with the appeal and removes it with the decision, in the same write', async () => {
      const period = {
        period: '2026-11',
        status: 'OPEN' as const,
        deadlines: DEADLINES,
        closesAt: '2026-12-10T00:30:00.000+07:00',
        openedAt: AT,
        openedBy: 'hr',
        skipped: [],
        closedAt: null,
        publishedAt: null,
        appealDeadline: null,
      };
      await store.periods.createIfMissing(period);
      const d = draft('e1', 'u');
      await store.evaluations.createDrafts(d.unitId, d.period, [d], [], false);
      const marker = {
        period: '2026-11',
        employeeId: 'e1',
        employeeName: 'Nhân sự e1',
        unitId: 'u',
        reviewerId: 'rev',
        approverId: 'head',
        approverUnitId: 'u',
        decisionApproverId: 'head',
        version: 2,
        filedAt: AT,
        grade: 'B' as const,
        total: 8000,
        reason: 'Đề nghị xem xét lại.',
        reasonTruncated: false,
      };
      const appealed: StoredEvaluation = { ...d, version: 2 };
      const event: HistoryEvent = { ...opened(d), version: 2, action: 'appeal', fromStatus: 'DRAFT' };
      const filing = { previous: d, next: appealed, event, gradeChange: null, guard: null };
      // Only while the period is closed: an appeal never slips past a reopening.
      expect(await store.evaluations.writeTransition({ ...filing, appeal: { filed: marker } })).toBe(
        'period-moved',
      );
      expect(await store.evaluations.get('e1', '2026-11')).toMatchObject({ version: 1 });
      await store.periods.markClosing('2026-11', AT);
      await store.periods.markClosed('2026-11', AT, '2026-12-15T23:59:59.999+07:00');
      expect(await store.evaluations.writeTransition({ ...filing, appeal: { filed: marker } })).toBe(
        'written',
      );
      expect(await store.evaluations.listPendingAppeals('2026-11')).toEqual([marker]);
      expect(await store.evaluations.listPendingAppeals('2026-10')).toEqual([]);
      expect((await store.periods.get('2026-11'))?.appealsFiled).toBe(1);
      const decided: StoredEvaluation = { ...appealed, version: 3 };
      expect(
        await store.evaluations.writeTransition({
          previous: appealed,
          next: decided,
          event: { ...event, version: 3, action: 'decideAppeal' },
          gradeChange: null,
          guard: null,
          appeal: { decided: { period: '2026-11', employeeId: 'e1' } },
        }),
      ).toBe('written');
      expect(await store.evaluations.listPendingAppeals('2026-11')).toEqual([]);
      expect((await store.periods.get('2026-11'))?.appealsFiled).toBe(1);
    });

    it('keeps one receipt per key', async () => {
      const receipt = {
        principalId: 'p',
        key: 'k',
        requestHash: 'h',
        response: { statusCode: 409, headers: { a: 'b' }, body: 'x' },
        at: new Date().toISOString(),
      };
      expect(await store.receipts.get('p', 'k')).toBeNull();
      expect(await store.receipts.put(receipt)).toBe('written');
      expect(await store.receipts.put({ ...receipt, requestHash: 'other' })).toBe('exists');
      expect(await store.receipts.get('p', 'k')).toMatchObject({
        requestHash: 'h',
        response: { statusCode: 409 },
      });
    });

    it('runs: one current run per job and scope, steps once each, outputs never over a newer one', async () => {
      const run = {
        job: 'compute-rankings',
        scope: '2026-11',
        runId: 'r1',
        trigger: 'manual:1',
        status: 'RUNNING' as const,
        at: '2026-11-02T01:00:00.000Z',
        startedAt: AT,
        finishedAt: null,
        summary: null,
      };
      expect(await store.runs.replace(run, null)).toBe(true);
      expect(await store.runs.replace({ ...run, runId: 'r2' }, null)).toBe(false);
      expect(await store.runs.replace({ ...run, runId: 'r2' }, 'wrong')).toBe(false);
      const snapshot = (computedAt: string) => ({
        unitId: 'u',
        unitName: 'U',
        period: '2026-11',
        computedAt,
        rubricId: null,
        entries: [],
        distribution: { A: 0, B: 0, C: 0, D: 0 },
        quota: null,
        participation: { evaluated: 0, submitted: 0, reviewed: 0, approved: 0, missing: 0, late: 0 },
        inflation: {
          unitId: 'u',
          name: 'U',
          approved: 0,
          shareA: 0,
          meanSelfMinusReview: null,
          allSameGrade: false,
          identicalComments: 0,
          signals: [],
        },
        subtree: { ...EMPTY_FIGURES, units: 1 },
      });
      await store.rankings.put(snapshot('2026-11-02T02:00:00.000Z'));
      const outcomes = await store.runs.completeSteps(
        run,
        [['unit#u', { result: { n: 1 }, outputs: [{ kind: 'ranking', snapshot: snapshot(run.at) }] }]],
        new Date(),
      );
      expect(outcomes.get('unit#u')).toBe('completed');
      // A newer computation stays; the step is still recorded.
      expect((await store.rankings.get('u', '2026-11'))?.computedAt).toBe('2026-11-02T02:00:00.000Z');
      expect(await store.runs.getStep(run, 'unit#u')).toEqual({ n: 1 });
      const again = await store.runs.completeSteps(
        run,
        [
          ['unit#u', { result: { n: 2 } }],
          ['unit#v', { result: 3 }],
        ],
        new Date(),
      );
      expect([...again]).toEqual([
        ['unit#u', 'already'],
        ['unit#v', 'completed'],
      ]);
      expect([...(await store.runs.listSteps(run))]).toEqual([
        ['unit#u', { n: 1 }],
        ['unit#v', 3],
      ]);
      expect(await store.runs.finish(run, { ok: true }, AT)).toBe(true);
      expect(await store.runs.finish(run, { ok: true }, AT)).toBe(false);
      expect(await store.runs.get('compute-rankings', '2026-11')).toMatchObject({
        status: 'DONE',
        summary: { ok: true },
      });
      expect(await store.runs.replace({ ...run, runId: 'r2' }, 'r1')).toBe(true);
    });

    it("runs: a step's output carries its result; a redelivery of the same computation records that result", async () => {
      const run = { job: 'compute-rankings', scope: '2026-10', runId: 'r1', at: '2026-11-01T01:00:00.000Z' };
      const snapshot = (unitId: string, computedAt: string, approved: number) => ({
        unitId,
        unitName: unitId.toUpperCase(),
        period: '2026-10',
        computedAt,
        rubricId: null,
        entries: [{ rank: 1, employeeId: 'e1', name: 'Nguyễn Văn A', total: 9050, grade: 'A' as const }],
        distribution: { A: approved, B: 0, C: 0, D: 0 },
        quota: null,
        participation: { evaluated: 1, submitted: 1, reviewed: 1, approved, missing: 0, late: 0 },
        inflation: {
          unitId,
          name: unitId.toUpperCase(),
          approved,
          shareA: 10000,
          meanSelfMinusReview: null,
          allSameGrade: true,
          identicalComments: 0,
          signals: [],
        },
        subtree: { ...EMPTY_FIGURES, units: 1, approved },
      });
      const first = await store.runs.completeSteps(
        run,
        [
          [
            'unit#u',
            { result: { approved: 1 }, outputs: [{ kind: 'ranking', snapshot: snapshot('u', run.at, 1) }] },
          ],
        ],
        new Date(),
      );
      expect(first.get('unit#u')).toBe('completed');
      // The same step again (a duplicate delivery, or redone after a crash between the output and its record), on
      // data that changed meanwhile: the stored output stays, and the record takes the result it carries.
      const again = await store.runs.completeSteps(
        run,
        [
          [
            'unit#u',
            { result: { approved: 0 }, outputs: [{ kind: 'ranking', snapshot: snapshot('u', run.at, 0) }] },
          ],
        ],
        new Date(),
      );
      expect(again.get('unit#u')).toBe('already');
      expect(await store.runs.getStep(run, 'unit#u')).toEqual({ approved: 1 });
      expect((await store.rankings.get('u', '2026-10'))?.participation.approved).toBe(1);
      // An older run's step writes no output over this one's.
      const older = { ...run, runId: 'r0', at: '2026-10-31T01:00:00.000Z' };
      await store.runs.completeSteps(
        older,
        [
          [
            'unit#u',
            { result: { approved: 5 }, outputs: [{ kind: 'ranking', snapshot: snapshot('u', older.at, 5) }] },
          ],
        ],
        new Date(),
      );
      expect(await store.runs.getStep(older, 'unit#u')).toEqual({ approved: 5 });
      expect((await store.rankings.get('u', '2026-10'))?.computedAt).toBe(run.at);
      // Subtree figures in place, on this computation's snapshots only; the step result survives them.
      await store.rankings.put(snapshot('v', '2026-11-03T00:00:00.000Z', 1));
      const set = await store.rankings.setSubtrees(
        '2026-10',
        run.at,
        new Map([
          ['u', { ...EMPTY_FIGURES, units: 3, approved: 7 }],
          ['v', { ...EMPTY_FIGURES, units: 2, approved: 2 }],
          ['w', { ...EMPTY_FIGURES, units: 2, approved: 2 }],
        ]),
      );
      expect(set).toBe(1);
      expect((await store.rankings.get('u', '2026-10'))?.subtree).toMatchObject({ units: 3, approved: 7 });
      expect((await store.rankings.get('v', '2026-10'))?.subtree).toMatchObject({ units: 1, approved: 1 });
      expect(await store.rankings.get('w', '2026-10')).toBeNull();
      await store.runs.completeSteps(
        run,
        [
          [
            'unit#u',
            { result: { approved: 2 }, outputs: [{ kind: 'ranking', snapshot: snapshot('u', run.at, 2) }] },
          ],
        ],
        new Date(),
      );
      expect(await store.runs.getStep(run, 'unit#u')).toEqual({ approved: 1 });
      expect((await store.rankings.get('u', '2026-10'))?.subtree).toMatchObject({ units: 3, approved: 7 });
    });

    it('annual summaries: put and read by unit and year, absent when never rolled up', async () => {
      const figures = {
        units: 1,
        staff: 3,
        classified: 2,
        grades: { A: 1, B: 1, C: 0, D: 0 },
        averageSum: 17000,
        averaged: 2,
      };
      const summary = {
        unitId: 'u',
        year: 2026,
        computedAt: AT,
        own: figures,
        subtree: { ...figures, units: 2 },
      };
      await store.rankings.putAnnualSummaries([summary, { ...summary, year: 2025 }]);
      const read = await store.rankings.getAnnualSummaries(['u', 'nowhere'], 2026);
      expect([...read]).toEqual([['u', summary]]);
      expect((await store.rankings.getAnnualSummaries(['u'], 2024)).size).toBe(0);
    });

    it('rubrics: built-in versions, one stored version per number, the latest of each', async () => {
      expect((await store.rubrics.getVersion('hn-3814', 1))?.id).toBe('hn-3814');
      const base = await store.rubrics.getLatest('hn-3814');
      if (!base) throw new Error('no built-in rubric');
      expect(await store.rubrics.putVersion({ ...base, version: 2 })).toBe(true);
      expect(await store.rubrics.putVersion({ ...base, version: 2 })).toBe(false);
      expect((await store.rubrics.getLatest('hn-3814'))?.version).toBe(2);
      expect((await store.rubrics.listLatest()).map((r) => `${r.id}@${r.version}`)).toEqual([
        'hn-3814@2',
        'nd-335@1',
      ]);
      expect(await store.rubrics.getVersion('nope', 1)).toBeNull();
    });

    it('outbox: one message per day, person and reminder; status moves only from what it was', async () => {
      const message = {
        day: '2026-12-02',
        recipientId: 'e1',
        reminder: 'worklist',
        to: 'e1@example.gov.vn',
        subject: 's',
        text: 't',
        tasks: [],
        status: 'PENDING' as const,
        channel: null,
        createdAt: AT,
        sentAt: null,
      };
      expect(await store.outbox.enqueue(message)).toBe('queued');
      expect(await store.outbox.enqueue(message)).toBe('exists');
      // Nothing to mark sent before a claim; one claim at a time, a stale one (never accepted) taken over.
      expect(await store.outbox.markSent(message, AT, 'ses-1', 'ses')).toBe(false);
      expect(await store.outbox.claim(message, '2026-12-02T01:00:00.000Z', '2026-12-02T00:45:00.000Z')).toBe(
        true,
      );
      expect(await store.outbox.claim(message, '2026-12-02T01:01:00.000Z', '2026-12-02T00:46:00.000Z')).toBe(
        false,
      );
      expect(await store.outbox.claim(message, '2026-12-02T01:20:00.000Z', '2026-12-02T01:05:00.000Z')).toBe(
        true,
      );
      expect(await store.outbox.release(message, 'Throttled')).toBe(true);
      expect(await store.outbox.listDay('2026-12-02', { unsentOnly: true })).toHaveLength(1);
      expect(await store.outbox.claim(message, '2026-12-02T01:30:00.000Z', '2026-12-02T01:15:00.000Z')).toBe(
        true,
      );
      // SES's Send event settles a claim whose sender died: never claimed again.
      expect(await store.outbox.recordAccepted(message, 'ses-1', AT)).toBe(true);
      expect(await store.outbox.recordAccepted(message, 'ses-1', AT)).toBe(false);
      expect(await store.outbox.claim(message, '2026-12-02T03:00:00.000Z', '2026-12-02T02:45:00.000Z')).toBe(
        false,
      );
      expect(await store.outbox.markSent(message, AT, 'ses-1', 'ses')).toBe(true);
      expect(await store.outbox.settle(message, 'FAILED')).toBe(false);
      expect(await store.outbox.listDay('2026-12-02')).toMatchObject([
        { status: 'SENT', sentAt: AT, providerMessageId: 'ses-1', channel: 'ses' },
      ]);
      expect(await store.outbox.listDay('2026-12-02', { unsentOnly: true })).toEqual([]);
      expect(await store.outbox.get({ ...message, reminder: 'nope' })).toBeNull();
      // The day's quota: reserved up to the limit, given back, counted.
      expect(await store.outbox.reserveQuota('2026-12-02', 2, new Date())).toBe(true);
      expect(await store.outbox.reserveQuota('2026-12-02', 2, new Date())).toBe(true);
      expect(await store.outbox.reserveQuota('2026-12-02', 2, new Date())).toBe(false);
      await store.outbox.returnQuota('2026-12-02');
      expect(await store.outbox.quotaUsed('2026-12-02')).toBe(1);
      expect(await store.outbox.quotaUsed('2026-12-03')).toBe(0);
    });

    it('notifications and mail settings: read once, listed oldest first; suppressions listed until cleared', async () => {
      const notice = (id: string) => ({
        recipientId: 'e1',
        id,
        kind: 'reviewed' as const,
        at: AT,
        employeeId: 'e1',
        period: '2026-11',
        actorId: 'rev',
        readAt: null,
      });
      await store.notifications.putMany([notice('2026-b'), notice('2026-a')]);
      const inbox = await store.notifications.inbox('e1');
      expect(inbox.preference).toBeNull();
      expect(inbox.items.map((n) => n.id)).toEqual(['2026-a', '2026-b']);
      expect(await store.notifications.markRead('e1', '2026-a', '2026-12-01T00:00:00.000Z')).toMatchObject({
        readAt: '2026-12-01T00:00:00.000Z',
      });
      expect(await store.notifications.markRead('e1', '2026-a', '2026-12-02T00:00:00.000Z')).toMatchObject({
        readAt: '2026-12-01T00:00:00.000Z',
      });
      expect(await store.notifications.markRead('e2', '2026-a', AT)).toBeNull();
      expect(
        await store.notifications.markAllRead('e1', '2026-12-03T00:00:00.000Z', ['2026-a', '2026-b']),
      ).toBe(1);

      expect(await store.mail.setEmailOff('e1', true, AT)).toMatchObject({
        emailOff: true,
        suppression: null,
      });
      const suppression = { reason: 'bounce' as const, address: 'e1@example.gov.vn', at: AT, detail: null };
      expect(await store.mail.suppress('e1', suppression)).toMatchObject({ emailOff: true, suppression });
      expect((await store.mail.listSuppressed()).map((p) => p.employeeId)).toEqual(['e1']);
      expect((await store.notifications.inbox('e1')).preference).toMatchObject({ emailOff: true });
      await store.mail.clearSuppression('e1', AT);
      expect(await store.mail.listSuppressed()).toEqual([]);
      expect(await store.mail.getPreference('e1')).toMatchObject({ emailOff: true, suppression: null });
      expect(await store.mail.getPreference('e2')).toBeNull();
    });

    it('bulk-loads records as the API would have left them', async () => {
      const d = draft('e9', 'u9', '2026-10');
      await store.bulk.load([
        { kind: 'unit', unit: unit('u9', null) },
        { kind: 'employee', employee: employee('e9', 'u9') },
        { kind: 'evaluation', evaluation: d },
        {
          kind: 'counters',
          counters: {
            unitId: 'u9',
            period: '2026-10',
            evaluated: 1,
            outstanding: false,
            status: { DRAFT: 1, SUBMITTED: 0, REVIEWED: 0, APPROVED: 0, RETURNED: 0, EXPIRED: 0 },
            grades: { A: 0, B: 0, C: 0, D: 0 },
          },
        },
      ]);
      expect(await store.evaluations.get('e9', '2026-10')).toMatchObject({ status: 'DRAFT' });
      expect(await store.evaluations.unitCounters('u9', '2026-10')).toMatchObject({ evaluated: 1 });
      expect((await store.org.listUnitStaff('u9')).map((e) => e.id)).toEqual(['e9']);
    });
  });
}
