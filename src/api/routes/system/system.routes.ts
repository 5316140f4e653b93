import { Type } from '@sinclair/typebox';
import { verifyEventLog } from '../../../domain/audit/event-log.ts';
import { defineRoute } from '../../route.ts';

export const systemRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    tag: 'system',
    summary: 'Liveness: the process answers',
    auth: 'public',
    response: { status: 200, schema: Type.Object({ status: Type.Literal('ok') }), description: 'Alive' },
    errors: [],
    handler: async () => ({ status: 'ok' as const }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/admin/audit/verify',
    tag: 'system',
    summary: 'Verify the hash-chained event log (admin)',
    description: 'Walks every chain and checkpoint and reports the first broken link: an altered or deleted event.',
    auth: ['admin'],
    response: {
      status: 200,
      schema: Type.Object({
        ok: Type.Boolean(),
        eventsChecked: Type.Integer(),
        streamsChecked: Type.Integer(),
        checkpointsChecked: Type.Integer(),
        firstBroken: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]),
      }),
      description: 'The verification report',
    },
    errors: [401, 403],
    handler: ({ deps }) => verifyEventLog(deps.db) as Promise<never>,
  }),
];
