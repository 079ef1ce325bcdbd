/**
 * The history of one evaluation as a timeline: who did what and when, with the comments made on the way. People
 * are named by their part in the evaluation (lãnh đạo trực tiếp, thủ trưởng đơn vị) and by name where the caller
 * may see it, never by an internal id.
 */
import type { Evaluation, HistoryItem } from '../api/types.ts';
import { useApp } from '../context.ts';
import { useNames } from '../lib/directory.ts';
import { actionLabel, formatDateTime, statusOnly } from '../lib/format.ts';

function actorName(item: HistoryItem, evaluation: Evaluation, meId: string, names: Map<string, string>) {
  const named = (role: string, id: string) => {
    const name = names.get(id);
    return name ? `${role} (${name})` : role;
  };
  if (item.actorId === meId) return 'Bạn';
  if (item.actorId === evaluation.employeeId) return `${evaluation.employeeName} (người được đánh giá)`;
  if (item.actorId === evaluation.reviewerId) return named('Lãnh đạo trực tiếp', item.actorId);
  if (item.actorId === evaluation.approverId) return named('Thủ trưởng đơn vị', item.actorId);
  // A head of a top-level unit is evaluated by a role (the top unit's HR, a collective body): say which.
  if (evaluation.approverRole && ['review', 'return', 'approve'].includes(item.action))
    return named(evaluation.approverRole, item.actorId);
  if (item.actorId === 'seed' || item.actorId === 'system') return 'Hệ thống';
  if (item.action === 'decideAppeal') return named('Người giải quyết khiếu nại', item.actorId);
  if (item.onBehalfOf) return named('Người được giao quyền phê duyệt', item.actorId);
  return names.get(item.actorId) ?? 'Người có thẩm quyền';
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
  const { api } = useApp();
  // The evaluated person cannot look up their leaders (the API answers 404); others may see some of them.
  const lookups =
    evaluation.employeeId === meId
      ? []
      : items
          .flatMap((i) => [i.actorId, i.onBehalfOf])
          .filter((id) => id !== meId && id !== 'seed' && id !== 'system');
  const names = useNames(api, lookups);
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
            <time dateTime={item.at}>{formatDateTime(item.at)}</time> ·{' '}
            {actorName(item, evaluation, meId, names)}
            {item.onBehalfOf
              ? ` (thay mặt ${item.onBehalfOf === meId ? 'bạn' : (names.get(item.onBehalfOf) ?? 'thủ trưởng đơn vị')})`
              : ''}
          </p>
          {item.comment && <blockquote class="timeline-comment">{item.comment}</blockquote>}
        </li>
      ))}
    </ol>
  );
}
