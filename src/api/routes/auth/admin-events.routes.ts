import { Type } from '@sinclair/typebox';
import { listEvents, MAX_EVENT_PAGE, MAX_EVENT_PAGE_SIZE } from '../../../domain/accounts/audit-trail.service.ts';
import { defineRoute } from '../../route.ts';
import { Id, Instant, Nullable } from '../../schemas/common.ts';


const EVENT_TYPE = '[A-Z][A-Z_]{0,39}';

export const EventQuery = Type.Object(
  {
    streamType: Type.Optional(Type.String({ pattern: '^[a-z][a-z_]{0,31}$', description: 'e.g. user, dossier, api_token' })),
    streamId: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z_.-]{1,64}$' })),
    type: Type.Optional(Type.String({ pattern: `^${EVENT_TYPE}(,${EVENT_TYPE}){0,19}$`, description: 'One event type, or up to 20 separated by commas' })),
    category: Type.Optional(Type.Literal('security', { description: 'Logins, failures, locks, password and account changes, API tokens' })),
    actorId: Type.Optional(Id),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    beforeId: Type.Optional(Id),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EVENT_PAGE, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EVENT_PAGE_SIZE, default: 50 })),
  },
  { additionalProperties: false },
);

const EventView = Type.Object(
  {
    id: Id,
    streamType: Type.String(),
    streamId: Type.String(),
    seq: Type.Integer({ minimum: 1 }),
    type: Type.String(),
    actorKind: Type.Union([Type.Literal('user'), Type.Literal('applicant'), Type.Literal('system')]),
    actorId: Nullable(Type.Integer()),
    at: Instant,
    fromState: Nullable(Type.String()),
    toState: Nullable(Type.String()),
    payload: Type.Record(Type.String(), Type.Unknown(), { description: 'What the event recorded (never a password or token)' }),
  },
  { additionalProperties: false, title: 'AuditEvent' },
);

export const adminEventRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/admin/events',
    tag: 'accounts',
    summary: 'Read the security and audit events (admin)',
    description:
      'The hash-chained event log, newest first, read-only: filter by stream, type (or `category=security`), actor and ' +
      'instant range. Failed logins carry the address and user agent. Pages of at most 100; `hasMore` says whether an ' +
      'older page exists (no total is counted); for deep reads pass the last id seen as `beforeId`.',
    auth: ['admin'],
    query: EventQuery,
    response: {
      status: 200,
      schema: Type.Object(
        { items: Type.Array(EventView), page: Type.Integer({ minimum: 1 }), pageSize: Type.Integer({ minimum: 1 }), hasMore: Type.Boolean() },
        { additionalProperties: false },
      ),
      description: 'A page of events',
    },
    errors: [400, 401, 403],
    handler: ({ query, deps }) => listEvents(deps.db, query),
  }),
];
