/**
 * The products a work system fed for an evaluation (sản phẩm quy đổi) and its evidence files (minh chứng).
 *
 * - Everybody who may read the evaluation sees the products, the task score they give and the files, and may
 *   download a file (a short-lived link straight from the bucket).
 * - The employee comments on each product and attaches files to a product or to a criterion, uploading straight
 *   to the bucket with the presigned POST the API gives, then confirming it.
 * - The reviewer (or the approver reviewing in one step) confirms how many errors and delays of a product had an
 *   objective cause, with the reason; the computed task score follows.
 * Changes are possible until the review; afterwards the panel only shows.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { Attachment, Criterion, Evaluation, Product, ProductsView, UploadTicket } from '../api/types.ts';
import { useApp } from '../context.ts';
import { evaluationPath } from '../lib/evaluation.ts';
import { formatDate, formatDateTime, formatPoints } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { ErrorNotice, Loading, SuccessNotice } from './ui.tsx';

/** The file types the API accepts, by extension: a browser leaves `File.type` empty for some office files. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heic',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
};
const ACCEPT = Object.keys(TYPES_BY_EXTENSION)
  .map((e) => `.${e}`)
  .join(',');

const typeOf = (file: File) => {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return TYPES_BY_EXTENSION[ext] ?? file.type ?? 'application/octet-stream';
};

const formatSize = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${formatPoints(Math.max(1, Math.round(bytes / 1024)))} KB`
    : `${formatPoints(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`;

const dayOrTime = (value: string) =>
  value.length === 10 ? formatDate(`${value}T12:00:00+07:00`) : formatDateTime(value);

/** The criteria the products give (nd-335's task results), as the score sheet's `fixed`; none when scored by hand. */
export function fixedScores(view: ProductsView | null): Record<string, number> | undefined {
  if (view?.scoring !== 'computed' || !view.taskScore) return undefined;
  return { [view.taskScore.criterionId]: view.taskScore.value };
}

/** The typed values with the computed ones in place (sent as they are, so the API finds the computed value). */
export const withFixed = (values: Record<string, string>, fixed: Record<string, number> | undefined) =>
  fixed
    ? { ...values, ...Object.fromEntries(Object.entries(fixed).map(([k, v]) => [k, String(v)])) }
    : values;

export type WorkRole = 'employee' | 'reviewer' | 'reader';

export interface WorkPanelProps {
  evaluation: Evaluation;
  criteria: readonly Criterion[];
  party: WorkRole;
  /** Told what the products give, whenever they are (re)loaded: the score sheet shows the computed score. */
  onProducts?: (view: ProductsView) => void;
}

interface Loaded {
  products: ProductsView;
  files: Attachment[];
}

export function WorkPanel({ evaluation, criteria, party: role, onProducts }: WorkPanelProps) {
  const { api } = useApp();
  const base = evaluationPath(evaluation.employeeId, evaluation.period);
  const loaded = useLoad<Loaded>(async () => {
    const [products, files] = await Promise.all([
      api.get<ProductsView>(`${base}/products`),
      api.get<{ items: Attachment[] }>(`${base}/attachments`),
    ]);
    onProducts?.(products);
    return { products, files: files.items };
  }, [base, evaluation.version]);
  const action = useAction();
  const [criterionId, setCriterionId] = useState(criteria[0]?.id ?? '');

  if (!loaded.data) return loaded.error ? <ErrorNotice error={loaded.error} /> : <Loading />;
  const { products, files } = loaded.data;
  const open = products.open;
  const filesOf = (match: (a: Attachment) => boolean) => files.filter(match);

  const download = async (file: Attachment) => {
    const link = await action.run(() => api.get<{ url: string }>(`${base}/attachments/${file.id}/download`));
    if (link) window.location.assign(link.url);
  };
  const remove = async (file: Attachment) => {
    const done = await action.run(
      () => api.delete(`${base}/attachments/${file.id}`),
      `Đã xóa tệp ${file.name}.`,
    );
    if (done) loaded.reload();
  };
  const upload = async (file: File, target: { productId: string } | { criterionId: string }) => {
    const done = await action.run(async () => {
      const ticket = await api
        .post<UploadTicket>(`${base}/attachments`, {
          name: file.name,
          contentType: typeOf(file),
          size: file.size,
          ...target,
        })
        .catch((e: unknown) => {
          // What was wrong with the file (its type, its size) is in the details: say it in place of the summary.
          if (e instanceof ApiError && e.details.length > 0)
            throw new Error(e.details.map((d) => d.message).join(' '));
          throw e;
        });
      const form = new FormData();
      for (const [k, v] of Object.entries(ticket.upload.fields)) form.append(k, v);
      form.append('file', file);
      let sent: Response;
      try {
        sent = await fetch(ticket.upload.url, { method: 'POST', body: form });
      } catch {
        throw new Error('Không tải được tệp lên kho lưu trữ. Kiểm tra mạng rồi thử lại.');
      }
      if (!sent.ok) throw new Error('Kho lưu trữ từ chối tệp (sai loại hoặc kích thước so với đã khai).');
      return api.post<Attachment>(`${base}/attachments/${ticket.attachment.id}/confirm`, {});
    }, `Đã đính kèm ${file.name}.`);
    if (done) loaded.reload();
  };

  const fileList = (list: Attachment[], label: string) =>
    list.length > 0 && (
      <ul class="file-list" aria-label={label}>
        {list.map((f) => (
          <li key={f.id}>
            <span class="file-name">{f.name}</span> <span class="muted">({formatSize(f.size)})</span>
            {f.status === 'AVAILABLE' ? (
              <button type="button" class="file-action" onClick={() => void download(f)}>
                Tải xuống<span class="sr-only"> {f.name}</span>
              </button>
            ) : (
              <span class="muted"> đang tải lên…</span>
            )}
            {role === 'employee' && open && (
              <button type="button" class="file-action" onClick={() => void remove(f)}>
                Xóa<span class="sr-only"> {f.name}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
    );

  const filePicker = (id: string, label: string, target: { productId: string } | { criterionId: string }) =>
    role === 'employee' &&
    open && (
      <div class="field file-field">
        <label for={id}>{label}</label>
        <input
          id={id}
          type="file"
          accept={ACCEPT}
          disabled={action.busy}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file) void upload(file, target);
          }}
        />
      </div>
    );

  const criterionLabel = (id: string) => criteria.find((c) => c.id === id)?.label ?? id;
  const criterionFiles = filesOf((a) => a.target.kind === 'criterion');

  return (
    <div class="work-panel">
      <h3>Sản phẩm quy đổi</h3>
      <p class="notice notice-info" data-testid="task-scoring">
        {products.scoring === 'computed' && products.taskScore
          ? `Điểm “${criterionLabel(products.taskScore.criterionId)}” tính từ ${products.items.length} sản phẩm do hệ thống giao việc cung cấp: ${formatPoints(products.taskScore.value)}/${formatPoints(products.taskScore.max)} điểm.`
          : products.scoring === 'manual'
            ? 'Chưa có sản phẩm nào từ hệ thống giao việc: điểm kết quả thực hiện nhiệm vụ được chấm tay.'
            : products.items.length > 0
              ? 'Sản phẩm để tham khảo: bộ tiêu chí của phiếu không tính điểm từ sản phẩm.'
              : 'Chưa có sản phẩm nào từ hệ thống giao việc.'}
        {!open && ' Phiếu đã qua bước nhận xét: sản phẩm, ý kiến và minh chứng không còn thay đổi.'}
      </p>
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.success} />
      {products.items.length > 0 && (
        <ul class="product-list">
          {products.items.map((p) => (
            <ProductItem
              key={p.id}
              product={p}
              party={role}
              open={open}
              base={base}
              onChanged={loaded.reload}
              files={fileList(
                filesOf((a) => a.target.kind === 'product' && a.target.productId === p.id),
                `Minh chứng của ${p.title}`,
              )}
              picker={filePicker(`file-${p.id}`, `Đính kèm minh chứng cho “${p.title}”`, { productId: p.id })}
            />
          ))}
        </ul>
      )}
      <h3>Minh chứng theo tiêu chí</h3>
      {criterionFiles.length === 0 && <p class="muted">Chưa có tệp minh chứng nào theo tiêu chí.</p>}
      {criteria
        .filter((c) =>
          criterionFiles.some((a) => a.target.kind === 'criterion' && a.target.criterionId === c.id),
        )
        .map((c) => (
          <div key={c.id}>
            <p class="file-target">{c.label}</p>
            {fileList(
              criterionFiles.filter((a) => a.target.kind === 'criterion' && a.target.criterionId === c.id),
              `Minh chứng của tiêu chí ${c.label}`,
            )}
          </div>
        ))}
      {role === 'employee' && open && (
        <div class="grid-form">
          <div class="field">
            <label for="evidence-criterion">Tiêu chí cần minh chứng</label>
            <select
              id="evidence-criterion"
              value={criterionId}
              onChange={(e) => setCriterionId(e.currentTarget.value)}
            >
              {criteria.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          {filePicker('file-criterion', 'Tệp minh chứng (PDF, ảnh, Word, Excel; tối đa 20 MB)', {
            criterionId,
          })}
        </div>
      )}
    </div>
  );
}

function ProductItem({
  product: p,
  party: role,
  open,
  base,
  onChanged,
  files,
  picker,
}: {
  product: Product;
  party: WorkRole;
  open: boolean;
  base: string;
  onChanged: () => void;
  files: ComponentChildren;
  picker: ComponentChildren;
}) {
  const { api } = useApp();
  const action = useAction();
  const [comment, setComment] = useState(p.comment ?? '');
  const [errors, setErrors] = useState(String(p.errorsExcused));
  const [delays, setDelays] = useState(String(p.delaysExcused));
  const [note, setNote] = useState(p.excuseNote ?? '');
  const id = `product-${p.id}`;
  const path = `${base}/products/${p.id}`;

  const saveComment = async () => {
    const done = await action.run(
      () => api.put(`${path}/comment`, { comment: comment.trim() === '' ? null : comment.trim() }),
      'Đã lưu ý kiến.',
    );
    if (done) onChanged();
  };
  const saveExcuse = async () => {
    const done = await action.run(
      () =>
        api.put(`${path}/excuse`, {
          errorsExcused: Number(errors),
          delaysExcused: Number(delays),
          ...(note.trim() ? { note: note.trim() } : {}),
        }),
      'Đã xác nhận nguyên nhân khách quan; điểm được tính lại.',
    );
    if (done) onChanged();
  };

  return (
    <li class="product" aria-labelledby={`${id}-title`}>
      <p class="product-title" id={`${id}-title`}>
        <strong>{p.title}</strong> <span class="muted">({p.sourceId})</span>
      </p>
      <dl class="product-facts">
        <div>
          <dt>Hệ số quy đổi</dt>
          <dd>{formatPoints(p.weight)}</dd>
        </div>
        <div>
          <dt>Hạn</dt>
          <dd>{p.dueAt ? dayOrTime(p.dueAt) : '—'}</dd>
        </div>
        <div>
          <dt>Hoàn thành</dt>
          <dd>{p.completedAt ? dayOrTime(p.completedAt) : 'Chưa hoàn thành'}</dd>
        </div>
        <div>
          <dt>Lỗi nghiêm trọng</dt>
          <dd>
            {p.majorErrors}
            {p.errorsExcused > 0 && ` (${p.errorsExcused} có nguyên nhân khách quan)`}
          </dd>
        </div>
        <div>
          <dt>Số lần chậm</dt>
          <dd>
            {p.delays}
            {p.delaysExcused > 0 && ` (${p.delaysExcused} có nguyên nhân khách quan)`}
          </dd>
        </div>
        <div>
          <dt>Điểm sản phẩm</dt>
          <dd>{formatPoints(p.score)}/100</dd>
        </div>
      </dl>
      {p.excuseNote && (
        <p>
          Nguyên nhân khách quan: <q>{p.excuseNote}</q>
        </p>
      )}
      {p.comment && !(role === 'employee' && open) && (
        <p>
          Ý kiến của người được đánh giá: <q>{p.comment}</q>
        </p>
      )}
      {files}
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.success} />
      {role === 'employee' && open && (
        <div class="field">
          <label for={`${id}-comment`}>Ý kiến của bạn về sản phẩm này</label>
          <textarea
            id={`${id}-comment`}
            rows={2}
            maxLength={2000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <div class="actions">
            <button type="button" disabled={action.busy} onClick={() => void saveComment()}>
              Lưu ý kiến<span class="sr-only"> về {p.title}</span>
            </button>
          </div>
        </div>
      )}
      {picker}
      {role === 'reviewer' && open && (p.majorErrors > 0 || p.delays > 0) && (
        <fieldset class="excuse">
          <legend>Lỗi, chậm có nguyên nhân khách quan (không bị trừ điểm)</legend>
          <div class="field field-inline">
            <label for={`${id}-errors`}>Số lỗi được miễn trừ (tối đa {p.majorErrors})</label>
            <input
              id={`${id}-errors`}
              type="number"
              min={0}
              max={p.majorErrors}
              inputMode="numeric"
              value={errors}
              onInput={(e) => setErrors(e.currentTarget.value)}
            />
          </div>
          <div class="field field-inline">
            <label for={`${id}-delays`}>Số lần chậm được miễn trừ (tối đa {p.delays})</label>
            <input
              id={`${id}-delays`}
              type="number"
              min={0}
              max={p.delays}
              inputMode="numeric"
              value={delays}
              onInput={(e) => setDelays(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for={`${id}-note`}>Nguyên nhân khách quan</label>
            <textarea
              id={`${id}-note`}
              rows={2}
              maxLength={2000}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </div>
          <div class="actions">
            <button type="button" class="primary" disabled={action.busy} onClick={() => void saveExcuse()}>
              Xác nhận<span class="sr-only"> cho {p.title}</span>
            </button>
          </div>
        </fieldset>
      )}
    </li>
  );
}
