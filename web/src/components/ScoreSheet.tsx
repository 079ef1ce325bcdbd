/**
 * The score sheet built from the rubric: one row per criterion with its Vietnamese label and maximum, earlier
 * scores beside it (the employee's own, the reviewer's) and an input, then the live total and the grade it
 * would get. Inputs take a decimal comma or a dot; mistakes are announced next to the field.
 */
import type { Band, Criterion, Grade, Scores } from '../api/types.ts';
import { formatPoints } from '../lib/format.ts';
import { evaluateSheet, gradeFor } from '../lib/scores.ts';
import { GradeBadge } from './ui.tsx';

export interface ScoreReference {
  label: string;
  scores: Scores | null;
  total: number | null;
}

export interface ScoreSheetProps {
  idPrefix: string;
  caption: string;
  criteria: readonly Criterion[];
  bands: readonly Band[];
  /** What is typed, criterion id → text; absent: a read-only sheet of the references alone. */
  values?: Record<string, string>;
  onChange?: (criterionId: string, value: string) => void;
  /** Column heading of the inputs. */
  inputLabel?: string;
  references?: readonly ScoreReference[];
  /** Show the message of an empty field too (after a save was attempted). */
  showAllErrors?: boolean;
  /**
   * Read-only sheets: the grade actually given (the decision's), or null with `gradeNote` saying why there is
   * none. A read-only sheet never works a grade out of the scores itself: a self-score is not a result.
   */
  grade?: Grade | null;
  gradeNote?: string;
  /**
   * Criteria the system computes (nd-335's task results from the fed products): shown, not typed. The form puts
   * the same value in `values`, so the total and the request carry it.
   */
  fixed?: Record<string, number>;
}

export function ScoreSheet(props: ScoreSheetProps) {
  const { idPrefix, criteria, values, references = [] } = props;
  const editable = values !== undefined;
  const result = evaluateSheet(criteria, values ?? {});
  const maxTotal = criteria.reduce((sum, c) => sum + Math.round(c.max * 100), 0) / 100;
  const shown = editable ? null : ([...references].reverse().find((r) => r.total !== null) ?? null);
  const total = shown ? (shown.total ?? 0) : result.totalHundredths / 100;
  const band = editable && result.complete ? gradeFor(props.bands, total) : null;
  let lastGroup: string | undefined;
  const columns = 1 + references.length + (editable ? 1 : 0);
  return (
    <div class="score-sheet">
      <table class="score-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Tiêu chí</th>
            {references.map((r) => (
              <th scope="col" class="num" key={r.label}>
                {r.label}
              </th>
            ))}
            {editable && (
              <th scope="col" class="num">
                {props.inputLabel}
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {criteria.map((c) => {
            const id = `${idPrefix}-${c.id}`;
            const raw = values?.[c.id] ?? '';
            const error = result.errors[c.id];
            const showError = error !== undefined && (props.showAllErrors || raw.trim() !== '');
            const groupRow =
              c.group && c.group !== lastGroup ? (
                <tr class="group-row" key={`group-${c.group}`}>
                  <th scope="colgroup" colSpan={columns}>
                    {c.group}
                  </th>
                </tr>
              ) : null;
            lastGroup = c.group;
            return [
              groupRow,
              <tr key={c.id}>
                <th scope="row">
                  {editable && props.fixed?.[c.id] === undefined ? (
                    <label for={id}>{c.label}</label>
                  ) : (
                    <span>{c.label}</span>
                  )}
                  <span class="max" id={`${id}-max`}>
                    tối đa {formatPoints(c.max)} điểm
                  </span>
                </th>
                {references.map((r) => (
                  <td class="num" key={r.label} data-label={r.label}>
                    {formatPoints(r.scores?.[c.id])}
                  </td>
                ))}
                {editable && props.fixed?.[c.id] !== undefined && (
                  <td class="num input-cell" data-label={props.inputLabel}>
                    <span class="computed-score" data-testid={`${id}-computed`}>
                      {formatPoints(props.fixed[c.id])}
                    </span>
                    <span class="max">tính từ sản phẩm quy đổi</span>
                  </td>
                )}
                {editable && props.fixed?.[c.id] === undefined && (
                  <td class="num input-cell" data-label={props.inputLabel}>
                    <input
                      id={id}
                      name={c.id}
                      type="text"
                      inputMode="decimal"
                      autoComplete="off"
                      value={raw}
                      aria-invalid={showError ? 'true' : undefined}
                      aria-describedby={`${id}-max${showError ? ` ${id}-error` : ''}`}
                      onInput={(e) => props.onChange?.(c.id, e.currentTarget.value)}
                    />
                    {showError && (
                      <span class="field-error" id={`${id}-error`}>
                        {error}
                      </span>
                    )}
                  </td>
                )}
              </tr>,
            ];
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Tổng cộng (tối đa {formatPoints(maxTotal)})</th>
            {references.map((r) => (
              <td class="num" key={r.label} data-label={r.label}>
                <strong>{formatPoints(r.total)}</strong>
              </td>
            ))}
            {editable && (
              <td class="num" data-label={props.inputLabel}>
                <strong>{formatPoints(total)}</strong>
              </td>
            )}
          </tr>
        </tfoot>
      </table>
      <p class="total-preview" aria-live="polite" data-testid={`${idPrefix}-total`}>
        {shown ? `${shown.label}: ` : 'Tổng điểm: '}
        <strong>{formatPoints(total)}</strong>/{formatPoints(maxTotal)}
        {editable ? (
          band ? (
            <>
              {' '}
              · Mức xếp loại dự kiến: <GradeBadge grade={band.grade} long />
            </>
          ) : (
            <span class="muted"> · nhập đủ điểm các tiêu chí để xem mức xếp loại dự kiến</span>
          )
        ) : props.grade ? (
          <>
            {' '}
            · Xếp loại: <GradeBadge grade={props.grade} long />
          </>
        ) : props.gradeNote ? (
          <span class="muted"> · {props.gradeNote}</span>
        ) : null}
      </p>
    </div>
  );
}
