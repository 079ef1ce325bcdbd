import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_FILE_TYPES,
  checkDeclaredFile,
  cleanFileName,
  MAX_ATTACHMENT_BYTES,
  matchesSignature,
} from '../../../shared/domain/evidence.ts';

const bytes = (...values: (number | string)[]) =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));

describe('evidence files', () => {
  it('accepts PDF, images and office documents within the size limit', () => {
    expect(checkDeclaredFile({ name: 'bao-cao.pdf', contentType: 'application/pdf', size: 1000 })).toEqual(
      [],
    );
    expect(
      checkDeclaredFile({ name: 'anh.JPG', contentType: 'image/jpeg', size: MAX_ATTACHMENT_BYTES }),
    ).toEqual([]);
    expect(
      checkDeclaredFile({
        name: 'bang-tinh.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        size: 5,
      }),
    ).toEqual([]);
  });

  it('names each problem: a type not accepted, a size over the limit, a name that does not fit the type', () => {
    expect(
      checkDeclaredFile({ name: 'a.exe', contentType: 'application/x-msdownload', size: 10 }).map(
        (p) => p.path,
      ),
    ).toEqual(['body.contentType']);
    expect(
      checkDeclaredFile({ name: 'a.pdf', contentType: 'application/pdf', size: MAX_ATTACHMENT_BYTES + 1 }),
    ).toEqual([{ path: 'body.size', message: 'Tệp 20 MB vượt quá giới hạn 20 MB.' }]);
    expect(
      checkDeclaredFile({ name: 'a.html', contentType: 'application/pdf', size: 1 }).map((p) => p.path),
    ).toEqual(['body.name']);
    expect(
      checkDeclaredFile({ name: 'a.pdf', contentType: 'application/pdf', size: 0.5 }).map((p) => p.path),
    ).toEqual(['body.size']);
  });

  it('checks the first bytes against the declared type', () => {
    expect(matchesSignature('application/pdf', bytes('%PDF-1.7'))).toBe(true);
    expect(matchesSignature('application/pdf', bytes('<html>'))).toBe(false);
    expect(matchesSignature('image/png', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a))).toBe(true);
    expect(matchesSignature('image/jpeg', bytes(0xff, 0xd8, 0xff, 0xe0))).toBe(true);
    expect(matchesSignature('image/webp', bytes('RIFF', 0, 0, 0, 0, 'WEBP'))).toBe(true);
    expect(matchesSignature('image/heic', bytes(0, 0, 0, 24, 'ftypheic'))).toBe(true);
    expect(
      matchesSignature('application/msword', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)),
    ).toBe(true);
    expect(
      matchesSignature(
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        bytes('PK', 3, 4),
      ),
    ).toBe(true);
    expect(matchesSignature('text/html', bytes('<html>'))).toBe(false);
    // Every accepted type has a signature that a file of another kind does not pass.
    for (const t of ACCEPTED_FILE_TYPES) expect(t.signature(bytes('<!doctype html>'))).toBe(false);
  });

  it('keeps a file name readable and safe: last segment, no control characters or quotes, bounded', () => {
    expect(cleanFileName('C:\\Users\\an\\Báo cáo "tháng".pdf')).toBe('Báo cáo tháng.pdf');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('a\u0000b\nc.pdf')).toBe('abc.pdf');
    const long = `${'x'.repeat(300)}.pdf`;
    expect(cleanFileName(long)).toHaveLength(200);
    expect(cleanFileName(long).endsWith('.pdf')).toBe(true);
  });
});
