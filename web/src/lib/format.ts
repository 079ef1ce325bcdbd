/**
 * Vietnamese wording and vi-VN formatting of numbers, dates, periods, statuses and actions, in one place.
 * Times are shown in Asia/Ho_Chi_Minh, where the deadlines are set, whatever the browser's zone. No DOM.
 */
import type { Evaluation, EvaluationStatus, Grade, InflationSignal } from '../api/types.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const pointsFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const percentFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
const dateTimeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const dateFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/** 62.5 → "62,5". */
export const formatPoints = (points: number | null | undefined) =>
  points === null || points === undefined ? '—' : pointsFormat.format(points);

/** 33.33 → "33,3%". */
export const formatPercent = (percent: number) => `${percentFormat.format(percent)}%`;

export const formatNumber = (n: number) => pointsFormat.format(n);

const moneyFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
/** Whole đồng: 7020000 → "7.020.000". */
export const formatMoney = (amount: number) => moneyFormat.format(amount);

/** "14:05 26/11/2026" (vi-VN order), in Vietnam time. */
export const formatDateTime = (iso: string) => dateTimeFormat.format(new Date(iso));

export const formatDate = (iso: string) => dateFormat.format(new Date(iso));

const ROMAN_QUARTERS = ['I', 'II', 'III', 'IV'];

/** "2026-11" → "Tháng 11/2026"; "2026-Q1" → "Quý I/2026". */
export function formatPeriod(period: string): string {
  const [year, part = ''] = period.split('-');
  if (part.startsWith('Q')) return `Quý ${ROMAN_QUARTERS[Number(part.slice(1)) - 1] ?? part}/${year}`;
  return `Tháng ${Number(part)}/${year}`;
}

/** The month (`YYYY-MM`) a moment falls in, in Vietnam time. */
export function periodOf(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit' })
    .formatToParts(date)
    .reduce<Record<string, string>>((acc, p) => {
      acc[p.type] = p.value;
      return acc;
    }, {});
  return `${parts.year}-${parts.month}`;
}

export interface Countdown {
  passed: boolean;
  text: string;
  /** Less than a day left. */
  urgent: boolean;
}

/** "còn 7 ngày 16 giờ" / "còn 3 giờ 20 phút" / "đã quá hạn 2 ngày". */
export function countdown(deadlineIso: string, now: number): Countdown {
  const diff = Date.parse(deadlineIso) - now;
  const abs = Math.abs(diff);
  const minutes = Math.floor(abs / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const span =
    days > 0 ? `${days} ngày ${hours} giờ` : hours > 0 ? `${hours} giờ ${mins} phút` : `${mins} phút`;
  if (diff < 0) return { passed: true, text: `đã quá hạn ${span}`, urgent: true };
  return { passed: false, text: `còn ${span}`, urgent: diff < 86_400_000 };
}

export const GRADE_LABELS: Record<Grade, string> = {
  A: 'Hoàn thành xuất sắc nhiệm vụ',
  B: 'Hoàn thành tốt nhiệm vụ',
  C: 'Hoàn thành nhiệm vụ',
  D: 'Không hoàn thành nhiệm vụ',
};

const STATUS_LABELS: Record<EvaluationStatus, string> = {
  DRAFT: 'Nháp, chưa nộp',
  SUBMITTED: 'Đã nộp, chờ nhận xét',
  REVIEWED: 'Đã nhận xét, chờ phê duyệt',
  APPROVED: 'Đã phê duyệt',
  RETURNED: 'Bị trả lại',
  EXPIRED: 'Hết hạn',
};

export function statusLabel(e: Pick<Evaluation, 'status' | 'returnedTo'>): string {
  if (e.status === 'RETURNED') {
    return e.returnedTo === 'reviewer' ? 'Bị trả lại cho lãnh đạo trực tiếp' : 'Bị trả lại để hoàn thiện';
  }
  return STATUS_LABELS[e.status];
}

export const statusOnly = (s: EvaluationStatus) => STATUS_LABELS[s];

const ACTION_LABELS: Record<string, string> = {
  open: 'Mở kỳ đánh giá, tạo phiếu',
  saveSelfAssessment: 'Lưu bản tự đánh giá',
  submit: 'Nộp bản tự đánh giá',
  review: 'Nhận xét, chấm điểm',
  return: 'Trả lại',
  approve: 'Phê duyệt, xếp loại',
  appeal: 'Khiếu nại',
  decideAppeal: 'Giải quyết khiếu nại',
  expire: 'Hết hạn khi đóng kỳ',
  reopen: 'Mở lại kỳ đánh giá',
  publish: 'Công khai kết quả',
};

export const actionLabel = (action: string) => ACTION_LABELS[action] ?? action;

export const INFLATION_LABELS: Record<InflationSignal, string> = {
  NEARLY_ALL_A: 'Gần như tất cả đều loại A',
  ALL_SAME_GRADE: 'Mọi người cùng một mức xếp loại',
  SELF_ABOVE_REVIEW: 'Tự chấm cao hơn nhiều so với lãnh đạo trực tiếp chấm',
  COPY_PASTE_COMMENTS: 'Nhận xét sao chép giống hệt nhau',
};

/** Roles as people call them. `employee` is shown as the person's category instead (see CATEGORY_LABELS). */
export const ROLE_LABELS: Record<string, string> = {
  employee: 'Người được đánh giá',
  reviewer: 'Lãnh đạo trực tiếp',
  approver: 'Thủ trưởng đơn vị',
  hr: 'Tổ chức cán bộ',
  admin: 'Quản trị',
};

export const CATEGORY_LABELS: Record<string, string> = {
  cadre: 'Cán bộ',
  civil_servant: 'Công chức',
  public_employee: 'Viên chức',
  worker: 'Người lao động',
};
