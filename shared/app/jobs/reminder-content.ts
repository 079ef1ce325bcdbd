/**
 * What a reminder says, in Vietnamese: the person, their unit, each task with its deadline in Vietnam time
 * (dd/mm/yyyy HH:mm) and a link to the exact page, in a plain-text part and an HTML part made from the same lines.
 * Never a score or a grade: personal results stay in the app.
 */
import { periodLabel, toVietnamIso } from '../../domain/calendar.ts';
import type { ReminderTask } from '../../store/entities.ts';

type Kind = ReminderTask['kind'];
const ORDER: Record<Kind, number> = { self: 0, review: 1, approve: 2 };

/** `03/04/2026 23:59`, in Vietnam time. */
export function vietnamDateTime(instant: string): string {
  const local = toVietnamIso(instant);
  if (local === null) return instant;
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}

/** `tháng 03/2026`, `quý I/2026`. */
const periodText = (period: string) => periodLabel(period);

/** The page of the web app where the task is done. */
export function taskPath(t: Pick<ReminderTask, 'kind' | 'period'>): string {
  switch (t.kind) {
    case 'self':
      return `/danh-gia/${t.period}`;
    case 'review':
      return `/nhan-xet?ky=${t.period}`;
    case 'approve':
      return `/phe-duyet?ky=${t.period}`;
  }
}

function taskLine(t: ReminderTask): string {
  const period = periodText(t.period);
  switch (t.kind) {
    case 'self':
      return `Tự đánh giá, chấm điểm kết quả công tác ${period} và gửi lãnh đạo trực tiếp nhận xét`;
    case 'review':
      return `Nhận xét, chấm điểm ${t.count} phiếu đánh giá ${period} đang chờ đồng chí`;
    case 'approve':
      return `Phê duyệt, quyết định xếp loại ${t.count} phiếu đánh giá ${period} đang chờ đồng chí`;
  }
}

export interface ReminderContent {
  subject: string;
  text: string;
}

/** The message of one day for one person: their tasks, most urgent first. */
export function composeReminder(input: {
  name: string;
  unitName: string | null;
  tasks: readonly ReminderTask[];
  appUrl: string | null;
}): ReminderContent {
  const sorted = [...input.tasks].sort(
    (a, b) => a.deadline.localeCompare(b.deadline) || ORDER[a.kind] - ORDER[b.kind],
  );
  const first = sorted[0];
  const unit = input.unitName ? ` — ${input.unitName}` : '';
  const subject = first
    ? `Nhắc việc đánh giá, xếp loại ${periodText(first.period)}${unit} — hạn ${vietnamDateTime(first.deadline)}`
    : `Nhắc việc đánh giá, xếp loại${unit}`;
  const lines = [
    `Kính gửi đồng chí ${input.name},`,
    '',
    `Hệ thống đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức, người lao động hằng tháng${input.unitName ? ` (${input.unitName})` : ''} nhắc đồng chí các việc cần hoàn thành:`,
    '',
  ];
  for (const t of sorted) {
    lines.push(`- ${taskLine(t)}. Hạn: ${vietnamDateTime(t.deadline)} (giờ Việt Nam).`);
    if (input.appUrl) lines.push(`  Thực hiện tại: ${input.appUrl}${taskPath(t)}`);
  }
  lines.push(
    '',
    'Khi kỳ đánh giá đóng, phiếu chưa được phê duyệt sẽ hết hạn và không được xếp loại.',
    input.appUrl
      ? `Đồng chí có thể tắt thư nhắc việc tại ${input.appUrl}/ca-nhan (thông báo trong ứng dụng vẫn được giữ).`
      : 'Đồng chí có thể tắt thư nhắc việc trong trang cá nhân (thông báo trong ứng dụng vẫn được giữ).',
    'Đây là thư tự động, vui lòng không trả lời thư này.',
  );
  return { subject, text: lines.join('\n') };
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The HTML part, from the plain text: paragraphs, a list of tasks, the addresses as links. */
export function reminderHtml(subject: string, text: string): string {
  const link = (s: string) =>
    escapeHtml(s).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
  const blocks: string[] = [];
  let items: string[] = [];
  const flush = () => {
    if (items.length > 0) blocks.push(`<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`);
    items = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('- ')) items.push(link(line.slice(2)));
    else if (line.startsWith('  ') && items.length > 0) items[items.length - 1] += `<br>${link(line.trim())}`;
    else {
      flush();
      if (line.trim() !== '') blocks.push(`<p>${link(line)}</p>`);
    }
  }
  flush();
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${blocks.join('')}</body></html>`;
}
