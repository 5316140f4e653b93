import { fireDossierEvent, getDossier, listDossiers, receiveCounterDossier } from '../../../domain/dossiers/dossier.service.ts';
import { DOSSIER_ROLES } from '../../../auth/policies.ts';
import { dossierDeps } from '../../deps.ts';
import { defineRoute } from '../../route.ts';
import { IdParams } from '../../schemas/common.ts';
import { Dossier, DossierEventBody, DossierPage, DossierQuery, IdempotencyHeader, NewDossierBody, validateEventBody } from './dossiers.schema.ts';
import { idempotencyOf } from './idempotency-key.ts';

export const dossierRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/dossiers',
    tag: 'dossiers',
    summary: 'Receive a dossier at the counter (one-stop)',
    description: 'The dossier is received at once: it gets its code, its appointment (hẹn trả) and its first step.',
    auth: ['onestop'],
    body: NewDossierBody,
    response: { status: 201, schema: Dossier, description: 'The received dossier' },
    errors: [400, 401, 403, 413, 415],
    handler: ({ body, principal, deps }) => receiveCounterDossier(dossierDeps(deps), principal, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/dossiers',
    tag: 'dossiers',
    summary: 'List dossiers',
    description: 'Department staff see their department’s dossiers; the one-stop unit, the director and admins see all.',
    auth: DOSSIER_ROLES,
    query: DossierQuery,
    response: { status: 200, schema: DossierPage, description: 'A page of dossiers, newest first' },
    errors: [400, 401, 403],
    handler: ({ query, principal, deps }) =>
      listDossiers(dossierDeps(deps), principal, { ...query, assigneeId: query.assigneeId === 'me' ? principal.userId : query.assigneeId }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/dossiers/:id',
    tag: 'dossiers',
    summary: 'A dossier with its timeline and the events you may fire',
    auth: DOSSIER_ROLES,
    params: IdParams,
    response: { status: 200, schema: Dossier, description: 'The dossier' },
    errors: [400, 401, 403, 404],
    handler: ({ params, principal, deps }) => getDossier(dossierDeps(deps), principal, params.id),
  }),
  defineRoute({
    method: 'post',
    path: '/api/dossiers/:id/events',
    tag: 'dossiers',
    summary: 'Fire an event on a dossier',
    description:
      '200 with the new state, version and allowed events; 409 STALE_VERSION when `version` is not the current one; 422 INVALID_TRANSITION when the state does not allow the event (the answer lists the allowed ones); 403 when it is not yours to do; 400 for a malformed body or an unknown event.',
    auth: DOSSIER_ROLES,
    params: IdParams,
    body: DossierEventBody,
    bodyValidator: validateEventBody,
    headers: [IdempotencyHeader],
    response: { status: 200, schema: Dossier, description: 'The dossier after the event' },
    errors: [400, 401, 403, 404, 409, 413, 415, 422],
    handler: async ({ params, body, principal, ctx, deps }) => {
      const answer = await fireDossierEvent(dossierDeps(deps), { kind: 'user', principal }, params.id, body, idempotencyOf(ctx, `user:${principal.userId}`, body));
      ctx.state.status = answer.status;
      if (answer.replayed) ctx.set('Idempotent-Replayed', 'true');
      return answer.body;
    },
  }),
];
