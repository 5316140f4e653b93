import { Type } from '@sinclair/typebox';
import type Koa from 'koa';
import { userActor } from '../../../auth/actor.ts';
import { openDocumentFile } from '../../../domain/documents/document-files.ts';
import { DOCUMENT_TYPES } from '../../../domain/documents/document-types.ts';
import { createDocument, fireDocumentEvent, getDocument } from '../../../domain/documents/document.service.ts';
import { ALLOWED_MEDIA_TYPES } from '../../../files/content-type.ts';
import { createDocumentFromMultipart, uploadDocumentFiles } from '../../../files/document-upload.ts';
import { contentDisposition } from '../../../files/file-name.ts';
import { fileStoreAt } from '../../../files/file-store.ts';
import { documentDeps } from '../../deps.ts';
import { defineRoute } from '../../route.ts';
import { Id, IdParams } from '../../schemas/common.ts';
import { DocumentEventBody, DocumentFile, DocumentSchema, DocumentTypeSchema, NewDocumentBody, validateNewDocument } from './documents.schema.ts';

const UPLOAD_FORM = {
  schema: {
    type: 'object',
    required: ['kind', 'file'],
    properties: {
      kind: {
        type: 'array',
        items: { type: 'string', enum: ['scan', 'signed', 'draft', 'attachment'] },
        description: 'One per file, in the same order: `scan` (the incoming document, clerk), `signed` (the signed outgoing document, clerk, before ISSUE), `draft`, `attachment`',
      },
      file: { type: 'array', items: { type: 'string', format: 'binary' } },
    },
  },
  encoding: { file: { contentType: Object.keys(ALLOWED_MEDIA_TYPES).join(', ') } },
  description:
    'multipart/form-data, streamed: `kind` then `file` for each file (curl: `-F kind=scan -F file=@scan.pdf`). The type is sniffed from the content (PDF, images, Office documents). At most IDESK_UPLOAD_MAX_BYTES per file. A refused upload stores nothing.',
};

export const documentRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/document-types',
    tag: 'documents',
    summary: 'The catalogue of document types (Decree 30/2020/NĐ-CP Art. 7, Phụ lục III)',
    auth: 'user',
    response: { status: 200, schema: Type.Object({ items: Type.Array(DocumentTypeSchema) }, { additionalProperties: false }), description: 'Every type, in the decree’s order' },
    errors: [401, 403],
    handler: async () => ({ items: DOCUMENT_TYPES.map((t) => ({ code: t.code, name: t.name, abbreviation: t.abbreviation, use: t.use })) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/documents',
    tag: 'documents',
    summary: 'Register an incoming document (clerk) or draft an outgoing one',
    description:
      'Incoming: numbered at once in the year’s incoming register (`number`, restarting at 1 on 1 January, Asia/Ho_Chi_Minh); `warnings` carries POSSIBLE_DUPLICATE (same issuer and symbol, with the earlier ids) and REGISTERED_LATE. Outgoing: a draft of your department; `alreadySigned` (clerk) registers a paper-signed document straight to awaitingIssue (Điều 8). Refused with 422 (nothing stored): secrecy other than `none` (SECRET_DOCUMENT_REFUSED, Điều 4.2.a), `isComplaint` or a complaint type (COMPLAINT_REFUSED, Điều 4.2.b).',
    auth: 'user',
    body: NewDocumentBody,
    bodyValidator: validateNewDocument,
    multipart: {
      schema: {
        type: 'object',
        required: ['document'],
        properties: {
          document: { type: 'string', description: 'The document as the JSON body would carry it' },
          file: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'Its files: the scan of an incoming document; the draft of an outgoing one (the signed scan with alreadySigned)' },
        },
      },
      encoding: { file: { contentType: Object.keys(ALLOWED_MEDIA_TYPES).join(', ') } },
      description:
        'application/json, or multipart/form-data with the document as JSON in the `document` field and its files under `file` (curl: `-F document=@doc.json -F file=@scan.pdf`). Refused content stores nothing, not even the files, whatever the order of the parts. Idempotency-Key applies to both: a multipart retry is the same request when its document and the contents of its files are.',
    },
    response: { status: 201, schema: DocumentSchema, description: 'The registered or drafted document' },
    errorCodes: {
      400: ['UNKNOWN_DOCUMENT_TYPE', 'UNKNOWN_REFERENCE', 'INVALID_INSTANT', 'NO_DEPARTMENT', 'MALFORMED_MULTIPART', 'INVALID_FILE_NAME', 'MALFORMED_JSON'],
      413: ['PAYLOAD_TOO_LARGE', 'TOO_MANY_FILES', 'TOO_MANY_FIELDS'],
      415: ['UNSUPPORTED_MEDIA_TYPE'],
      422: ['SECRET_DOCUMENT_REFUSED', 'COMPLAINT_REFUSED', 'TYPE_NOT_ISSUED_BY_AGENCY', 'ARRIVAL_IN_FUTURE', 'UNSUPPORTED_FILE_TYPE'],
    },
    errors: [400, 401, 403, 413, 415, 422],
    idempotent: true,
    handler: ({ body, principal, deps, idempotency, idempotencyOfStreamed, ctx }) =>
      ctx.request.is('multipart/form-data') === 'multipart/form-data'
        ? createDocumentFromMultipart(documentDeps(deps), fileStoreAt(deps.config.filesDir), deps.config.upload, principal, validateNewDocument, { stream: ctx.req, headers: ctx.req.headers }, idempotencyOfStreamed)
        : createDocument(documentDeps(deps), principal, body, idempotency),
  }),
  defineRoute({
    method: 'get',
    path: '/api/documents/:id',
    tag: 'documents',
    summary: 'A document with its timeline, assignments, recipients, replies, files and the events you may fire',
    description: '404 when it does not exist or is not yours to see (see the visibility rules in the README).',
    auth: 'user',
    params: IdParams,
    response: { status: 200, schema: DocumentSchema, description: 'The document' },
    errors: [400, 401, 403, 404],
    handler: ({ params, principal, deps }) => getDocument(documentDeps(deps), principal, params.id),
  }),
  defineRoute({
    method: 'post',
    path: '/api/documents/:id/events',
    tag: 'documents',
    summary: 'Fire an event on a document',
    description:
      'Incoming: DIRECT (director: lead and coordinating departments, a deadline each, the text of the bút phê), DISTRIBUTE (clerk), FORWARD (a department lead, to a member of their department, with a deadline within the department’s), COMPLETE, ANSWER (link an issued outgoing reply, Điều 7). Outgoing: SUBMIT (drafter), APPROVE / REJECT (the drafting department’s lead), SIGN / REJECT (director), REGISTER_SIGNED and ISSUE (clerk; ISSUE needs the signed scan and numbers the document). 200 with the new state; 409 STALE_VERSION; 422 INVALID_TRANSITION listing the allowed events; 403 when it is not yours to do; 400 for a malformed body.',
    auth: 'user',
    params: IdParams,
    body: DocumentEventBody.schema,
    bodyValidator: DocumentEventBody.validate,
    response: { status: 200, schema: DocumentSchema, description: 'The document after the event' },
    errorCodes: {
      400: ['UNKNOWN_EVENT', 'UNKNOWN_REFERENCE', 'INVALID_ASSIGNEE', 'DUPLICATE_DEPARTMENT', 'INVALID_INSTANT'],
      409: ['STALE_VERSION', 'IDEMPOTENCY_KEY_REUSED'],
      422: [
        'INVALID_TRANSITION',
        'DEADLINE_NOT_IN_FUTURE',
        'NOT_ASSIGNED_TO_YOUR_DEPARTMENT',
        'ALREADY_FORWARDED',
        'FORWARD_DEADLINE_AFTER_DEPARTMENT',
        'REPLY_NOT_ISSUED',
        'SIGNED_SCAN_MISSING',
      ],
    },
    errors: [400, 401, 403, 404, 409, 413, 415, 422],
    idempotent: true,
    handler: ({ params, body, principal, deps, idempotency }) => fireDocumentEvent(documentDeps(deps), userActor(principal), params.id, body, idempotency),
  }),
  defineRoute({
    method: 'post',
    path: '/api/documents/:id/files',
    tag: 'documents',
    summary: 'Attach files to a document: the incoming scan, the signed outgoing scan, drafts, attachments',
    auth: 'user',
    params: IdParams,
    multipart: UPLOAD_FORM,
    response: { status: 201, schema: Type.Object({ items: Type.Array(DocumentFile) }, { additionalProperties: false }), description: 'The files attached' },
    errorCodes: {
      400: ['MALFORMED_MULTIPART', 'INVALID_FILE_NAME', 'NO_FILES', 'UNKNOWN_FILE_KIND'],
      413: ['PAYLOAD_TOO_LARGE', 'TOO_MANY_FILES', 'TOO_MANY_FIELDS'],
      415: ['UNSUPPORTED_MEDIA_TYPE'],
      422: ['UNSUPPORTED_FILE_TYPE', 'FILE_KIND_NOT_ACCEPTED'],
    },
    errors: [400, 401, 403, 404, 413, 415, 422],
    handler: async ({ params, principal, deps, ctx }) => ({
      items: await uploadDocumentFiles(documentDeps(deps), fileStoreAt(deps.config.filesDir), deps.config.upload, userActor(principal), params.id, { stream: ctx.req, headers: ctx.req.headers }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/documents/:id/files/:fileId',
    tag: 'documents',
    summary: 'A document file’s bytes',
    auth: 'user',
    params: Type.Object({ id: Id, fileId: Id }, { additionalProperties: false }),
    response: {
      status: 200,
      schema: null,
      description: 'The file, with the type sniffed at upload',
      binary: { headers: { 'Content-Type': 'The sniffed media type', 'Content-Disposition': 'attachment with the UTF-8 name', 'X-Content-Type-Options': 'nosniff' } },
    },
    errors: [400, 401, 403, 404],
    handler: async ({ params, principal, deps, ctx }) => {
      const file = await openDocumentFile(documentDeps(deps), userActor(principal), params.id, params.fileId);
      send(ctx, file);
      return null;
    },
  }),
];

function send(ctx: Koa.Context, file: { name: string; mediaType: string; size: number; sha256: string; stream: NodeJS.ReadableStream }): void {
  ctx.set('Content-Disposition', contentDisposition(file.name));
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('ETag', `"${file.sha256}"`);
  ctx.type = file.mediaType;
  ctx.length = file.size;
  ctx.body = file.stream;
}
