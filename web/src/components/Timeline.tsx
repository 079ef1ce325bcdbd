/**
 * The history of one evaluation as a timeline: who did what and when, with the comments made on the way. People
 * are named by their part in the evaluation (lãnh đạo trực tiếp, thủ trưởng đơn vị) and by the name the API gives
 * with each event (`actorName`, `onBehalfOfName`), never by an internal id.
 */
import type { Evaluation, HistoryItem } from '../api/types.ts';
import { actionLabel, formatDateTime, statusOnly } from '../lib/format.ts';

export function actorLabel(item: HistoryItem, evaluation: Evaluation, meId: string): string {
  const named = (role: string) => (item.actorName ? `${role} (${item.actorName})` : role);
  if (item.actorId === meId) return 'Bạn';
  if (item.actorId === evaluation.employeeId) return `${evaluation.employeeName} (người được đánh giá)`;
  if (item.actorId === 'seed' || item.actorId === 'system') return 'Hệ thống';
  // A reopening is an administrator's decision for the whole period, whoever else they are to this form.
  if (item.action === 'reopen') return named('Quản trị hệ thống');
  if (item.actorId === evaluation.reviewerId) return named('Lãnh đạo trực tiếp');
  if (item.actorId === evaluation.approverId) return named('Thủ trưởng đơn vị');
  // A head of a top-level unit is evaluated by a role (the top unit's HR, a collective body): say which.
  if (evaluation.approverRole && ['review', 'return', 'approve'].includes(item.action))
    return named(evaluation.approverRole);
  if (item.action === 'decideAppeal') return named('Người giải quyết khiếu nại');
  if (item.onBehalfOf) return named('Người được giao quyền phê duyệt');
  if (item.action === 'open') return named('Cán bộ tổ chức');
  return item.actorName ?? 'Người có thẩm quyền';
}

function onBehalfOfLabel(item: HistoryItem, meId: string): string {
  if (!item.onBehalfOf) return '';
  if (item.onBehalfOf === meId) return ' (thay mặt bạn)';
  return ` (thay mặt thủ trưởng đơn vị${item.onBehalfOfName ? ` ${item.onBehalfOfName}` : ''})`;
}

export function Timeline({
  items,
  evaluation,
  meId,
}: {
  items: HistoryItem[];
  evaluation: Evaluation;
  meId: string;
}) {
  if (items.length === 0) return <p class="muted">Chưa có hoạt động nào.</p>;
  return (
    <ol class="timeline">
      {[...items].reverse().map((item) => (
        <li key={`${item.version}-${item.at}`} class={`timeline-${item.action}`}>
          <p class="timeline-head">
            <strong>{actionLabel(item.action)}</strong>
            {item.fromStatus !== item.toStatus && <span class="muted"> → {statusOnly(item.toStatus)}</span>}
          </p>
          <p class="timeline-meta">
            <time dateTime={item.at}>{formatDateTime(item.at)}</time> · {actorLabel(item, evaluation, meId)}
            {onBehalfOfLabel(item, meId)}
          </p>
          {item.comment && <blockquote class="timeline-comment">{item.comment}</blockquote>}
        </li>
      ))}
    </ol>
  );
}
