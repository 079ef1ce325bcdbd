/**
 * Naming an acting head for an absence (người được giao quyền phê duyệt): the unit head picks one of the unit's
 * staff and the dates (dd/mm/yyyy, Vietnam time); while it lasts the acting head approves in the head's place.
 */
import { useState } from 'preact/hooks';
import type { Delegation, Evaluation } from '../api/types.ts';
import { DateTimeFields, type DateTimeValue } from '../components/DateFields.tsx';
import { ErrorNotice, Section, SuccessNotice } from '../components/ui.tsx';
import { useApp } from '../context.ts';
import { dateText, parseDateTime, timeText } from '../lib/dates.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';

/** Date and time fields pre-filled with an instant, in Vietnam time. */
const fieldsAt = (date: Date): DateTimeValue => ({ date: dateText(date), time: timeText(date) });

export function ActingHeads({ unitId, staff }: { unitId: string; staff: readonly Evaluation[] }) {
  const { api, me } = useApp();
  const delegations = useLoad(
    async () =>
      (await api.get<{ items: Delegation[] }>(`/v1/units/${encodeURIComponent(unitId)}/acting-heads`)).items,
    [unitId],
  );
  const people = staff.filter((e) => e.unitId === unitId && e.employeeId !== me.employeeId);
  const [delegateId, setDelegateId] = useState('');
  const [from, setFrom] = useState(() => fieldsAt(new Date()));
  const [to, setTo] = useState(() => fieldsAt(new Date(Date.now() + 7 * 86_400_000)));
  const [showErrors, setShowErrors] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction();
  const name = (id: string) => staff.find((e) => e.employeeId === id)?.employeeName ?? id;

  const submit = async () => {
    setShowErrors(true);
    if (!delegateId) {
      action.setError(new Error('Hãy chọn người được giao quyền.'));
      return;
    }
    const start = parseDateTime(from.date, from.time);
    const end = parseDateTime(to.date, to.time);
    if (!start.ok || !end.ok) {
      action.setError(new Error('Hãy nhập đúng ngày (dd/mm/yyyy) và giờ (hh:mm) bắt đầu và kết thúc.'));
      return;
    }
    const done = await action.run(
      () =>
        api.put<Delegation>(
          `/v1/units/${encodeURIComponent(unitId)}/acting-heads/${encodeURIComponent(delegateId)}`,
          {
            from: start.value,
            to: end.value,
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        ),
      `Đã giao quyền phê duyệt cho ${name(delegateId)}.`,
    );
    if (done) delegations.reload();
  };

  return (
    <Section title="Giao quyền cấp trưởng khi vắng mặt" id="acting-title">
      <p class="muted">
        Người được giao quyền phê duyệt thay trong khoảng thời gian đã chọn; mỗi phiếu họ phê duyệt được ghi
        rõ là phê duyệt thay.
      </p>
      <form
        class="grid-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="field">
          <label for="acting-person">Người được giao quyền</label>
          <select
            id="acting-person"
            value={delegateId}
            onChange={(e) => setDelegateId(e.currentTarget.value)}
          >
            <option value="">— Chọn —</option>
            {people.map((p) => (
              <option key={p.employeeId} value={p.employeeId}>
                {p.employeeName}
              </option>
            ))}
          </select>
        </div>
        <DateTimeFields
          id="acting-from"
          legend="Từ"
          value={from}
          onChange={setFrom}
          showErrors={showErrors}
          required
        />
        <DateTimeFields
          id="acting-to"
          legend="Đến"
          value={to}
          onChange={setTo}
          showErrors={showErrors}
          required
        />
        <div class="field">
          <label for="acting-reason">Lý do</label>
          <input
            id="acting-reason"
            value={reason}
            maxLength={2000}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>
            Giao quyền
          </button>
        </div>
      </form>
      <ErrorNotice error={action.error ?? delegations.error} />
      <SuccessNotice message={action.success} />
      {delegations.data && delegations.data.length > 0 && (
        <ul class="plain" data-testid="acting-heads">
          {delegations.data.map((d) => (
            <li key={`${d.delegateId}-${d.from}`}>
              <strong>{name(d.delegateId)}</strong> từ {formatDateTime(d.from)} đến {formatDateTime(d.to)}
              {d.reason ? ` — ${d.reason}` : ''}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
