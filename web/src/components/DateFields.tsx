/**
 * Date and time as two text fields, dd/mm/yyyy and HH:MM (24 hours), in Vietnam time: the browser's own
 * pickers follow its language (mm/dd/yyyy in an English browser), these read the same everywhere. Mistakes are
 * said next to the field once something is typed (or after a submit attempt); and a month picker as a select.
 */

import { comparePeriods, parseDate, parseTime } from '../lib/dates.ts';
import { formatPeriod } from '../lib/format.ts';

export interface DateTimeValue {
  date: string;
  time: string;
}

export function DateTimeFields(props: {
  id: string;
  legend: string;
  value: DateTimeValue;
  onChange(value: DateTimeValue): void;
  showErrors?: boolean;
  required?: boolean;
}) {
  const { id, value } = props;
  const dateCheck = parseDate(value.date);
  const timeCheck = parseTime(value.time);
  const show = (raw: string) => props.showErrors || raw.trim() !== '';
  const empty = value.date.trim() === '' && value.time.trim() === '';
  const dateError =
    !dateCheck.ok && show(value.date) && !(empty && !props.required) ? dateCheck.message : null;
  const timeError =
    !timeCheck.ok && show(value.time) && !(empty && !props.required) ? timeCheck.message : null;
  return (
    <fieldset class="datetime">
      <legend>{props.legend} (giờ Việt Nam)</legend>
      <div class="datetime-fields">
        <div class="field">
          <label for={`${id}-date`}>Ngày</label>
          <input
            id={`${id}-date`}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            placeholder="dd/mm/yyyy"
            size={10}
            value={value.date}
            aria-invalid={dateError ? 'true' : undefined}
            aria-describedby={`${id}-date-hint${dateError ? ` ${id}-date-error` : ''}`}
            onInput={(e) => props.onChange({ ...value, date: e.currentTarget.value })}
          />
          <span class="hint" id={`${id}-date-hint`}>
            ngày/tháng/năm
          </span>
          {dateError && (
            <span class="field-error" id={`${id}-date-error`}>
              {dateError}
            </span>
          )}
        </div>
        <div class="field">
          <label for={`${id}-time`}>Giờ</label>
          <input
            id={`${id}-time`}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            placeholder="hh:mm"
            size={5}
            value={value.time}
            aria-invalid={timeError ? 'true' : undefined}
            aria-describedby={`${id}-time-hint${timeError ? ` ${id}-time-error` : ''}`}
            onInput={(e) => props.onChange({ ...value, time: e.currentTarget.value })}
          />
          <span class="hint" id={`${id}-time-hint`}>
            24 giờ
          </span>
          {timeError && (
            <span class="field-error" id={`${id}-time-error`}>
              {timeError}
            </span>
          )}
        </div>
      </div>
    </fieldset>
  );
}

/** A month as a select of recent months ("Tháng 11/2026"), the same in every browser language. */
export function MonthSelect(props: {
  id: string;
  label: string;
  value: string;
  periods: readonly string[];
  onChange(period: string): void;
}) {
  const options = [...new Set([...props.periods, props.value])].sort(comparePeriods).reverse();
  return (
    <div class="field field-inline">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {options.map((p) => (
          <option key={p} value={p}>
            {formatPeriod(p)}
          </option>
        ))}
      </select>
    </div>
  );
}
