import { Type } from '@sinclair/typebox';
import { EventQuery } from '../../api/routes/auth/admin-events.routes.ts';
import { validate } from '../../api/validation.ts';
import { listEvents, type EventFilter, type EventPage } from '../../domain/accounts/audit-trail.service.ts';
import { getUser } from '../../domain/accounts/users.service.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { listBackups, requestBackup } from '../../infrastructure/backups/backup.service.ts';
import { Page } from '../../api/schemas/common.ts';
import { DATE_PROBLEM, formErrorsOf, type FormErrors } from '../form-errors.ts';
import { endOfLocalDay, startOfLocalDay } from '../format.ts';
import { isLocalDate } from '../../api/validation.ts';
import { definePage } from '../page.ts';
import { actorOf, ADMIN_ONLY } from './admin-frame.tsx';
import { AdminHomeView } from './admin-home.views.tsx';
import { emailTransportStatus } from '../../domain/notifications/email-transport.ts';
import { BackupsView, EVENT_FILTERS, EventsView, type EventFilterText } from './backups-events.views.tsx';
import { calendarPages } from './calendar.pages.tsx';
import { departmentPages } from './departments.pages.tsx';
import { procedurePages } from './procedures.pages.tsx';
import { userPages } from './users.pages.tsx';

const BACKUP_PAGE_SIZE = 20;
const EVENT_PAGE_SIZE = 50;
const BackupPageQuery = Type.Object({ page: Page }, { additionalProperties: false });

const homeAndOps = [
  definePage({
    method: 'get',
    path: '/admin',
    auth: ADMIN_ONLY,
    handler: async ({ page, deps }) => {
      // What waits in the notifications queue, read only while Redis answers (the page never waits for it).
      let waitingEmails: number | null = null;
      if (deps.queues && deps.redis?.status === 'ready') {
        const counts = await deps.queues.notifications.getJobCounts('waiting', 'delayed', 'failed');
        waitingEmails = (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.failed ?? 0);
      }
      return { view: AdminHomeView({ page, hasQueues: Boolean(deps.queues), email: emailTransportStatus(deps.config.smtp), waitingEmails }) };
    },
  }),
  definePage({
    method: 'get',
    path: '/admin/backups',
    auth: ADMIN_ONLY,
    handler: async ({ page, query, deps }) => {
      let n = 1;
      try {
        if (query.page) n = validate<{ page: number }>(BackupPageQuery, { page: query.page }, 'query').page;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        throw new NotFoundError('NOT_FOUND', 'No such page of backups');
      }
      return { view: BackupsView({ page, result: await listBackups(deps.db, { page: n, pageSize: BACKUP_PAGE_SIZE }), msg: query.msg }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/admin/backups',
    auth: ADMIN_ONLY,
    handler: async ({ principal, deps }) => {
      // Điều 5.3: queued here, made and verified by the maintenance worker (the same call as POST /api/admin/backups).
      await requestBackup(deps.db, deps.config, actorOf(principal), deps.clock());
      return { redirect: '/admin/backups?msg=backup-requested' };
    },
  }),
  definePage({
    method: 'get',
    path: '/admin/events',
    auth: ADMIN_ONLY,
    handler: async ({ page, query, deps }) => {
      const filters: EventFilterText = {};
      for (const name of EVENT_FILTERS) if (query[name]) filters[name] = query[name].trim();
      const errors: FormErrors = { fields: {} };
      // Dates typed on Vietnam's calendar become the day's bounds; the rest is the API's own query.
      const text: Record<string, unknown> = { ...filters, pageSize: String(EVENT_PAGE_SIZE), ...(query.page ? { page: query.page } : {}) };
      for (const name of ['from', 'to'] as const) {
        const value = filters[name];
        if (value === undefined) continue;
        if (!isLocalDate(value)) errors.fields[name] = DATE_PROBLEM;
        else text[name] = name === 'from' ? startOfLocalDay(value) : endOfLocalDay(value);
      }
      let result: EventPage | null = null;
      let pageNumber = 1;
      if (Object.keys(errors.fields).length === 0) {
        try {
          const q = validate<EventFilter>(EventQuery, text, 'query');
          pageNumber = q.page ?? 1;
          result = await listEvents(deps.db, q);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          Object.assign(errors, formErrorsOf(err, 'query'));
          if ((err.details as { field?: string } | null)?.field === 'from' && filters.to) errors.fields = { to: 'Ngày kết thúc không được trước ngày bắt đầu.' };
          if (errors.fields.type) errors.fields.type = 'Mã sự kiện viết hoa, ví dụ LOGIN_FAILED; nhiều mã cách nhau bởi dấu phẩy.';
          if (errors.fields.actorId) errors.fields.actorId = 'Nhập số tài khoản (một số nguyên dương).';
          if (errors.fields.streamType) errors.fields.streamType = 'Chọn một loại đối tượng trong danh sách.';
          if (Object.keys(errors.fields).length === 0 && !errors.form) errors.form = 'Bộ lọc không hợp lệ.';
        }
      }
      const actors = new Map<number, string>();
      for (const id of new Set((result?.items ?? []).map((e) => e.actorId).filter((id): id is number => id !== null))) {
        try {
          const u = await getUser(deps.db, id);
          actors.set(id, `${u.fullName} (${u.username})`);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      return { view: EventsView({ page, filters, result, actors, errors, pageNumber }), status: result ? 200 : 400 };
    },
  }),
];

/** Every admin page (issue 7 §2.6): for the IT officer only, the 403 page for everyone else. */
export const adminPages = [...homeAndOps, ...userPages, ...departmentPages, ...procedurePages, ...calendarPages];
