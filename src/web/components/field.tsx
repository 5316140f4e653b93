import { DATE_MARK_PREFIX, DATE_PATTERN, DATE_TIME_PATTERN, showPageDate } from '../dates.ts';

export interface Option {
  value: string;
  label: string;
}

export interface FieldProps {
  name: string;
  label: string;
  /** What the user typed (kept after a refusal) or the current value. */
  value?: string | null;
  /** Why the value was refused, shown beside the field and tied to it for screen readers. */
  error?: string | undefined;
  hint?: string;
  type?: 'text' | 'password' | 'number' | 'date' | 'datetime-local' | 'email' | 'tel' | 'search' | 'textarea' | 'select';
  required?: boolean;
  options?: Option[];
  /** Unique on the page: two forms may carry a field of the same name. */
  idPrefix?: string;
  autocomplete?: string;
  maxLength?: number;
  autofocus?: boolean;
  /** What the empty choice of an optional list says ("Tất cả" for a filter). */
  emptyLabel?: string;
}

/** What a date field says under its label when the page gives no hint of its own. */
const DATE_HINTS = { date: 'Ngày/tháng/năm, ví dụ 26/02/2026.', 'datetime-local': 'Ngày/tháng/năm giờ:phút, ví dụ 26/02/2026 14:30.' } as const;

/**
 * One labelled form field: text, password, date, a text area or a list to pick from. It shows its hint
 * and its error beside it (aria-describedby, aria-invalid) and keeps the value it is given. A date (and
 * a date with a time) is a text field typed and shown dd/mm/yyyy (hh:mm), never the browser's own date
 * input, which follows the browser's language; a hidden marker has the server read it (dates.ts).
 */
export function Field(props: FieldProps) {
  const { name, label, value, error, type = 'text', required, options, idPrefix, autocomplete, maxLength, autofocus, emptyLabel } = props;
  const isDate = type === 'date' || type === 'datetime-local';
  const hint = isDate ? [DATE_HINTS[type], props.hint].filter(Boolean).join(' ') : props.hint;
  const id = `${idPrefix ? `${idPrefix}-` : ''}${name}`;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name,
    required,
    autofocus,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': described,
  };
  let control;
  if (type === 'textarea') {
    control = <textarea {...common} maxLength={maxLength} rows={4}>{value ?? ''}</textarea>;
  } else if (type === 'select') {
    control = (
      <select {...common}>
        {!required && <option value="">{emptyLabel ?? '— Không chọn —'}</option>}
        {required && !value && <option value="">— Chọn —</option>}
        {(options ?? []).map((o) => (
          <option value={o.value} selected={o.value === (value ?? '')}>{o.label}</option>
        ))}
      </select>
    );
  } else if (isDate) {
    control = (
      <>
        <input
          {...common}
          type="text"
          inputMode="decimal"
          pattern={type === 'date' ? DATE_PATTERN : DATE_TIME_PATTERN}
          placeholder={type === 'date' ? 'dd/mm/yyyy' : 'dd/mm/yyyy hh:mm'}
          value={showPageDate(value)}
          autoComplete="off"
          maxLength={type === 'date' ? 10 : 16}
          class={type === 'date' ? 'date-input' : 'datetime-input'}
        />
        <input type="hidden" name={`${DATE_MARK_PREFIX}${name}`} value={type === 'date' ? 'date' : 'datetime'} />
      </>
    );
  } else {
    control = <input {...common} type={type as "text"} value={value ?? ''} autoComplete={autocomplete} maxLength={maxLength} />;
  }
  return (
    <div class="field">
      <label for={id}>
        {label}
        {required && <span class="required" aria-hidden="true"> *</span>}
      </label>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      {control}
      {error && <span class="error" id={`${id}-error`}>{error}</span>}
    </div>
  );
}
