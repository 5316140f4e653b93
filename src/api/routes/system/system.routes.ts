import { Type } from '@sinclair/typebox';
import { verifyEventLog } from '../../../domain/audit/event-log.ts';
import { hasRole } from '../../../auth/principal.ts';
import { ForbiddenError, NotFoundError } from '../../../domain/errors.ts';
import { defineRoute } from '../../route.ts';
import { checkReadiness } from './readiness.ts';

const Check = Type.Union([Type.Literal('ok'), Type.Literal('failed'), Type.Literal('not-configured')]);

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
    path: '/readyz',
    tag: 'system',
    summary: 'Readiness: the database and Redis answer',
    description:
      'For load balancers: 200 when the database answers a trivial query and Redis answers PING (`not-configured` when the ' +
      'process runs without queues, which does not count against readiness); 503 with the same body naming the failed check ' +
      'otherwise. Public, so it says only ok/failed: the reasons go to the log.',
    auth: 'public',
    response: {
      status: 200,
      schema: Type.Object(
        {
          status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
          checks: Type.Object({ database: Check, redis: Check }, { additionalProperties: false }),
          details: Type.Optional(
            Type.Object(
              {
                calendar: Type.Object({
                  warnings: Type.Array(
                    Type.Object(
                      { code: Type.Union([Type.Literal('SCHEDULE_MISSING'), Type.Literal('OVERRIDE_SKIPPED')]), year: Type.Optional(Type.Integer()) },
                      { additionalProperties: false },
                    ),
                  ),
                }),
              },
              { additionalProperties: false, description: 'Only when there is something to act on (never affects readiness): see GET /api/calendar/schedules' },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      description: 'Ready (the same body with status 503 when not ready)',
    },
    errors: [],
    handler: async ({ ctx, deps }) => {
      const readiness = await checkReadiness(deps);
      if (readiness.status !== 'ready') ctx.state.status = 503;
      return readiness;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/metrics',
    tag: 'system',
    summary: 'Prometheus metrics (admin, or an API token with the metrics scope)',
    description:
      'Text exposition format: HTTP latency by route pattern, dossier transitions by event and resulting state, ' +
      'queue depths, overdue dossiers per department and the age of the last successful backup (-1 when none), ' +
      'plus the process metrics. Give Prometheus a bearer token from POST /api/admin/api-tokens with ' +
      '{"scope": "metrics"}: it reads this route and nothing else (403 OUT_OF_SCOPE elsewhere).',
    // Any authenticated caller reaches the handler, which lets through admins and metrics tokens only:
    // a metrics token holds no role, so a role list here could not admit it.
    auth: 'user',
    response: { status: 200, schema: null, description: 'The metrics, as text/plain; version=0.0.4' },
    errors: [401, 403],
    handler: async ({ ctx, deps, principal }) => {
      if (principal.scope !== 'metrics' && !hasRole(principal, 'admin')) {
        throw new ForbiddenError('FORBIDDEN', 'This needs one of the roles: admin', { roles: ['admin'] });
      }
      if (!deps.metrics) throw new NotFoundError('NOT_FOUND', 'This process exports no metrics');
      const { contentType, body } = await deps.metrics.render();
      ctx.type = contentType;
      ctx.body = body;
    },
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
