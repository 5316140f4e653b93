import { Type } from '@sinclair/typebox';
import { deleteOverride, listOverrides, putOverride } from '../../../domain/calendar/calendar.service.ts';
import { defineRoute } from '../../route.ts';
import { Instant, LocalDate, Nullable, Ok } from '../../schemas/common.ts';

const Override = Type.Object(
  { date: LocalDate, kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), name: Nullable(Type.String()) },
  { additionalProperties: false, title: 'CalendarOverride' },
);
const DateParams = Type.Object({ date: LocalDate }, { additionalProperties: false });
const YearQuery = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) }, { additionalProperties: false });

export const calendarRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/calendar/due',
    tag: 'calendar',
    summary: 'Add working days to an instant',
    description:
      'Walks office hours (Asia/Ho_Chi_Minh) on working days only: weekends, public holidays, compensatory days and admin overrides are skipped. A start outside office hours counts from the next opening.',
    auth: 'user',
    query: Type.Object(
      {
        start: Instant,
        workingDays: Type.Number({ minimum: 0, maximum: 365, description: 'Fractions allowed; 1 working day = 8 office hours' }),
      },
      { additionalProperties: false },
    ),
    response: { status: 200, schema: Type.Object({ due: Instant }, { additionalProperties: false }), description: 'The due instant' },
    errors: [400, 401],
    handler: async ({ query, deps }) => {
      const calendar = await deps.calendar.current();
      return { due: calendar.addWorkingDays(new Date(query.start), query.workingDays).toISOString() };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/calendar/days-off',
    tag: 'calendar',
    summary: 'Days off of a year besides weekends',
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
      description: 'Public holidays, compensatory days and override holidays',
    },
    errors: [400, 401],
    handler: async ({ query, deps }) => {
      const year = query.year ?? Number(deps.clock().toISOString().slice(0, 4));
      return { year, items: (await deps.calendar.current()).daysOff(year) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/calendar/overrides',
    tag: 'calendar',
    summary: 'Admin overrides of the calendar',
    auth: 'user',
    query: YearQuery,
    response: { status: 200, schema: Type.Object({ items: Type.Array(Override) }), description: 'Overrides' },
    errors: [400, 401],
    handler: async ({ query, deps }) => ({ items: await listOverrides(deps.db, query.year) }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/calendar/overrides/:date',
    tag: 'calendar',
    summary: 'Make a day a holiday or a working day (admin)',
    description: "For the Prime Minister's yearly Tết and National Day schedule, swapped days and make-up Saturdays.",
    auth: ['admin'],
    params: DateParams,
    body: Type.Object(
      { kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) },
      { additionalProperties: false },
    ),
    response: { status: 200, schema: Override, description: 'The override' },
    errors: [400, 401, 403],
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
    auth: ['admin'],
    params: DateParams,
    response: { status: 200, schema: Ok, description: 'Removed' },
    errors: [400, 401, 403, 404],
    handler: async ({ params, principal, deps }) => {
      await deleteOverride(deps.db, { kind: 'user', id: principal.userId }, params.date, deps.clock());
      deps.calendar.invalidate();
      return { ok: true as const };
    },
  }),
];
