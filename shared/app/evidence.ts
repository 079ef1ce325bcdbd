/**
 * Evidence (minh chứng): files the employee attaches to one of their products or to a criterion. No file passes
 * through a function: the browser uploads straight to the evidence bucket with a presigned POST (the policy fixes
 * the key, the content type and the exact size) and downloads with a presigned GET valid five minutes. The use
 * cases keep the metadata and decide:
 *
 * 1. ask (`requestUpload`): the employee, while the evaluation is before its review; declared type, size and name
 *    checked (400 naming the field); the target must be one of the evaluation's products or a criterion of its
 *    rubric; an UPLOADING item and the presigned POST;
 * 2. confirm (`confirmUpload`): the object must be there with exactly the declared size and begin with the bytes
 *    of the declared type; otherwise it is deleted and the request refused (400 `file`). Then AVAILABLE, logged;
 * 3. read (`listAttachments`, `downloadLink`): every party of the evaluation, as for the evaluation itself (404 for
 *    anyone else); a link only for an AVAILABLE file and, where GuardDuty scans the bucket, only once the scan found
 *    nothing;
 * 4. remove (`removeAttachment`): the employee, while before review; logged.
 */
import { randomBytes } from 'node:crypto';
import { config } from '../config.ts';
import { AppError, forbidden, notFound, validationFailed } from '../domain/errors.ts';
import {
  checkDeclaredFile,
  cleanFileName,
  fileTypeOf,
  MAX_ATTACHMENTS_PER_EVALUATION,
  matchesSignature,
  SIGNATURE_BYTES,
} from '../domain/evidence.ts';
import { productsOpen } from '../domain/products.ts';
import type { StoredAttachment, StoredEvaluation, WorkLogEvent } from '../store/entities.ts';
import type { Caller } from './caller.ts';
import { visibleEvaluation } from './evaluations.ts';
import { parseProductId } from './task-score.ts';

/** Presigned links last this long: long enough to start a transfer, short enough that a copied link dies soon. */
export const UPLOAD_LINK_SECONDS = 5 * 60;
export const DOWNLOAD_LINK_SECONDS = 5 * 60;

/**
 * The file store, as the use cases need it (the port; shared/files/s3-files.ts is the S3 adapter). Keys are the
 * objects' keys in the evidence bucket.
 */
export interface FileStorage {
  /** A browser form POST straight to the bucket, for this key, type and exact size only. */
  presignUpload(input: {
    key: string;
    contentType: string;
    size: number;
    expiresInSeconds: number;
  }): Promise<{ url: string; fields: Record<string, string> }>;
  /** A GET link that downloads the object as an attachment with this file name. */
  presignDownload(input: {
    key: string;
    fileName: string;
    contentType: string;
    expiresInSeconds: number;
  }): Promise<string>;
  /** Size and type of a stored object; null when there is none. */
  head(key: string): Promise<{ size: number; contentType: string | null } | null>;
  /** The first bytes of an object (fewer when it is shorter). */
  firstBytes(key: string, count: number): Promise<Uint8Array>;
  remove(key: string): Promise<void>;
  /** GuardDuty's malware scan result tag of an object (`NO_THREATS_FOUND`, `THREATS_FOUND`…), null before a scan. */
  scanStatus(key: string): Promise<string | null>;
}

export type EvidenceCaller = Caller & { files: FileStorage };

const NOT_FOUND = 'Không tìm thấy tệp minh chứng.';

export function presentAttachment(a: StoredAttachment) {
  return {
    id: a.id,
    target: a.target,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    status: a.status,
    ownerId: a.ownerId,
    createdAt: a.createdAt,
    confirmedAt: a.confirmedAt,
  };
}

const lockedError = () =>
  new AppError(
    'INVALID_TRANSITION',
    'Phiếu đánh giá đã qua bước nhận xét: không còn thêm, bớt tệp minh chứng được.',
  );

/** Time-ordered and unguessable: `20261129T133158Z-9f2c4a1be07d`. */
function newAttachmentId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${stamp}-${randomBytes(6).toString('hex')}`;
}

const objectKeyOf = (e: Pick<StoredEvaluation, 'employeeId' | 'period'>, id: string) =>
  `evidence/${e.employeeId}/${e.period}/${id}`;

const logEvent = (caller: Caller, a: StoredAttachment, action: 'attach' | 'detach'): WorkLogEvent => ({
  employeeId: a.employeeId,
  period: a.period,
  at: caller.now.toISOString(),
  actorId: caller.principal.employeeId,
  action,
  changes: { attachmentId: a.id, target: a.target, contentType: a.contentType, size: a.size },
});

export async function listAttachments(caller: Caller, employeeId: string, period: string) {
  await visibleEvaluation(caller, employeeId, period);
  const all = await caller.store.attachments.ofEvaluation(employeeId, period);
  const me = caller.principal.employeeId;
  // An upload in progress is the uploader's business only.
  return { items: all.filter((a) => a.status === 'AVAILABLE' || a.ownerId === me).map(presentAttachment) };
}

export async function requestUpload(
  caller: EvidenceCaller,
  employeeId: string,
  period: string,
  input: {
    name: string;
    contentType: string;
    size: number;
    productId?: string | undefined;
    criterionId?: string | undefined;
  },
) {
  const { evaluation, relations } = await visibleEvaluation(caller, employeeId, period);
  if (!relations.isEmployee)
    throw forbidden('Chỉ người được đánh giá mới được đính kèm minh chứng cho phiếu của mình.');
  if (!productsOpen(evaluation.status)) throw lockedError();
  const name = cleanFileName(input.name);
  const problems = checkDeclaredFile({ name, contentType: input.contentType, size: input.size });
  if (name === '') problems.unshift({ path: 'body.name', message: 'Tên tệp không hợp lệ.' });
  const { store } = caller;
  let target: StoredAttachment['target'];
  if (input.productId !== undefined) {
    const ref = parseProductId(input.productId);
    const { products } = await store.products.ofEvaluation(employeeId, period);
    if (!ref || !products.some((p) => p.source === ref.source && p.sourceId === ref.sourceId)) {
      problems.push({ path: 'body.productId', message: 'Không có sản phẩm này trong phiếu đánh giá.' });
    }
    target = { kind: 'product', productId: input.productId };
  } else {
    const criterionId = input.criterionId ?? '';
    const rubric = await store.rubrics.getVersion(evaluation.rubricId, evaluation.rubricVersion);
    if (!rubric?.criteria.some((c) => c.id === criterionId)) {
      problems.push({
        path: 'body.criterionId',
        message: `Bộ tiêu chí của phiếu không có tiêu chí "${criterionId}".`,
      });
    }
    target = { kind: 'criterion', criterionId };
  }
  if (problems.length > 0) throw validationFailed(problems);
  const existing = await store.attachments.ofEvaluation(employeeId, period);
  if (existing.length >= MAX_ATTACHMENTS_PER_EVALUATION) {
    throw new AppError(
      'CONFLICT',
      `Mỗi phiếu đánh giá có tối đa ${MAX_ATTACHMENTS_PER_EVALUATION} tệp minh chứng; hãy xóa bớt tệp không cần.`,
    );
  }
  const contentType = fileTypeOf(input.contentType)?.contentType ?? input.contentType;
  const id = newAttachmentId(caller.now);
  const attachment: StoredAttachment = {
    id,
    employeeId,
    period,
    target,
    name,
    contentType,
    size: input.size,
    status: 'UPLOADING',
    objectKey: objectKeyOf(evaluation, id),
    ownerId: caller.principal.employeeId,
    createdAt: caller.now.toISOString(),
    confirmedAt: null,
  };
  if (!(await store.attachments.create(attachment, caller.now.getTime()))) {
    throw new AppError('CONFLICT', 'Không tạo được tệp minh chứng; vui lòng thử lại.');
  }
  const upload = await caller.files.presignUpload({
    key: attachment.objectKey,
    contentType,
    size: input.size,
    expiresInSeconds: UPLOAD_LINK_SECONDS,
  });
  return {
    attachment: presentAttachment(attachment),
    upload: {
      method: 'POST' as const,
      url: upload.url,
      fields: upload.fields,
      expiresAt: new Date(caller.now.getTime() + UPLOAD_LINK_SECONDS * 1000).toISOString(),
    },
  };
}

async function ownAttachment(caller: Caller, employeeId: string, period: string, attachmentId: string) {
  const { evaluation, relations } = await visibleEvaluation(caller, employeeId, period);
  const attachment = await caller.store.attachments.get(employeeId, period, attachmentId);
  if (!attachment) throw notFound(NOT_FOUND);
  if (!relations.isEmployee || attachment.ownerId !== caller.principal.employeeId) {
    // Someone else's upload in progress is not shown to them at all.
    if (attachment.status !== 'AVAILABLE') throw notFound(NOT_FOUND);
    throw forbidden('Chỉ người đã tải tệp lên mới được thay đổi tệp này.');
  }
  return { evaluation, attachment };
}

export async function confirmUpload(
  caller: EvidenceCaller,
  employeeId: string,
  period: string,
  attachmentId: string,
) {
  const { attachment } = await ownAttachment(caller, employeeId, period, attachmentId);
  if (attachment.status === 'AVAILABLE') return presentAttachment(attachment);
  const refuse = async (message: string) => {
    await caller.files.remove(attachment.objectKey);
    await caller.store.attachments.discard(attachment);
    return validationFailed([{ path: 'file', message }], message);
  };
  const stored = await caller.files.head(attachment.objectKey);
  if (!stored) {
    throw new AppError(
      'CONFLICT',
      'Chưa nhận được tệp: hãy tải tệp lên theo đường dẫn đã cấp (trong 5 phút) rồi xác nhận lại.',
    );
  }
  if (stored.size !== attachment.size) {
    throw await refuse(
      `Tệp đã tải lên có ${stored.size} byte, khác kích thước đã khai (${attachment.size} byte); tệp đã bị xóa.`,
    );
  }
  const first = await caller.files.firstBytes(attachment.objectKey, SIGNATURE_BYTES);
  if (!matchesSignature(attachment.contentType, first)) {
    const label = fileTypeOf(attachment.contentType)?.label ?? attachment.contentType;
    throw await refuse(`Nội dung tệp không phải ${label} như đã khai; tệp đã bị xóa.`);
  }
  const confirmed = { ...attachment, status: 'AVAILABLE' as const, confirmedAt: caller.now.toISOString() };
  for (let attempt = 0; attempt < 6; attempt++) {
    const outcome = await caller.store.attachments.confirm(
      attachment,
      stored.size,
      confirmed.confirmedAt,
      logEvent(caller, attachment, 'attach'),
    );
    if (outcome === 'written') return presentAttachment(confirmed);
    if (outcome === 'locked') {
      await caller.files.remove(attachment.objectKey);
      await caller.store.attachments.discard(attachment);
      throw lockedError();
    }
    if (outcome === 'missing') {
      // Confirmed meanwhile by a retry of this same request: answer as it did.
      const now = await caller.store.attachments.get(employeeId, period, attachmentId);
      if (now?.status === 'AVAILABLE') return presentAttachment(now);
      throw notFound(NOT_FOUND);
    }
  }
  throw new AppError('CONFLICT', 'Phiếu đánh giá đang được cập nhật đồng thời; vui lòng thử lại.');
}

/** A short-lived download link, for every party of the evaluation. */
export async function downloadLink(
  caller: EvidenceCaller,
  employeeId: string,
  period: string,
  attachmentId: string,
) {
  await visibleEvaluation(caller, employeeId, period);
  const attachment = await caller.store.attachments.get(employeeId, period, attachmentId);
  if (
    !attachment ||
    (attachment.status !== 'AVAILABLE' && attachment.ownerId !== caller.principal.employeeId)
  ) {
    throw notFound(NOT_FOUND);
  }
  if (attachment.status !== 'AVAILABLE') {
    throw new AppError('CONFLICT', 'Tệp chưa được xác nhận tải lên xong.');
  }
  if (config().evidence.malwareScan === 'guardduty') {
    const scan = await caller.files.scanStatus(attachment.objectKey);
    if (scan === 'THREATS_FOUND') {
      throw new AppError('CONFLICT', 'Tệp này bị phát hiện có mã độc nên không được tải xuống.');
    }
    if (scan !== 'NO_THREATS_FOUND') {
      throw new AppError('CONFLICT', 'Tệp đang được quét mã độc; vui lòng thử lại sau ít phút.');
    }
  }
  const url = await caller.files.presignDownload({
    key: attachment.objectKey,
    fileName: attachment.name,
    contentType: attachment.contentType,
    expiresInSeconds: DOWNLOAD_LINK_SECONDS,
  });
  return { url, expiresAt: new Date(caller.now.getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString() };
}

export async function removeAttachment(
  caller: EvidenceCaller,
  employeeId: string,
  period: string,
  attachmentId: string,
) {
  const { evaluation, attachment } = await ownAttachment(caller, employeeId, period, attachmentId);
  if (!productsOpen(evaluation.status)) throw lockedError();
  if (attachment.status === 'UPLOADING') {
    await caller.store.attachments.discard(attachment);
  } else {
    const outcome = await caller.store.attachments.remove(attachment, logEvent(caller, attachment, 'detach'));
    if (outcome === 'locked') throw lockedError();
    if (outcome === 'missing') throw notFound(NOT_FOUND);
    if (outcome === 'conflict')
      throw new AppError('CONFLICT', 'Phiếu đánh giá đang được cập nhật đồng thời; vui lòng thử lại.');
  }
  // The record goes first: a file whose record is gone can no longer be listed or downloaded.
  await caller.files.remove(attachment.objectKey);
  return { id: attachmentId, removed: true };
}
