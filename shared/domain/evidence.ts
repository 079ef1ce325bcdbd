/**
 * Evidence (minh chứng) attached to an evaluation: which files are accepted, how large, and how a file's first
 * bytes prove its type. Pure rules; the S3 adapter reads the bytes, the use case decides with these functions.
 *
 * The type a browser declares is only a claim, so the server checks it twice: when the upload is asked for (the
 * declared type and size must be allowed, the name's extension must fit the type) and when it is confirmed (the
 * stored object's size must be the declared one and its first bytes must be those of the declared format).
 */
import type { Problem } from './types.ts';

/** The largest file accepted: a scanned document of a few dozen pages, a phone photo, an office file. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** At most this many files per evaluation. */
export const MAX_ATTACHMENTS_PER_EVALUATION = 100;
/** Longest file name kept (characters). */
export const MAX_FILE_NAME = 200;

type Signature = (bytes: Uint8Array) => boolean;

const startsWith =
  (...prefix: number[]): Signature =>
  (b) =>
    prefix.every((v, i) => b[i] === v);
const ascii = (b: Uint8Array, from: number, text: string) =>
  [...text].every((ch, i) => b[from + i] === ch.charCodeAt(0));

const PDF = startsWith(0x25, 0x50, 0x44, 0x46, 0x2d); // %PDF-
const PNG = startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const JPEG = startsWith(0xff, 0xd8, 0xff);
const WEBP: Signature = (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP');
/** HEIC/HEIF (phone photos): an ISO-BMFF `ftyp` box with one of the HEIF brands. */
const HEIF: Signature = (b) =>
  ascii(b, 4, 'ftyp') && ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].some((x) => ascii(b, 8, x));
/** Office Open XML and OpenDocument files are ZIP archives. */
const ZIP = startsWith(0x50, 0x4b, 0x03, 0x04);
/** Word 97–2003, Excel 97–2003, PowerPoint 97–2003: OLE2 compound files. */
const OLE2 = startsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);

export interface FileType {
  contentType: string;
  extensions: readonly string[];
  /** What users call it, in messages. */
  label: string;
  signature: Signature;
}

export const ACCEPTED_FILE_TYPES: readonly FileType[] = [
  { contentType: 'application/pdf', extensions: ['pdf'], label: 'PDF', signature: PDF },
  { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'ảnh JPEG', signature: JPEG },
  { contentType: 'image/png', extensions: ['png'], label: 'ảnh PNG', signature: PNG },
  { contentType: 'image/webp', extensions: ['webp'], label: 'ảnh WebP', signature: WEBP },
  { contentType: 'image/heic', extensions: ['heic', 'heif'], label: 'ảnh HEIC', signature: HEIF },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'Word (.docx)',
    signature: ZIP,
  },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'Excel (.xlsx)',
    signature: ZIP,
  },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    label: 'PowerPoint (.pptx)',
    signature: ZIP,
  },
  { contentType: 'application/msword', extensions: ['doc'], label: 'Word (.doc)', signature: OLE2 },
  { contentType: 'application/vnd.ms-excel', extensions: ['xls'], label: 'Excel (.xls)', signature: OLE2 },
  {
    contentType: 'application/vnd.ms-powerpoint',
    extensions: ['ppt'],
    label: 'PowerPoint (.ppt)',
    signature: OLE2,
  },
  {
    contentType: 'application/vnd.oasis.opendocument.text',
    extensions: ['odt'],
    label: 'OpenDocument (.odt)',
    signature: ZIP,
  },
  {
    contentType: 'application/vnd.oasis.opendocument.spreadsheet',
    extensions: ['ods'],
    label: 'OpenDocument (.ods)',
    signature: ZIP,
  },
];

/** How many leading bytes `matchesSignature` needs. */
export const SIGNATURE_BYTES = 16;

export const fileTypeOf = (contentType: string): FileType | undefined =>
  ACCEPTED_FILE_TYPES.find((t) => t.contentType === contentType.trim().toLowerCase());

const extensionOf = (name: string) => /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? '';

const formatMb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`.replace('.', ',');

/** What an upload declares, checked before anything is presigned: one problem per field. */
export function checkDeclaredFile(file: { name: string; contentType: string; size: number }): Problem[] {
  const problems: Problem[] = [];
  const type = fileTypeOf(file.contentType);
  if (!type) {
    problems.push({
      path: 'body.contentType',
      message: `Không nhận loại tệp "${file.contentType}": chỉ nhận PDF, ảnh (JPEG, PNG, WebP, HEIC), Word, Excel, PowerPoint, OpenDocument.`,
    });
  } else if (!type.extensions.includes(extensionOf(file.name))) {
    problems.push({
      path: 'body.name',
      message: `Tên tệp ${type.label} phải có đuôi ${type.extensions.map((e) => `.${e}`).join(' hoặc ')}.`,
    });
  }
  if (!Number.isInteger(file.size) || file.size < 1) {
    problems.push({ path: 'body.size', message: 'Kích thước tệp phải là số byte, lớn hơn 0.' });
  } else if (file.size > MAX_ATTACHMENT_BYTES) {
    problems.push({
      path: 'body.size',
      message: `Tệp ${formatMb(file.size)} vượt quá giới hạn ${formatMb(MAX_ATTACHMENT_BYTES)}.`,
    });
  }
  return problems;
}

/** Whether the stored object's first bytes are those of the declared type. */
export function matchesSignature(contentType: string, firstBytes: Uint8Array): boolean {
  return fileTypeOf(contentType)?.signature(firstBytes) ?? false;
}

/** Control characters and double quotes: never part of a file name that is kept and shown. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL_OR_QUOTE = /[\u0000-\u001F\u007F-\u009F"]/g;

/**
 * A file name as kept and shown: the last path segment, control characters and quotes removed, spaces collapsed,
 * at most MAX_FILE_NAME characters (the extension kept). Empty when nothing usable is left.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(CONTROL_OR_QUOTE, '').replace(/\s+/g, ' ').trim();
  if (cleaned.length <= MAX_FILE_NAME) return cleaned;
  const ext = extensionOf(cleaned);
  const keep = MAX_FILE_NAME - (ext ? ext.length + 1 : 0);
  return ext ? `${cleaned.slice(0, keep)}.${ext}` : cleaned.slice(0, MAX_FILE_NAME);
}
