import { Type } from '@sinclair/typebox';
import { fireApplicantEvent, getPublicDossier } from '../../../domain/dossiers/applicant-access.ts';
import { submitOnlineDossier } from '../../../domain/dossiers/dossier-intake.ts';
import { listProcedures } from '../../../domain/procedures/procedures.service.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { dossierDeps, type AppDeps } from '../../deps.ts';
import { defineRoute } from '../../route.ts';
import { RequiredPaper } from '../procedures/procedures.schema.ts';
import { ApplicantEventBody, NewDossierBody, PublicDossier } from '../dossiers/dossiers.schema.ts';
import type Koa from 'koa';
import { countSubmission, guessCounted } from '../../public-budget.ts';

export const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9.]{1,40}-[0-9]{6}-[0-9]{4,}$' }) }, { additionalProperties: false });
export const SecretQuery = Type.Object({ secret: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
export const secretHeader = { name: 'X-Tracking-Secret', description: 'The tracking secret issued at submission (or the `secret` query parameter)' };

export function secretOf(ctx: Koa.Context, query?: { secret?: string }): string {
  const secret = ctx.get('x-tracking-secret') || query?.secret || '';
  if (!secret) throw new NotFoundError('NOT_FOUND', 'No dossier with this code and tracking secret');
  return secret;
}

export const publicRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/public/procedures',
    tag: 'public',
    summary: 'Procedures open for online submission',
    auth: 'public',
    response: {
      status: 200,
      schema: Type.Object({
        items: Type.Array(
          Type.Object(
            { id: Type.Integer(), code: Type.String(), name: Type.String(), workingDays: Type.Number(), requiredPapers: Type.Array(RequiredPaper, { description: 'The papers to upload, each with its code as `kind`' }) },
            { additionalProperties: false },
          ),
        ),
      }),
      description: 'Procedures',
    },
    errors: [],
    handler: async ({ deps }) => ({
      items: (await listProcedures(deps.db, deps.clock()))
        .filter((p) => p.active)
        .map((p) => ({ id: p.id, code: p.code, name: p.name, workingDays: p.rules.workingDays, requiredPapers: p.rules.requiredPapers })),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/public/dossiers',
    tag: 'public',
    summary: 'Submit a dossier online (no login)',
    description: 'The dossier waits for the one-stop check. Keep the tracking secret: it is shown once and is needed to follow the dossier.',
    auth: 'public',
    body: NewDossierBody,
    response: {
      status: 201,
      schema: Type.Composite(
        [
          PublicDossier,
          Type.Object({
            trackingSecret: Type.Optional(
              Type.String({
                description:
                  'Shown once, only hashed in storage: absent from an idempotent replay of the submission. 12 characters in three groups of four (`7KQM-3XRT-HD9P`, alphabet 23456789ABCDEFGHJKMNPQRSTUVWXYZ); taken back in any case, with or without its dashes and spaces',
              }),
            ),
          }),
        ],
        { additionalProperties: false },
      ),
      description: 'The submitted dossier and its tracking secret',
    },
    errorCodes: { 400: ['UNKNOWN_REFERENCE', 'PROCEDURE_NOT_IN_FORCE'], 429: ['TOO_MANY_REQUESTS'] },
    errors: [400, 413, 415, 429],
    idempotent: true,
    handler: ({ body, ctx, deps, idempotency }) => {
      countSubmission(deps, ctx.ip);
      return submitOnlineDossier(dossierDeps(deps), body, idempotency);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/public/dossiers/:code',
    tag: 'public',
    summary: 'Follow a dossier (applicant, with the tracking secret)',
    auth: 'public',
    params: CodeParams,
    query: SecretQuery,
    headers: [secretHeader],
    response: { status: 200, schema: PublicDossier, description: 'The dossier as the applicant sees it' },
    errorCodes: { 429: ['TOO_MANY_REQUESTS'] },
    errors: [400, 404, 429],
    handler: ({ params, query, ctx, deps }) => guessCounted(ctx, deps, params.code, () => getPublicDossier(dossierDeps(deps), params.code, secretOf(ctx, query))),
  }),
  defineRoute({
    method: 'post',
    path: '/api/public/dossiers/:code/events',
    tag: 'public',
    summary: 'Supplement or withdraw a dossier (applicant, with the tracking secret)',
    auth: 'public',
    params: CodeParams,
    body: ApplicantEventBody.schema,
    bodyValidator: ApplicantEventBody.validate,
    headers: [secretHeader],
    response: { status: 200, schema: PublicDossier, description: 'The dossier after the event' },
    errorCodes: { 400: ['UNKNOWN_EVENT'], 403: ['FORBIDDEN'], 409: ['STALE_VERSION', 'IDEMPOTENCY_KEY_REUSED'], 422: ['INVALID_TRANSITION'], 429: ['TOO_MANY_REQUESTS'] },
    errors: [400, 403, 404, 409, 413, 415, 422, 429],
    idempotent: { scope: ({ params }) => `applicant:${params.code}` },
    handler: ({ params, body, ctx, deps, idempotency }) => guessCounted(ctx, deps, params.code, () => fireApplicantEvent(dossierDeps(deps), params.code, secretOf(ctx), body, idempotency)),
  }),
];
