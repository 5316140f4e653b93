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

/**
 * One labelled form field: text, password, date, a text area or a list to pick from. It shows its hint
 * and its error beside it (aria-describedby, aria-invalid) and keeps the value it is given.
 */
export function Field(props: FieldProps) {
  const { name, label, value, error, hint, type = 'text', required, options, idPrefix, autocomplete, maxLength, autofocus, emptyLabel } = props;
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
