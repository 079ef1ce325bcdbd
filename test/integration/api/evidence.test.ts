/**
 * Evidence files through the local server, stored on a real S3 API (s3rver): presigned POST straight to the
 * bucket, confirmation that reads the object back, the evaluation's access rules, short-lived download links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../../shared/domain/evidence.ts';
import { s3Files } from '../../../shared/files/s3-files.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
let period: string;
const PDF = new TextEncoder().encode('%PDF-1.7\n% Báo cáo kết quả công việc tháng\n');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const A = () => `/v1/evaluations/stc-ns-03/${period}/attachments`;

interface Asked {
  attachment: { id: string; status: string };
  upload: { method: string; url: string; fields: Record<string, string>; expiresAt: string };
}

async function ask(body: Record<string, unknown>, as = 'stc-ns-03') {
  return api.call<Asked>('POST', A(), { as, body: { criterionId: 'duties', ...body } });
}

/** What the browser does with the presigned POST: the form fields, then the file. */
async function upload(asked: Asked, bytes: Uint8Array, type: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(asked.upload.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), 'file');
  return fetch(asked.upload.url, { method: 'POST', body: form });
}

const confirm = (id: string, as = 'stc-ns-03') => api.call('POST', `${A()}/${id}/confirm`, { as });

/** An uploaded and confirmed PDF. */
async function attachPdf(name = 'bao-cao.pdf') {
  const asked = await ask({ name, contentType: 'application/pdf', size: PDF.length });
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  expect((await upload(asked.body, PDF, 'application/pdf')).status).toBeLessThan(300);
  const confirmed = await confirm(asked.body.attachment.id);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return confirmed.body as { id: string; status: string; size: number; name: string };
}

beforeAll(async () => {
  api = await startTestApi({ label: 'evidence' });
  period = api.seeded?.period ?? '';
});
afterAll(async () => api?.close());

describe('evidence files', () => {
  it('uploads straight to S3 with a presigned POST, confirms, lists and downloads with a short link', async () => {
    const asked = await ask({
      name: 'Báo cáo tháng "11".pdf',
      contentType: 'application/pdf',
      size: PDF.length,
    });
    expect(asked.status).toBe(200);
    expect(asked.body.upload.method).toBe('POST');
    expect(asked.body.upload.url.startsWith(api.s3.endpoint)).toBe(true);
    expect(asked.body.upload.fields.key).toMatch(new RegExp(`^evidence/stc-ns-03/${period}/`));
    expect(asked.body.attachment.status).toBe('UPLOADING');
    // Before the file is there, confirming says so (and can be retried).
    expect((await confirm(asked.body.attachment.id)).status).toBe(409);
    expect((await upload(asked.body, PDF, 'application/pdf')).status).toBeLessThan(300);
    const confirmed = await confirm(asked.body.attachment.id);
    expect(confirmed.body).toMatchObject({
      status: 'AVAILABLE',
      size: PDF.length,
      name: 'Báo cáo tháng 11.pdf',
    });
    // Confirming again answers the same.
    expect((await confirm(asked.body.attachment.id)).body).toEqual(confirmed.body);

    // Every party of the evaluation sees it and may download it.
    for (const who of ['stc-ns-03', 'stc-ns-pp', 'stc-ns-tp']) {
      const listed = await api.call('GET', A(), { as: who });
      expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(asked.body.attachment.id);
    }
    const link = await api.call('GET', `${A()}/${asked.body.attachment.id}/download`, { as: 'stc-ns-pp' });
    expect(link.status).toBe(200);
    const url = new URL(link.body.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const file = await fetch(link.body.url);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PDF);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="Bao cao thang 11.pdf"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2011.pdf`,
    );
  });

  it('refuses a type or a size not allowed, and a name that does not fit the type, naming the field', async () => {
    const exe = await ask({ name: 'setup.exe', contentType: 'application/x-msdownload', size: 1000 });
    expect(exe.status).toBe(400);
    expect(exe.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((exe.body as any).error.details.map((d: { path: string }) => d.path)).toEqual([
      'body.contentType',
    ]);
    const big = await ask({
      name: 'scan.pdf',
      contentType: 'application/pdf',
      size: MAX_ATTACHMENT_BYTES + 1,
    });
    expect(big.status).toBe(400);
    expect((big.body as any).error.details[0]).toMatchObject({ path: 'body.size' });
    expect((big.body as any).error.details[0].message).toContain('20 MB');
    const renamed = await ask({ name: 'bao-cao.exe', contentType: 'application/pdf', size: 1000 });
    expect((renamed.body as any).error.details[0].path).toBe('body.name');
    const empty = await ask({ name: 'x.pdf', contentType: 'application/pdf', size: 0 });
    expect((empty.body as any).error.details[0].path).toBe('body.size');
    const target = await api.call('POST', A(), {
      as: 'stc-ns-03',
      body: { name: 'x.pdf', contentType: 'application/pdf', size: 10, criterionId: 'tasks' },
    });
    expect(target.body.error.details[0].path).toBe('body.criterionId');
  });

  it('refuses at confirmation a file whose content or size is not what was declared, and deletes it', async () => {
    const fake = await ask({ name: 'bao-cao.pdf', contentType: 'application/pdf', size: PNG.length });
    // s3rver takes the upload as it is (it checks no POST policy); the confirmation reads the object back.
    expect((await upload(fake.body, PNG, 'application/pdf')).status).toBeLessThan(300);
    const refused = await confirm(fake.body.attachment.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]).toMatchObject({ path: 'file' });
    expect(refused.body.error.message).toContain('PDF');
    expect(
      (await api.call('GET', A(), { as: 'stc-ns-03' })).body.items.map((a: { id: string }) => a.id),
    ).not.toContain(fake.body.attachment.id);
    const storage = s3Files({ bucket: api.s3.bucket, endpoint: api.s3.endpoint });
    expect(await storage.head(fake.body.upload.fields.key ?? '')).toBeNull();

    const longer = await ask({ name: 'ngan.pdf', contentType: 'application/pdf', size: 10 });
    expect((await upload(longer.body, PDF, 'application/pdf')).status).toBeLessThan(300);
    const wrongSize = await confirm(longer.body.attachment.id);
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.body.error.message).toContain(`${PDF.length} byte`);
  });

  it("another person's attachment is a 404, through any path", async () => {
    const mine = await attachPdf('cua-toi.pdf');
    // A colleague with no part in stc-ns-03's evaluation.
    expect((await api.call('GET', A(), { as: 'stc-ns-01' })).status).toBe(404);
    expect((await api.call('GET', `${A()}/${mine.id}/download`, { as: 'stc-ns-01' })).status).toBe(404);
    // Through the colleague's own evaluation: no such file there.
    const own = `/v1/evaluations/stc-ns-01/${period}/attachments/${mine.id}`;
    expect((await api.call('GET', `${own}/download`, { as: 'stc-ns-01' })).status).toBe(404);
    expect((await api.call('DELETE', own, { as: 'stc-ns-01' })).status).toBe(404);
    // The reviewer may read it but not remove it.
    expect((await api.call('DELETE', `${A()}/${mine.id}`, { as: 'stc-ns-pp' })).status).toBe(403);
  });

  it('an expired download link is refused by S3', async () => {
    const mine = await attachPdf('het-han.pdf');
    const item = (await api.call('GET', A(), { as: 'stc-ns-03' })).body.items.find(
      (a: { id: string }) => a.id === mine.id,
    );
    expect(item).toBeTruthy();
    // The same adapter the API presigns with, with a one-second link, used two seconds later.
    const storage = s3Files({ bucket: api.s3.bucket, endpoint: api.s3.endpoint });
    const key = `evidence/stc-ns-03/${period}/${mine.id}`;
    const url = await storage.presignDownload({
      key,
      fileName: 'het-han.pdf',
      contentType: 'application/pdf',
      expiresInSeconds: 1,
    });
    expect((await fetch(url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });

  it('the employee removes a file (logged); after the review nothing can be added or removed', async () => {
    const mine = await attachPdf('xoa.pdf');
    const removed = await api.call('DELETE', `${A()}/${mine.id}`, { as: 'stc-ns-03' });
    expect(removed.status).toBe(200);
    expect((await api.call('GET', `${A()}/${mine.id}/download`, { as: 'stc-ns-03' })).status).toBe(404);
    const log = await api.call('GET', `/v1/evaluations/stc-ns-03/${period}/products/history`, {
      as: 'stc-ns-pp',
    });
    const actions = log.body.items.map((e: { action: string }) => e.action);
    expect(actions).toContain('attach');
    expect(actions.at(-1)).toBe('detach');

    const kept = await attachPdf('giu-lai.pdf');
    const scores = { discipline: 18, duties: 60, bonus: 2 };
    await api.call('PUT', `/v1/evaluations/stc-ns-03/${period}/self-assessment`, {
      as: 'stc-ns-03',
      body: { scores },
    });
    await api.call('POST', `/v1/evaluations/stc-ns-03/${period}/submit`, { as: 'stc-ns-03' });
    const reviewed = await api.call('POST', `/v1/evaluations/stc-ns-03/${period}/review`, {
      as: 'stc-ns-pp',
      body: { scores },
    });
    expect(reviewed.status).toBe(200);
    const late = await ask({ name: 'muon.pdf', contentType: 'application/pdf', size: PDF.length });
    expect(late.status).toBe(409);
    expect((await api.call('DELETE', `${A()}/${kept.id}`, { as: 'stc-ns-03' })).status).toBe(409);
    // Still readable by every party.
    expect((await api.call('GET', `${A()}/${kept.id}/download`, { as: 'hn-hr' })).status).toBe(404);
    expect(
      (await api.call('GET', `${A()}/${kept.id}/download`, { as: { employeeId: 'hn-hr', groups: ['hr'] } }))
        .status,
    ).toBe(200);
  });
});
