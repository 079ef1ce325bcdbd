/**
 * Heads of top-level units get an approver from the configuration (the top unit's HR, a collective body, or none as
 * before), and the Decree 335 quota is counted per duty group when groups are set. Also the deployment's
 * configuration of both, read from the environment like every Lambda reads it.
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../shared/config.ts';
import {
  assign,
  bodyRoleId,
  hrRoleId,
  type OrgEmployee,
  type OrgSnapshot,
  roleLabel,
  roleOf,
  type TopHeadApprover,
} from '../../../shared/domain/assignment.ts';
import { checkGradeChange, countsForQuota, emptyCounts } from '../../../shared/domain/quota.ts';
import { HN_3814, ND_335 } from '../../../shared/domain/rubrics.ts';

const person = (id: string, unitId: string, extra: Partial<OrgEmployee> = {}): OrgEmployee => ({
  id,
  unitId,
  supervisorId: null,
  isUnitHead: false,
  active: true,
  category: 'civil_servant',
  ...extra,
});

function org(): OrgSnapshot {
  const city = person('ct', 'city', { isUnitHead: true });
  const deputy = person('pct', 'city', { supervisorId: 'ct' });
  const dept = person('gd', 'dept', { isUnitHead: true, supervisorId: 'pct' });
  return {
    units: new Map([
      ['city', { id: 'city', parentId: null }],
      ['dept', { id: 'dept', parentId: 'city' }],
    ]),
    heads: new Map([
      ['city', city],
      ['dept', dept],
    ]),
    staff: new Map([
      ['city', [city, deputy]],
      ['dept', [dept]],
    ]),
  };
}

const BODY: TopHeadApprover = {
  kind: 'body',
  id: 'ban-thuong-vu',
  name: 'Ban Thường vụ Thành ủy',
  members: ['tv1', 'tv2'],
};

describe('heads of top-level units', () => {
  const snapshot = org();
  const head = snapshot.heads.get('city') as OrgEmployee;

  it('by default the top unit’s HR reviews and approves them: a role, acting for the unit itself', () => {
    expect(assign(head, snapshot)).toEqual({
      ok: true,
      reviewerId: 'hr@city',
      approverId: 'hr@city',
      approverUnitId: 'city',
    });
    expect(roleOf('hr@city')).toEqual({ kind: 'hr', unitId: 'city' });
    expect(roleLabel('hr@city')).toBe('Cơ quan tham mưu tổ chức cán bộ (city)');
  });

  it('a named collective body, when configured; a supervisor of record still reviews', () => {
    expect(assign(head, snapshot, BODY)).toMatchObject({
      approverId: 'body@ban-thuong-vu',
      reviewerId: 'body@ban-thuong-vu',
    });
    const supervised = { ...head, supervisorId: 'pct' };
    expect(assign(supervised, snapshot, BODY)).toMatchObject({
      reviewerId: 'pct',
      approverId: bodyRoleId('ban-thuong-vu'),
    });
    expect(roleLabel('body@ban-thuong-vu', BODY)).toBe('Ban Thường vụ Thành ủy');
  });

  it('`none` keeps them out, with the reason, as before', () => {
    expect(assign(head, snapshot, { kind: 'none' })).toEqual({
      ok: false,
      reason: 'Người đứng đầu đơn vị cấp cao nhất: không có cấp trên để phê duyệt.',
    });
  });

  it('changes nobody else: a department head is still approved by the city’s head', () => {
    const dept = snapshot.heads.get('dept') as OrgEmployee;
    expect(assign(dept, snapshot, BODY)).toEqual({
      ok: true,
      reviewerId: 'pct',
      approverId: 'ct',
      approverUnitId: 'city',
    });
    expect(assign(snapshot.staff.get('city')?.[1] as OrgEmployee, snapshot)).toMatchObject({
      approverId: 'ct',
    });
  });

  it('role ids cannot be employee ids (ids never hold "@")', () => {
    expect(roleOf('stc-ns-01')).toBeNull();
    expect(roleOf('x@y')).toBeNull();
    expect(roleOf('hr@')).toBeNull();
    expect(hrRoleId('hn')).toBe('hr@hn');
  });
});

describe('the Decree 335 quota per duty group', () => {
  const unit = { A: 2, B: 10, C: 1, D: 0 };
  const groups = { 'chuyen-vien': { A: 1, B: 5, C: 0, D: 0 }, 'lanh-dao': { A: 1, B: 2, C: 1, D: 0 } };

  it('a grouped evaluation is counted within its group, an ungrouped one with the ungrouped rest', () => {
    expect(countsForQuota(ND_335.quota, 'chuyen-vien', unit, groups)).toEqual({ A: 1, B: 5, C: 0, D: 0 });
    expect(countsForQuota(ND_335.quota, 'moi', unit, groups)).toEqual(emptyCounts());
    expect(countsForQuota(ND_335.quota, null, unit, groups)).toEqual({ A: 0, B: 3, C: 0, D: 0 });
    // Without groups the unit is one whole, as before; Hanoi's rule stays per unit.
    expect(countsForQuota(ND_335.quota, null, unit, {})).toEqual(unit);
    expect(countsForQuota(HN_3814.quota, 'chuyen-vien', unit, groups)).toEqual(unit);
  });

  it('one A per five B within a group: the group’s own limit, not the unit’s', () => {
    const group = (counts: typeof unit) => ({ evaluated: 20, outstanding: false, counts });
    // "chuyen-vien": 5 B allow 1 A, used: a second is refused although the unit's 10 B would allow 2.
    const refused = checkGradeChange(
      ND_335.quota,
      group(countsForQuota(ND_335.quota, 'chuyen-vien', unit, groups)),
      {
        from: null,
        to: 'A',
      },
    );
    expect(refused.ok).toBe(false);
    // "lanh-dao": 2 B allow none: its A is already over; another B does not help until the fifth.
    expect(
      checkGradeChange(ND_335.quota, group(countsForQuota(ND_335.quota, 'lanh-dao', unit, groups)), {
        from: null,
        to: 'A',
      }).ok,
    ).toBe(false);
  });
});

describe('configuration from the environment', () => {
  const base = { TABLE_NAME: 'danh-gia-test' };

  it('defaults: monthly for everybody, the top unit’s HR, no income table', () => {
    const c = readConfig(base);
    expect(c.cycles).toEqual({ default: [{ from: null, cycle: 'monthly' }], byCategory: {} });
    expect(c.topHeadApprover).toEqual({ kind: 'hr' });
    expect(c.incomeTable).toBeNull();
  });

  it('reads cycles, the approver of top-level heads and the income table', () => {
    const c = readConfig({
      ...base,
      EVALUATION_CYCLE: 'quarterly',
      CYCLE_BY_CATEGORY: JSON.stringify({ worker: [{ from: '2026-07', cycle: 'monthly' }] }),
      TOP_HEAD_APPROVER: JSON.stringify(BODY),
      INCOME_TABLE: JSON.stringify({
        items: [{ id: 'bonus', label: 'Thưởng', per: 'year', byGrade: { A: 1000 } }],
      }),
    });
    expect(c.cycles).toEqual({
      default: [{ from: null, cycle: 'quarterly' }],
      byCategory: { worker: [{ from: '2026-07', cycle: 'monthly' }] },
    });
    expect(c.topHeadApprover).toEqual(BODY);
    expect(c.incomeTable?.items[0]).toMatchObject({ id: 'bonus', byGrade: { A: 1000 } });
    expect(readConfig({ ...base, TOP_HEAD_APPROVER: 'none' }).topHeadApprover).toEqual({ kind: 'none' });
  });

  it('refuses a bad value at start, naming the variable', () => {
    expect(() => readConfig({ ...base, EVALUATION_CYCLE: 'weekly' })).toThrow(/EVALUATION_CYCLE/);
    expect(() =>
      readConfig({ ...base, EVALUATION_CYCLE: '[{"from":"2026-08","cycle":"quarterly"}]' }),
    ).toThrow(/EVALUATION_CYCLE.*tháng đầu quý/);
    expect(() => readConfig({ ...base, CYCLE_BY_CATEGORY: '{"soldier":"monthly"}' })).toThrow(
      /CYCLE_BY_CATEGORY/,
    );
    expect(() => readConfig({ ...base, TOP_HEAD_APPROVER: 'president' })).toThrow(/TOP_HEAD_APPROVER/);
    expect(() => readConfig({ ...base, INCOME_TABLE: '{"items":[]}' })).toThrow(/INCOME_TABLE/);
  });
});
