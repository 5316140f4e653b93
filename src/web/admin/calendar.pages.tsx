import { DateParams, localYear, OverrideBody, YearQuery } from '../../api/routes/calendar/calendar.routes.ts';
import { validate } from '../../api/validation.ts';
import { CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, CALENDAR_OUT_OF_RANGE, yearSchedule, type CalendarOverride } from '../../calendar/working-calendar.ts';
import { calendarWarnings, deleteOverride, listOverrides, putOverride } from '../../domain/calendar/calendar.service.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { AppDeps } from '../../api/deps.ts';
import { Type } from '@sinclair/typebox';
import { DATE_PROBLEM, formErrorsOf, type FormErrors } from '../form-errors.ts';
import type { PageContext } from '../page-context.ts';
import { definePage } from '../page.ts';
import { actorOf, ADMIN_ONLY } from './admin-frame.tsx';
import { CalendarView, type OverrideFormText } from './calendar.views.tsx';

const StoredDate = Type.Object({ date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }) }, { additionalProperties: false });
const OUT_OF_RANGE = `Ngày nằm ngoài phạm vi lịch làm việc (năm ${CALENDAR_MIN_YEAR}–${CALENDAR_MAX_YEAR}).`;

/** The calendar page of a year: the same data as /api/calendar/schedules, /days-off and /overrides. */
async function calendarPage(deps: AppDeps, page: PageContext, year: number, extra: { yearText?: string; yearError?: string; values?: OverrideFormText; errors?: FormErrors; msg?: string }) {
  const now = deps.clock();
  const calendar = await deps.calendar.current();
  const { items, skipped } = await listOverrides(deps.db, year);
  const warnings = deps.calendar.warnings ? await deps.calendar.warnings() : calendarWarnings(now, []);
  return CalendarView({
    page,
    year,
    yearText: extra.yearText ?? String(year),
    yearError: extra.yearError,
    schedule: yearSchedule(year),
    daysOff: calendar.daysOff(year),
    overrides: items,
    skipped,
    warnings,
    values: extra.values,
    errors: extra.errors,
    msg: extra.msg,
  });
}

export const calendarPages = [
  definePage({
    method: 'get',
    path: '/admin/calendar',
    auth: ADMIN_ONLY,
    handler: async ({ page, query, deps }) => {
      const current = localYear(deps.clock());
      if (!query.year) return { view: await calendarPage(deps, page, current, { msg: query.msg }) };
      try {
        const { year } = validate<{ year: number }>(YearQuery, { year: query.year }, 'query');
        return { view: await calendarPage(deps, page, year, { msg: query.msg }) };
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const yearError = `Nhập một năm từ ${CALENDAR_MIN_YEAR} đến ${CALENDAR_MAX_YEAR}.`;
        return { view: await calendarPage(deps, page, current, { yearText: query.year, yearError }), status: 400 };
      }
    },
  }),
  definePage({
    method: 'post',
    path: '/admin/calendar/overrides',
    auth: ADMIN_ONLY,
    handler: async ({ page, form, principal, deps }) => {
      const values: OverrideFormText = { date: (form.date ?? '').trim(), kind: form.kind ?? '', name: form.name ?? '' };
      const errors: FormErrors = { fields: {} };
      const refuse = (err: ValidationError, where: 'query' | 'body') => {
        const found = formErrorsOf(err, where);
        Object.assign(errors.fields, found.fields);
        if (found.fields.date && err.code === CALENDAR_OUT_OF_RANGE) errors.fields.date = OUT_OF_RANGE;
      };
      // The API's own checks, each beside its field: the date as the API's path takes it, then the body.
      try {
        validate(DateParams, { date: values.date }, 'query');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        refuse(err, 'query');
      }
      try {
        validate(OverrideBody, { kind: values.kind, name: values.name!.trim() || null }, 'body');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        refuse(err, 'body');
      }
      if (!values.date) errors.fields.date = 'Hãy chọn ngày.';
      if (Object.keys(errors.fields).length === 0) {
        const override: CalendarOverride = { date: values.date!, kind: values.kind as CalendarOverride['kind'], name: values.name!.trim() || null };
        try {
          await putOverride(deps.db, actorOf(principal), override, deps.clock());
          deps.calendar.invalidate();
          return { redirect: `/admin/calendar?year=${override.date.slice(0, 4)}&msg=override-saved` };
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          errors.fields.date = err.code === CALENDAR_OUT_OF_RANGE ? OUT_OF_RANGE : DATE_PROBLEM;
        }
      }
      const typed = Number((values.date ?? '').slice(0, 4));
      const year = typed >= CALENDAR_MIN_YEAR && typed <= CALENDAR_MAX_YEAR ? typed : localYear(deps.clock());
      return { view: await calendarPage(deps, page, year, { values, errors }), status: 400 };
    },
  }),
  definePage({
    method: 'post',
    path: '/admin/calendar/overrides/:date/delete',
    auth: ADMIN_ONLY,
    // Any date-shaped key, in range or not: a row stored outside the range must be removable (as on the API).
    params: StoredDate,
    handler: async ({ params, principal, deps }) => {
      await deleteOverride(deps.db, actorOf(principal), params.date, deps.clock());
      deps.calendar.invalidate();
      const year = Number(params.date.slice(0, 4));
      const inRange = year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR;
      return { redirect: `/admin/calendar?${inRange ? `year=${year}&` : ''}msg=override-removed` };
    },
  }),
];
