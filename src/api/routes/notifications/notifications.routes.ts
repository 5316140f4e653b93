import { Type } from '@sinclair/typebox';
import { listNotifications, markAllRead, markRead } from '../../../domain/notifications/notifications.service.ts';
import { defineRoute } from '../../route.ts';
import { Id, IdParams, Instant, Nullable, Page, PageSize } from '../../schemas/common.ts';

const Notification = Type.Object(
  {
    id: Id,
    kind: Type.String({ description: 'step-reminder, step-overdue, apology-due, apology-slip, appointment-late, supplement-expired, document-reminder, document-overdue, document-urgent…' }),
    subject: Type.Object({ type: Type.String(), id: Type.String() }, { additionalProperties: false }),
    title: Type.String(),
    body: Type.String(),
    dueAt: Nullable(Instant),
    createdAt: Instant,
    readAt: Nullable(Instant),
  },
  { additionalProperties: false, title: 'Notification' },
);

export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/notifications',
    tag: 'notifications',
    summary: 'Your notifications, unread first, with the due instants they are about',
    auth: 'user',
    query: Type.Object(
      {
        unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones' })),
        page: Page,
        pageSize: PageSize,
      },
      { additionalProperties: false },
    ),
    response: {
      status: 200,
      schema: Type.Object(
        { items: Type.Array(Notification), unread: Type.Integer(), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
        { additionalProperties: false },
      ),
      description: 'A page of notifications',
    },
    errors: [400, 401],
    handler: ({ query, principal, deps }) => listNotifications(deps.db, principal, { unreadOnly: query.unread, page: query.page, pageSize: query.pageSize }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/notifications/:id/read',
    tag: 'notifications',
    summary: 'Mark one of your notifications read',
    auth: 'user',
    params: IdParams,
    response: { status: 200, schema: Notification, description: 'The notification' },
    errors: [400, 401, 404],
    handler: ({ params, principal, deps }) => markRead(deps.db, principal, params.id, deps.clock()),
  }),
  defineRoute({
    method: 'post',
    path: '/api/notifications/read-all',
    tag: 'notifications',
    summary: 'Mark all your notifications read',
    auth: 'user',
    response: { status: 200, schema: Type.Object({ marked: Type.Integer() }, { additionalProperties: false }), description: 'How many were marked' },
    errors: [401],
    handler: async ({ principal, deps }) => ({ marked: await markAllRead(deps.db, principal, deps.clock()) }),
  }),
];
