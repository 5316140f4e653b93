import { CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR } from '../../calendar/working-calendar.ts';
import { Type, type TSchema } from '@sinclair/typebox';
import { ROLES } from '../../auth/principal.ts';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * The years an instant or a date may name, in every request and answer. Nothing the service does needs
 * an earlier or a later one (an appointment is weeks away, a calendar holds this year and the next), and
 * bounding them keeps every calendar walk and every `Date` finite: a year 0 start or a year 9999
 * appointment is a typo or an attack, not a dossier. Enforced by the `date-time` and `date` formats of
 * the one validator (src/api/validation.ts), which refuses a year outside with 400 CALENDAR_OUT_OF_RANGE
 * (details `{ from, to, problems }`), the code the working calendar gives a walk that would leave the same
 * range: one rule, one code, whether the request or the calendar finds it.
 */
export const EARLIEST_YEAR = CALENDAR_MIN_YEAR;
export const LATEST_YEAR = CALENDAR_MAX_YEAR;

/**
 * An ISO-8601 instant with its offset (RFC 3339 `date-time`), in years 2000–2100, without leap seconds
 * (second 60 has no JavaScript `Date`).
 */
export const Instant = Type.String({
  format: 'date-time',
  description: `ISO-8601 instant with its offset, e.g. 2026-04-29T09:00:00+07:00; years ${EARLIEST_YEAR}–${LATEST_YEAR}, seconds 00–59`,
});
export const LocalDate = Type.String({ format: 'date', description: `Local date YYYY-MM-DD (Asia/Ho_Chi_Minh), years ${EARLIEST_YEAR}–${LATEST_YEAR}` });

/**
 * A record id: in a path or a query it is written as a canonical decimal (no sign, no leading zero, no
 * exponent or hex — `/api/dossiers/01` is a 400, not dossier 1) and fits PostgreSQL's `integer`.
 */
export const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

/** The largest page a list serves: deeper pages are a typo (or `page=1e300`), not a reader. */
export const MAX_PAGE = 10_000;
export const Page = Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: `Page number, 1–${MAX_PAGE}` });
export const PageSize = Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page, 1–100' });

/** A non-blank line of text (a reason, a note). */
export const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code' }),
      message: Type.String(),
      details: Type.Unknown({ description: 'null, or an object with what the code needs (problems, allowedEvents, currentVersion, …)' }),
    }),
  },
  { title: 'Error' },
);

export const Ok = Type.Object({ ok: Type.Literal(true) });
