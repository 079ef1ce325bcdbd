/** The history of one evaluation as a timeline: who did what and when, with the comments made on the way. */
import type { Evaluation, HistoryItem } from '../api/types.ts';
import { actionLabel, formatDateTime, statusOnly } from '../lib/format.ts';

function actorName(item: HistoryItem, evaluation: Evaluation, meId: string): string {
  if (item.actorId === meId) return 'Bạn';
  if (item.actorId === evaluation.employeeId) return `${evaluation.employeeName} (người được đánh giá)`;
  if (item.actorId === evaluation.reviewerId) return `Người nhận xét (${item.actorId})`;
  if (item.actorId === evaluation.approverId) return `Người phê duyệt (${item.actorId})`;
  if (item.actorId === 'seed' || item.actorId === 'system') return 'Hệ thống';
  return item.actorId;
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
            <time dateTime={item.at}>{formatDateTime(item.at)}</time> · {actorName(item, evaluation, meId)}
            {item.onBehalfOf ? ` (thay mặt ${item.onBehalfOf})` : ''}
          </p>
          {item.comment && <blockquote class="timeline-comment">{item.comment}</blockquote>}
        </li>
      ))}
    </ol>
  );
}
