/**
 * Discipline flags with who and why, on the in-memory store: a flag change needs its grounds (PUT and the import,
 * JSON and CSV), the employee shows who set each set flag, when and why, and the audit trail keeps the change.
 */
import { describe, expect, it } from 'vitest';
import { readEmployee, upsertEmployee } from '../../../shared/app/org.ts';
import { importOrg } from '../../../shared/app/org-import.ts';
import type { AppError } from '../../../shared/domain/errors.ts';
import { demoCity } from './support.ts';

const HEADER = 'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email';
const ngoc = {
  name: 'Nguyễn Thị Bích Ngọc',
  unitId: 'stc-ns',
  category: 'civil_servant' as const,
  supervisorId: 'stc-ns-pp',
};
const problem = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: AppError) => ({ code: e.code, paths: e.details.map((d) => d.path) }),
  );

describe('discipline flags with who and why', () => {
  it('PUT: a flag change without its grounds is refused naming flagReason; with them, the note says who, when, why', async () => {
    const { as, store } = await demoCity();
    const hr = as('hn-hr', ['hr'], new Date('2026-11-20T03:00:00.000Z'));
    expect(await problem(upsertEmployee(hr, 'stc-ns-03', { ...ngoc, flags: { disciplined: true } }))).toEqual(
      {
        code: 'VALIDATION_FAILED',
        paths: ['body.flagReason'],
      },
    );
    expect((await store.org.getEmployee('stc-ns-03'))?.flags).toEqual({});
    const set = await upsertEmployee(hr, 'stc-ns-03', {
      ...ngoc,
      flags: { disciplined: true },
      flagReason: 'Quyết định kỷ luật khiển trách số 12/QĐ-STC ngày 18/11/2026.',
    });
    const note = {
      by: 'hn-hr',
      byName: 'Nguyễn Thị Thu Hà',
      at: '2026-11-20T03:00:00.000Z',
      reason: 'Quyết định kỷ luật khiển trách số 12/QĐ-STC ngày 18/11/2026.',
    };
    expect(set).toMatchObject({ flags: { disciplined: true }, flagNotes: { disciplined: note } });
    // The employee reads why, too.
    expect((await readEmployee(as('stc-ns-03'), 'stc-ns-03')).flagNotes).toEqual({ disciplined: note });
    const audit = store.tables.audit.at(-1);
    expect(audit?.changes).toMatchObject({ flagsChanged: ['disciplined'], flagReason: note.reason });

    // Another change keeps the first flag's note; no flag change needs no reason.
    const later = as('admin', ['admin'], new Date('2026-11-25T03:00:00.000Z'));
    const both = await upsertEmployee(later, 'stc-ns-03', {
      ...ngoc,
      flags: { disciplined: true, degradation: true },
      flagReason: 'Kết luận số 3-KL/UBKT.',
    });
    expect(both.flagNotes).toMatchObject({
      disciplined: { by: 'hn-hr' },
      degradation: { by: 'admin', byName: null, reason: 'Kết luận số 3-KL/UBKT.' },
    });
    const renamed = await upsertEmployee(later, 'stc-ns-03', {
      ...ngoc,
      email: 'ngoc@example.gov.vn',
      flags: { disciplined: true, degradation: true },
    });
    expect(Object.keys(renamed.flagNotes)).toEqual(['disciplined', 'degradation']);
    // Clearing is a change: it needs grounds and drops the note.
    expect(await problem(upsertEmployee(later, 'stc-ns-03', ngoc))).toMatchObject({
      paths: ['body.flagReason'],
    });
    const cleared = await upsertEmployee(later, 'stc-ns-03', {
      ...ngoc,
      flags: { degradation: true },
      flagReason: 'Hết thời hạn kỷ luật.',
    });
    expect(cleared.flagNotes).toEqual({ degradation: expect.objectContaining({ by: 'admin' }) });
    expect(store.tables.audit.at(-1)?.changes).toMatchObject({
      flagsChanged: ['disciplined'],
      flagReason: 'Hết thời hạn kỷ luật.',
    });
  });

  it('import: JSON and CSV need the grounds of a flag change per row; CSV flag cells left empty keep the flag', async () => {
    const { as, store } = await demoCity();
    const hr = as('hn-hr', ['hr']);
    const json = { units: [], employees: [{ id: 'stc-ns-03', ...ngoc, flags: { disciplined: true } }] };
    expect(await problem(importOrg(hr, json, null))).toEqual({ code: 'VALIDATION_FAILED', paths: ['row 1'] });
    const dry = (await importOrg(hr, json, null, { dryRun: true })) as { errors: { message: string }[] };
    expect(dry.errors[0]?.message).toMatch(/^flagReason: /);
    await importOrg(
      hr,
      { units: [], employees: [{ ...json.employees[0], flagReason: 'Quyết định số 12/QĐ-STC.' }] },
      null,
    );
    expect((await store.org.getEmployee('stc-ns-03'))?.flagNotes?.disciplined).toMatchObject({
      by: 'hn-hr',
      reason: 'Quyết định số 12/QĐ-STC.',
    });

    // The plain CSV has no flag columns: a re-import keeps the flags and their notes.
    const plain = `${HEADER}\r\nemployee,stc-ns-03,Nguyễn Thị Bích Ngọc,,stc-ns,civil_servant,stc-ns-pp,,\r\n`;
    await importOrg(hr, null, plain);
    expect(await store.org.getEmployee('stc-ns-03')).toMatchObject({
      flags: { disciplined: true },
      flagNotes: { disciplined: { reason: 'Quyết định số 12/QĐ-STC.' } },
    });

    // Optional columns: a flag cell given changes that flag only, with the row's reason.
    const withFlags = `${HEADER},degradation,flagReason\r\n`;
    const noReason = `${withFlags}employee,stc-ns-03,Nguyễn Thị Bích Ngọc,,stc-ns,civil_servant,stc-ns-pp,,,có,\r\n`;
    expect(await problem(importOrg(hr, null, noReason))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['row 2'],
    });
    const reasoned = `${withFlags}employee,stc-ns-03,Nguyễn Thị Bích Ngọc,,stc-ns,civil_servant,stc-ns-pp,,,có,"Kết luận số 3-KL/UBKT, ngày 20/11/2026"\r\n`;
    await importOrg(hr, null, reasoned);
    expect(await store.org.getEmployee('stc-ns-03')).toMatchObject({
      flags: { disciplined: true, degradation: true },
      flagNotes: {
        disciplined: { reason: 'Quyết định số 12/QĐ-STC.' },
        degradation: { reason: 'Kết luận số 3-KL/UBKT, ngày 20/11/2026' },
      },
    });
    expect(store.tables.audit.at(-1)?.changes).toMatchObject({
      employees: [{ id: 'stc-ns-03', flagsChanged: ['degradation'] }],
    });
    // A bad cell and an unknown column are named.
    expect(
      await problem(
        importOrg(
          hr,
          null,
          `${withFlags}employee,stc-ns-03,Nguyễn Thị Bích Ngọc,,stc-ns,civil_servant,stc-ns-pp,,,maybe,\r\n`,
        ),
      ),
    ).toEqual({ code: 'VALIDATION_FAILED', paths: ['row 2'] });
    expect(await problem(importOrg(hr, null, `${HEADER},hobby\r\n`))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['row 1'],
    });
  });
});
