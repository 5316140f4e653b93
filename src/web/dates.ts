import { isInstant, isLocalDate } from '../api/validation.ts';

/**
 * Dates on the pages read and are typed dd/mm/yyyy (and hh:mm) whatever the browser's language (issue 14
 * §5): a browser's `<input type="date">` shows the date in the browser's locale (mm/dd/yyyy in an
 * English Chrome), so the pages use text fields (components/field.tsx) and read them here into the forms
 * the API's one date rule checks — `LocalDate` (`YYYY-MM-DD`) and, through format.ts's `fromLocalInput`,
 * `Instant` (src/api/schemas/common.ts, validated by src/api/validation.ts with its year range). A field
 * says it holds a date with a hidden marker (`_date.<name>`), so that no free text that looks like a date
 * (a note reading "26/02/2026") is ever rewritten.
 */
export const DATE_MARK_PREFIX = '_date.';

/** What a person may type: day, month, year with `/`, `.`, `-` or `,` between (a phone's number pad has `.` or `,`), then a time. */
const TYPED = /^(\d{1,2})[/.,-](\d{1,2})[/.,-](\d{4})(?:[ T.,]+(\d{1,2})[:.h,](\d{2}))?$/;

/** The same, as an HTML `pattern` (anchored by the browser; written for the `v` flag Chrome uses). */
export const DATE_PATTERN = String.raw`\d{1,2}[\/.,\-]\d{1,2}[\/.,\-]\d{4}`;
export const DATE_TIME_PATTERN = String.raw`\d{1,2}[\/.,\-]\d{1,2}[\/.,\-]\d{4}([ T.,]+\d{1,2}[:.h,]\d{2})?`;

const pad = (s: string) => s.padStart(2, '0');

/**
 * A typed date as the API's `LocalDate` (`26/2/2026` → `2026-02-26`). A date already written that way
 * passes as it is; anything else — and a date that does not exist (31/02) or lies outside the years the
 * rule allows — is returned as typed, for the API's rule to refuse beside the field and the field to show
 * what was typed.
 */
export function pageDate(typed: string): string {
  const text = typed.trim();
  const m = TYPED.exec(text);
  if (!m || m[4] !== undefined) return text;
  const iso = `${m[3]}-${pad(m[2] as string)}-${pad(m[1] as string)}`;
  return isLocalDate(iso) ? iso : text;
}

/**
 * A typed date and time on Vietnam's clock as format.ts's local form (`26/02/2026 14:30` →
 * `2026-02-26T14:30`), which `fromLocalInput` turns into an `Instant` with +07:00. A date without a
 * time, an impossible one, or anything else is returned as typed, for the rule to refuse.
 */
export function pageDateTime(typed: string): string {
  const text = typed.trim();
  const m = TYPED.exec(text);
  if (!m || m[4] === undefined) return text;
  const local = `${m[3]}-${pad(m[2] as string)}-${pad(m[1] as string)}T${pad(m[4])}:${m[5]}`;
  return isInstant(`${local}:00+07:00`) ? local : text;
}

/**
 * Reads the marked date fields of a form (or a GET form's query) in place: `_date.<name>=date|datetime`
 * names a field to read with {@link pageDate} or {@link pageDateTime}; the markers are removed.
 */
export function readDateFields(form: Record<string, string>): Record<string, string> {
  for (const key of Object.keys(form)) {
    if (!key.startsWith(DATE_MARK_PREFIX)) continue;
    const name = key.slice(DATE_MARK_PREFIX.length);
    const kind = form[key];
    delete form[key];
    const value = form[name];
    if (value === undefined || value.trim() === '') continue;
    form[name] = kind === 'datetime' ? pageDateTime(value) : pageDate(value);
  }
  return form;
}

/** A date or a local date-time as the field shows it: `2026-02-26` → `26/02/2026`, `2026-02-26T14:30` → `26/02/2026 14:30`; other text as is. */
export function showPageDate(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2})?)?$/.exec(value);
  if (!m) return value;
  return `${m[3]}/${m[2]}/${m[1]}${m[4] !== undefined ? ` ${m[4]}:${m[5]}` : ''}`;
}
