/**
 * Duty groups (Decree 335 compares A with B "in the same unit and group of similar duties"): the employee's optional
 * group through the API and the CSV import (the old header still accepted), snapshotted on the evaluation when the
 * period opens, and the 20%-of-B quota counted per unit and group — with approvals racing for a group's last slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { approveWith, ndScores, submitAndReview, useConfig } from '../../support/rules.ts';

let api: TestApi;
const admin = { employeeId: 'admin', groups: ['admin' as const] };
const cityHr = { employeeId: 'hn-hr', groups: ['hr' as const] };
const NS = { reviewer: 'stc-ns-pp', approver: 'stc-ns-tp' };
const PERIOD = '2030-07';
const GROUP = 'chuyen-vien';
/** Five to be graded B (one A allowed in the group), four racing for that one A. */
const B_STAFF = ['ns-cv-1', 'ns-cv-2', 'ns-cv-3', 'ns-cv-4', 'ns-cv-5'];
const RACERS = ['ns-cv-6', 'ns-cv-7', 'ns-cv-8', 'ns-cv-9'];

const HEADER = 'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email,dutyGroup';
const OLD_HEADER = 'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email';

beforeAll(async () => {
  api = await startTestApi({ label: 'duty-groups' });
  // Civil servants scored with nd-335 (A ≤ 20% of B) from here on.
  useConfig({ RUBRIC_BY_CATEGORY: JSON.stringify({ civil_servant: 'nd-335' }) });
});
afterAll(async () => api?.close());

describe('the employee’s duty group', () => {
  it('is set, read and cleared through the API, and checked like an id', async () => {
    const current = (await api.call('GET', '/v1/employees/stc-ns-01', { as: admin })).body;
    const body = {
      name: current.name,
      unitId: current.unitId,
      category: current.category,
      supervisorId: current.supervisorId,
      email: current.email,
    };
    const set = await api.call('PUT', '/v1/employees/stc-ns-01', {
      as: cityHr,
      body: { ...body, dutyGroup: 'lanh-dao' },
    });
    expect(set.status).toBe(200);
    expect(set.body.dutyGroup).toBe('lanh-dao');
    expect((await api.call('GET', '/v1/employees/stc-ns-01', { as: 'stc-ns-01' })).body.dutyGroup).toBe(
      'lanh-dao',
    );
    const bad = await api.call('PUT', '/v1/employees/stc-ns-01', {
      as: cityHr,
      body: { ...body, dutyGroup: 'lãnh đạo' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.dutyGroup');
    // A PUT replaces the record: without the field, no group.
    const cleared = await api.call('PUT', '/v1/employees/stc-ns-01', { as: cityHr, body });
    expect(cleared.body.dutyGroup).toBeNull();
  });

  it('comes in the CSV import’s new column; the old header is still accepted and leaves groups as they are', async () => {
    const rows = [...B_STAFF, ...RACERS].map(
      (id, i) => `employee,${id},Chuyên viên ${i + 1},,stc-ns,civil_servant,stc-ns-pp,,,${GROUP}`,
    );
    const imported = await api.call('POST', '/v1/org/import', {
      as: cityHr,
      rawBody: `${HEADER}\n${rows.join('\n')}\nemployee,ns-kt-1,Kế toán,,stc-ns,civil_servant,stc-ns-pp,,,\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect((await api.call('GET', '/v1/employees/ns-cv-1', { as: admin })).body.dutyGroup).toBe(GROUP);
    expect((await api.call('GET', '/v1/employees/ns-kt-1', { as: admin })).body.dutyGroup).toBeNull();
    // The old header: a rename that says nothing about groups keeps the group.
    const old = await api.call('POST', '/v1/org/import', {
      as: cityHr,
      rawBody: `${OLD_HEADER}\nemployee,ns-cv-1,Chuyên viên Một,,stc-ns,civil_servant,stc-ns-pp,,\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(old.status, JSON.stringify(old.body)).toBe(200);
    expect((await api.call('GET', '/v1/employees/ns-cv-1', { as: admin })).body).toMatchObject({
      name: 'Chuyên viên Một',
      dutyGroup: GROUP,
    });
    const wrong = await api.call('POST', '/v1/org/import', {
      as: cityHr,
      rawBody: `${OLD_HEADER},extra\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0]).toMatchObject({ path: 'row 1' });
  });

  it('is fixed on the evaluation when the period opens', async () => {
    expect((await api.call('POST', `/v1/periods/${PERIOD}/open`, { as: admin, body: {} })).status).toBe(200);
    const e = await api.call('GET', `/v1/evaluations/ns-cv-1/${PERIOD}`, { as: 'ns-cv-1' });
    expect(e.body).toMatchObject({ rubricId: 'nd-335', dutyGroup: GROUP });
    expect(
      (await api.call('GET', `/v1/evaluations/stc-ns-01/${PERIOD}`, { as: 'stc-ns-01' })).body.dutyGroup,
    ).toBeNull();
    const history = await api.call('GET', `/v1/evaluations/ns-cv-1/${PERIOD}/history`, { as: 'ns-cv-1' });
    expect(history.body.items[0].changes).toMatchObject({ dutyGroup: GROUP });
  });
});

describe('the A quota per unit and group (20% of B)', () => {
  it('gives the group one A for its five B, once, whoever races for it', async () => {
    for (const id of B_STAFF) {
      const b = await approveWith(api, id, PERIOD, ndScores(80), NS);
      expect(b.body.decision, JSON.stringify(b.body)).toMatchObject({ grade: 'B' });
    }
    for (const id of RACERS) await submitAndReview(api, id, PERIOD, ndScores(92), NS.reviewer);
    const raced = await Promise.all(
      RACERS.map((id) =>
        api.call('POST', `/v1/evaluations/${id}/${PERIOD}/approve`, { as: NS.approver, body: {} }),
      ),
    );
    const statuses = raced.map((r) => r.status).sort();
    expect(statuses, JSON.stringify(raced.map((r) => r.body))).toEqual([200, 409, 409, 409]);
    for (const r of raced.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('QUOTA_EXCEEDED');
    const counters = await api.store.evaluations.unitCounters('stc-ns', PERIOD);
    expect(counters.groups?.[GROUP]).toEqual({ A: 1, B: 5, C: 0, D: 0 });
  });

  it('staff without a group are counted apart: the group’s five B give them no A', async () => {
    await submitAndReview(api, 'stc-ns-02', PERIOD, ndScores(92), NS.reviewer);
    const refused = await api.call('POST', `/v1/evaluations/stc-ns-02/${PERIOD}/approve`, {
      as: NS.approver,
      body: {},
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
    // Whereas a B in their own bucket is fine.
    const b = await approveWith(api, 'stc-ns-03', PERIOD, ndScores(85), NS);
    expect(b.body.decision).toMatchObject({ grade: 'B' });
  });

  it('shows each group’s quota in the ranking', async () => {
    await api.computeRankings(PERIOD, admin);
    const ranking = await api.call('GET', `/v1/units/stc-ns/rankings/${PERIOD}`, { as: cityHr });
    expect(ranking.body.quota).toMatchObject({
      rule: 'A<=20%B',
      ok: true,
      groups: [
        { group: GROUP, limit: 1, used: 1, ok: true },
        { group: null, limit: 0, used: 0, ok: true },
      ],
    });
  });
});
