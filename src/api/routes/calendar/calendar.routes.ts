import { Type } from '@sinclair/typebox';
import { assertCalendarInstant, CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, VN_UTC_OFFSET_MINUTES, yearSchedule } from '../../../calendar/working-calendar.ts';
import { OFFICIAL_SCHEDULES } from '../../../calendar/schedules/index.ts';
import { calendarWarnings, deleteOverride, listOverrides, putOverride } from '../../../domain/calendar/calendar.service.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { defineRoute } from '../../route.ts';
import { Instant, LocalDate, Nullable, Ok } from '../../schemas/common.ts';

const Override = Type.Object(
  { date: LocalDate, kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), name: Nullable(Type.String()) },
  { additionalProperties: false, title: 'CalendarOverride' },
);
const SkippedOverride = Type.Object(
  {
    date: Type.String({ description: 'As stored, possibly not a date' }),
    kind: Type.String(),
    name: Nullable(Type.String()),
    problem: Type.String({ description: 'Why the calendar does not use it' }),
  },
  { additionalProperties: false, title: 'SkippedCalendarOverride' },
);
const Warning = Type.Object(
  {
    code: Type.Union([Type.Literal('SCHEDULE_MISSING'), Type.Literal('OVERRIDE_SKIPPED')]),
    message: Type.String(),
    year: Type.Optional(Type.Integer()),
    date: Type.Optional(Type.String()),
  },
  { additionalProperties: false, title: 'CalendarWarning' },
);
export const DateParams = Type.Object({ date: LocalDate }, { additionalProperties: false });
export const OverrideBody = Type.Object(
  { kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) },
  { additionalProperties: false },
);
/**
 * Removing takes any date-shaped key, in range or not: a row stored outside the range (before it was
 * validated on the way in) must be removable by the admin the calendar warns.
 */
const StoredDateParams = Type.Object(
  { date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'The date as stored (YYYY-MM-DD), even outside the accepted range' }) },
  { additionalProperties: false },
);
export const Year = Type.Integer({ minimum: CALENDAR_MIN_YEAR, maximum: CALENDAR_MAX_YEAR });
export const YearQuery = Type.Object({ year: Type.Optional(Year) }, { additionalProperties: false });
const RANGE = `Dates, instants and years are accepted from ${CALENDAR_MIN_YEAR}-01-01 to ${CALENDAR_MAX_YEAR}-12-31 (Asia/Ho_Chi_Minh); outside, or when the due instant would fall outside, 400 CALENDAR_OUT_OF_RANGE.`;

export const localYear = (now: Date) => new Date(now.getTime() + VN_UTC_OFFSET_MINUTES * 60_000).getUTCFullYear();

export const calendarRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/calendar/due',
    tag: 'calendar',
    summary: 'Add working days to an instant',
    description:
      'Walks office hours (Asia/Ho_Chi_Minh) on working days only: weekends, public holidays, compensatory and swapped days and admin overrides are skipped. ' +
      `A start outside office hours counts from the next opening. ${RANGE}`,
    auth: 'user',
    query: Type.Object(
      {
        start: Instant,
        workingDays: Type.Number({ minimum: 0, maximum: 365, description: 'Fractions allowed; 1 working day = the configured office hours of one day' }),
      },
      { additionalProperties: false },
    ),
    response: { status: 200, schema: Type.Object({ due: Instant }, { additionalProperties: false }), description: 'The due instant' },
    errors: [400, 401],
    errorCodes: { 400: ['INVALID_INSTANT', 'CALENDAR_NO_WORKING_TIME'] },
    handler: async ({ query, deps }) => {
      const start = new Date(query.start);
      // A leap second (…T23:59:60Z) passes the date-time format but is no instant JavaScript can hold.
      if (Number.isNaN(start.getTime())) {
        throw new ValidationError('VALIDATION_FAILED', 'Invalid query: /start is not a representable instant', {
          problems: [{ path: 'query/start', message: 'is not a representable instant' }],
        });
      }
      assertCalendarInstant(start, 'start');
      const calendar = await deps.calendar.current();
      return { due: calendar.addWorkingDays(start, query.workingDays).toISOString() };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/calendar/days-off',
    tag: 'calendar',
    summary: 'Days off of a year besides weekends',
    description: RANGE,
    auth: 'user',
    query: YearQuery,
    response: {
      status: 200,
      schema: Type.Object({
        year: Type.Integer(),
        items: Type.Array(
          Type.Object({ date: LocalDate, working: Type.Boolean(), reason: Type.String(), name: Type.Optional(Type.String()) }, { additionalProperties: false }),
        ),
      }),
      description: 'Public holidays, compensatory and swapped days off, and override holidays',
    },
    errors: [400, 401],
    handler: async ({ query, deps }) => {
      const year = query.year ?? localYear(deps.clock());
      return { year, items: (await deps.calendar.current()).daysOff(year) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/calendar/schedules',
    tag: 'calendar',
    summary: "Each year's basis: the official schedule shipped with idesk, or the Labour Code's rule",
    description:
      'For the years shipped with this release, the current year and the next: the holidays, compensatory and swapped days (before admin overrides) and the ' +
      'documents that decided them. `warnings` names a year that runs (or, from 1 September, will run) on the Labour Code fallback and any stored override the ' +
      'calendar skips.',
    auth: 'user',
    query: YearQuery,
    response: {
      status: 200,
      schema: Type.Object(
        {
          warnings: Type.Array(Warning),
          years: Type.Array(
            Type.Object(
              {
                year: Type.Integer(),
                basis: Type.Union([Type.Literal('official'), Type.Literal('labour-code')]),
                sources: Type.Array(
                  Type.Object({ document: Type.String(), decides: Type.String(), seenAt: Type.Array(Type.String()) }, { additionalProperties: false }),
                ),
                days: Type.Array(Type.Object({ date: LocalDate, kind: Type.String(), name: Type.String() }, { additionalProperties: false })),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      description: 'The schedules and the warnings',
    },
    errors: [400, 401],
    handler: async ({ query, deps }) => {
      const now = deps.clock();
      const current = localYear(now);
      const years =
        query.year !== undefined
          ? [query.year]
          : [...new Set([...OFFICIAL_SCHEDULES.keys(), current, current + 1])].filter((y) => y >= CALENDAR_MIN_YEAR && y <= CALENDAR_MAX_YEAR).sort((a, b) => a - b);
      const warnings = deps.calendar.warnings ? await deps.calendar.warnings() : calendarWarnings(now, []);
      return { warnings, years: years.map((y) => yearSchedule(y)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/calendar/overrides',
    tag: 'calendar',
    summary: 'Admin overrides of the calendar',
    description: 'The overrides in use and, in `skipped`, any stored override the calendar cannot use (for the admin to delete).',
    auth: 'user',
    query: YearQuery,
    response: {
      status: 200,
      schema: Type.Object({ items: Type.Array(Override), skipped: Type.Array(SkippedOverride) }),
      description: 'Overrides',
    },
    errors: [400, 401],
    handler: async ({ query, deps }) => listOverrides(deps.db, query.year),
  }),
  defineRoute({
    method: 'put',
    path: '/api/calendar/overrides/:date',
    tag: 'calendar',
    summary: 'Make a day a holiday or a working day (admin)',
    description: `For a schedule not shipped with idesk yet, or a local decision: days off and make-up Saturdays. ${RANGE}`,
    auth: ['admin'],
    params: DateParams,
    body: OverrideBody,
    response: { status: 200, schema: Override, description: 'The override' },
    errors: [400, 401, 403],
    errorCodes: { 400: ['INVALID_DATE'] },
    handler: async ({ params, body, principal, deps }) => {
      const view = await putOverride(deps.db, { kind: 'user', id: principal.userId }, { date: params.date, ...body }, deps.clock());
      deps.calendar.invalidate();
      return view;
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/calendar/overrides/:date',
    tag: 'calendar',
    summary: 'Remove an override (admin)',
    description: 'Also removes a stored override outside the accepted range, which the calendar skips.',
    auth: ['admin'],
    params: StoredDateParams,
    response: { status: 200, schema: Ok, description: 'Removed' },
    errors: [400, 401, 403, 404],
    handler: async ({ params, principal, deps }) => {
      await deleteOverride(deps.db, { kind: 'user', id: principal.userId }, params.date, deps.clock());
      deps.calendar.invalidate();
      return { ok: true as const };
    },
  }),
];
