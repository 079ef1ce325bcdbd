/**
 * The org import on the in-memory store: every row authorized like the single-item routes, for the record as it is
 * now and as it would become (nothing written when one row is out of scope); the dry run; what a row leaves out
 * keeps its value; CSV rows named as a spreadsheet numbers them.
 */
import { describe, expect, it } from 'vitest';
import { importOrg } from '../../../shared/app/org-import.ts';
import type { AppError } from '../../../shared/domain/errors.ts';
import { demoCity } from './support.ts';

const HEADER = 'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email';
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: AppError) => ({ code: e.code, rows: e.details.map((d) => d.path) }),
  );

describe('the org import', () => {
  it('refuses HR of one unit moving someone of the city into its own unit, and writes nothing', async () => {
    const { as, store } = await demoCity();
    const hrOfSgdTc = as('sgd-tc-01', ['hr']);
    const before = await store.org.getEmployee('stc-ns-03');
    const csv = `${HEADER}\r\nemployee,stc-ns-03,Tên Mới,,sgd-tc,civil_servant,,,\r\nemployee,sgd-tc-02,Lý Minh Quân,,sgd-tc,civil_servant,sgd-tc-tp,,\r\n`;
    expect(await refusal(importOrg(hrOfSgdTc, null, csv))).toEqual({ code: 'FORBIDDEN', rows: ['row 2'] });
    const json = {
      units: [],
      employees: [
        {
          id: 'stc-ns-03',
          name: 'X',
          unitId: 'sgd-tc',
          category: 'civil_servant',
          supervisorId: null,
          flags: { disciplined: true },
        },
      ],
    };
    expect(await refusal(importOrg(hrOfSgdTc, json, null))).toEqual({ code: 'FORBIDDEN', rows: ['row 1'] });
    expect(await store.org.getEmployee('stc-ns-03')).toEqual(before);
    // A unit out of scope, and a new top-level unit, are refused too.
    const units = {
      units: [
        { id: 'x', name: 'X', parentId: null },
        { id: 'stc-x', name: 'Y', parentId: 'stc' },
      ],
      employees: [],
    };
    expect(await refusal(importOrg(hrOfSgdTc, units, null))).toEqual({
      code: 'FORBIDDEN',
      rows: ['row 1', 'row 2'],
    });
  });

  it('lets HR of a department import inside its subtree, and the admin anywhere', async () => {
    const { as, store } = await demoCity();
    const cityHr = as('hn-hr', ['hr']);
    const result = await importOrg(
      cityHr,
      null,
      `${HEADER}\r\nemployee,stc-ns-09,Phạm Văn Mới,,stc-ns,civil_servant,stc-ns-pp,,\r\n`,
    );
    expect(result).toEqual({ units: 0, employees: 1, errors: [] });
    expect((await store.org.getEmployee('stc-ns-09'))?.supervisorId).toBe('stc-ns-pp');
  });

  it('keeps what a row leaves out: flags, leaving, the address, a unit recognised as outstanding', async () => {
    const { as, store } = await demoCity();
    const admin = as('admin', ['admin']);
    const e = await store.org.getEmployee('stc-ns-04');
    if (!e) throw new Error('demo employee missing');
    await store.org.putEmployee(
      { ...e, flags: { disciplined: true }, active: false },
      {
        at: new Date().toISOString(),
        actorId: 'test',
        action: 'update',
        entity: 'employee',
        entityId: e.id,
      },
    );
    await importOrg(
      admin,
      null,
      `${HEADER}\r\nunit,stc,Sở Tài chính,hn,,,,,\r\nemployee,stc-ns-04,Đinh Quang Huy,,stc-ns,civil_servant,stc-ns-pp,,\r\n`,
    );
    expect(await store.org.getEmployee('stc-ns-04')).toMatchObject({
      flags: { disciplined: true },
      active: false,
      email: e.email,
    });
    expect((await store.org.getUnit('stc'))?.outstanding).toBe(true);
  });

  it('says in a dry run what would change and which rows are wrong, writing nothing', async () => {
    const { as, store } = await demoCity();
    const before = await store.org.listUnitStaff('stc-ns');
    const preview = await importOrg(
      as('hn-hr', ['hr']),
      null,
      `${HEADER}\r\nemployee,stc-ns-03,Nguyễn Thị Bích Ngọc,,stc-ns,civil_servant,stc-ns-pp,,\r\nemployee,stc-ns-01,Trịnh Thị Lan Anh,,stc-ns,civil_servant,stc-ns-pp,,\r\nemployee,new-1,Người Mới,,stc-ns,worker,ghost,,\r\n`,
      { dryRun: true },
    );
    expect(preview).toMatchObject({
      dryRun: true,
      summary: { employees: { create: 1, update: 1, unchanged: 1 } },
      errors: [{ row: 4, message: expect.stringContaining('ghost') }],
    });
    expect(await store.org.listUnitStaff('stc-ns')).toEqual(before);
  });

  it('refuses anyone but HR and admins before reading a row', async () => {
    const { as } = await demoCity();
    expect(await refusal(importOrg(as('stc-ns-tp'), { units: [], employees: [] }, null))).toEqual({
      code: 'FORBIDDEN',
      rows: [],
    });
  });
});
