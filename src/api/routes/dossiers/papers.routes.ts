import { Type } from '@sinclair/typebox';
import type Koa from 'koa';
import { userActor } from '../../../auth/actor.ts';
import { DOSSIER_ROLES } from '../../../auth/policies/dossier.policy.ts';
import { listPapers, openPaper, type PaperContent, type PaperTarget } from '../../../domain/dossiers/dossier-papers.ts';
import { ALLOWED_MEDIA_TYPES } from '../../../files/content-type.ts';
import { contentDisposition } from '../../../files/file-name.ts';
import { fileStoreAt } from '../../../files/file-store.ts';
import { uploadPapers } from '../../../files/paper-upload.ts';
import { dossierDeps, type AppDeps } from '../../deps.ts';
import { defineRoute } from '../../route.ts';
import { Id, IdParams } from '../../schemas/common.ts';
import { CodeParams, SecretQuery, secretHeader, secretOf } from '../public/public.routes.ts';
import { countApplicantChange, guessCounted } from '../../public-budget.ts';
import { DossierPapers, Paper } from './dossiers.schema.ts';

const PaperParams = Type.Object({ id: Id, paperId: Id }, { additionalProperties: false });
const PublicPaperParams = Type.Object({ code: CodeParams.properties.code, paperId: Id }, { additionalProperties: false });

const UPLOAD_FORM = {
  schema: {
    type: 'object',
    required: ['kind', 'file'],
    properties: {
      kind: {
        type: 'array',
        items: { type: 'string' },
        description: 'One per file, in the same order: a required paper’s code (the procedure’s requiredPapers), `other`, or `result` (the giấy phép, one-stop staff only, once the result is decided)',
      },
      file: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'The files, each under `file` and after its `kind`' },
    },
  },
  encoding: { file: { contentType: Object.keys(ALLOWED_MEDIA_TYPES).join(', ') } },
  description:
    'multipart/form-data, streamed: `kind` then `file` for each paper (curl: `-F kind=giay-dkdn -F file=@scan.pdf`). The type is sniffed from the content; PDF, JPEG, PNG, TIFF and Office documents (docx, xlsx, pptx, odt, ods, odp, doc, xls) only. At most IDESK_UPLOAD_MAX_BYTES per file (20 MiB by default), IDESK_UPLOAD_MAX_FILES files and IDESK_UPLOAD_MAX_FIELDS fields per request. A refused upload stores nothing.',
};

const UPLOAD_ERRORS = {
  400: ['MALFORMED_MULTIPART', 'INVALID_FILE_NAME', 'NO_FILES', 'UNKNOWN_PAPER_KIND'],
  413: ['PAYLOAD_TOO_LARGE', 'TOO_MANY_FILES', 'TOO_MANY_FIELDS'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
  422: ['UNSUPPORTED_FILE_TYPE', 'PAPERS_NOT_ACCEPTED'],
};

const DOWNLOAD = {
  status: 200,
  schema: null,
  description: 'The paper’s bytes, with the type sniffed at upload',
  binary: {
    headers: {
      'Content-Type': 'The media type sniffed when the paper was uploaded',
      'Content-Disposition': 'attachment, with an ASCII filename and the exact UTF-8 name in filename* (RFC 6266, RFC 5987)',
      'X-Content-Type-Options': 'nosniff',
    },
  },
};

function upload(deps: AppDeps, target: PaperTarget, ctx: Koa.Context) {
  return uploadPapers(dossierDeps(deps), fileStoreAt(deps.config.filesDir), deps.config.upload, target, { stream: ctx.req, headers: ctx.req.headers });
}

/** Sends a paper: its stored type, a Content-Disposition that keeps a Vietnamese name, and never a sniffed type. */
function send(ctx: Koa.Context, paper: PaperContent): null {
  ctx.set('Content-Disposition', contentDisposition(paper.name));
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('ETag', `"${paper.sha256}"`);
  ctx.type = paper.mediaType;
  ctx.length = paper.size;
  ctx.body = paper.stream;
  return null;
}

const staff = (principal: Parameters<typeof userActor>[0], dossierId: number): PaperTarget => ({ kind: 'staff', actor: userActor(principal), dossierId });

export const paperRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/dossiers/:id/papers',
    tag: 'dossiers',
    summary: 'Attach papers to a dossier (one-stop): scans at intake, a supplement brought to the counter, the result document',
    description:
      'Kinds: a required paper’s code or `other` while the dossier is open and has no result; `result` (the giấy phép) once the director decided and before RETURN_RESULT, which an approval needs. The same content is stored once.',
    auth: DOSSIER_ROLES,
    params: IdParams,
    multipart: UPLOAD_FORM,
    response: { status: 201, schema: Type.Object({ items: Type.Array(Paper) }, { additionalProperties: false }), description: 'The papers attached' },
    errorCodes: UPLOAD_ERRORS,
    errors: [400, 401, 403, 404, 413, 415, 422],
    handler: async ({ params, principal, deps, ctx }) => ({ items: await upload(deps, staff(principal, params.id), ctx) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/dossiers/:id/papers',
    tag: 'dossiers',
    summary: 'A dossier’s papers, with the procedure’s checklist of required papers',
    auth: DOSSIER_ROLES,
    params: IdParams,
    response: { status: 200, schema: DossierPapers, description: 'Papers, oldest first, and the checklist' },
    errors: [400, 401, 403, 404],
    handler: ({ params, principal, deps }) => listPapers(dossierDeps(deps), staff(principal, params.id)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/dossiers/:id/papers/:paperId/content',
    tag: 'dossiers',
    summary: 'Download a paper',
    auth: DOSSIER_ROLES,
    params: PaperParams,
    response: DOWNLOAD,
    errorCodes: { 404: ['PAPER_NOT_FOUND'] },
    errors: [400, 401, 403, 404],
    handler: async ({ params, principal, deps, ctx }) => send(ctx, await openPaper(dossierDeps(deps), staff(principal, params.id), params.paperId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/public/dossiers/:code/papers',
    tag: 'public',
    summary: 'Upload papers to your online submission (applicant, with the tracking secret)',
    description: 'While the submission is being checked (submitted) or after a supplement was asked for (awaitingSupplement); then send SUPPLEMENT.',
    auth: 'public',
    params: CodeParams,
    headers: [secretHeader],
    multipart: UPLOAD_FORM,
    response: { status: 201, schema: Type.Object({ items: Type.Array(Paper) }, { additionalProperties: false }), description: 'The papers attached' },
    errorCodes: { ...UPLOAD_ERRORS, 403: ['FORBIDDEN'], 429: ['TOO_MANY_REQUESTS'] },
    errors: [400, 403, 404, 413, 415, 422, 429],
    handler: async ({ params, deps, ctx }) => {
      countApplicantChange(deps, ctx.ip, params.code);
      return { items: await guessCounted(ctx, deps, params.code, () => upload(deps, { kind: 'applicant', code: params.code, secret: secretOf(ctx) }, ctx)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/public/dossiers/:code/papers',
    tag: 'public',
    summary: 'Your dossier’s papers and result (applicant, with the tracking secret)',
    description: 'The result document is listed once it has been handed back (completed).',
    auth: 'public',
    params: CodeParams,
    query: SecretQuery,
    headers: [secretHeader],
    response: { status: 200, schema: DossierPapers, description: 'Papers and the checklist' },
    errorCodes: { 429: ['TOO_MANY_REQUESTS'] },
    errors: [400, 404, 429],
    handler: ({ params, query, deps, ctx }) => guessCounted(ctx, deps, params.code, () => listPapers(dossierDeps(deps), { kind: 'applicant', code: params.code, secret: secretOf(ctx, query) })),
  }),
  defineRoute({
    method: 'get',
    path: '/api/public/dossiers/:code/papers/:paperId/content',
    tag: 'public',
    summary: 'Download one of your papers or the result (applicant, with the tracking secret)',
    auth: 'public',
    params: PublicPaperParams,
    query: SecretQuery,
    headers: [secretHeader],
    response: DOWNLOAD,
    errorCodes: { 404: ['PAPER_NOT_FOUND'], 429: ['TOO_MANY_REQUESTS'] },
    errors: [400, 404, 429],
    handler: async ({ params, query, deps, ctx }) =>
      send(ctx, await guessCounted(ctx, deps, params.code, () => openPaper(dossierDeps(deps), { kind: 'applicant', code: params.code, secret: secretOf(ctx, query) }, params.paperId))),
  }),
];
