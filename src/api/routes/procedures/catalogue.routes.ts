import { Type } from '@sinclair/typebox';
import { catalogueCsv, catalogueJson, CATALOGUE_MAX_BYTES, CATALOGUE_MAX_ROWS, exportCatalogue, importCatalogue } from '../../../domain/procedures/catalogue-transfer.ts';
import { listTemplates, openTemplate, storeTemplate } from '../../../domain/procedures/procedure-templates.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { ALLOWED_MEDIA_TYPES } from '../../../files/content-type.ts';
import { contentDisposition } from '../../../files/file-name.ts';
import { fileStoreAt } from '../../../files/file-store.ts';
import { receiveMultipart } from '../../../files/multipart-upload.ts';
import { readTextUpload } from '../../../files/text-upload.ts';
import { defineRoute } from '../../route.ts';
import { Instant } from '../../schemas/common.ts';
import { parseCatalogueFile } from './catalogue-file.ts';

const Template = Type.Object(
  { sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }), name: Type.String(), mediaType: Type.String(), size: Type.Integer(), uploadedAt: Instant },
  { additionalProperties: false, title: 'ProcedureTemplate' },
);

const ImportSummary = Type.Object(
  {
    created: Type.Array(Type.String(), { description: 'Codes of the procedures created' }),
    updated: Type.Array(Type.String(), { description: 'Codes whose name, catalogue fields or state changed' }),
    rulesAdded: Type.Array(Type.String(), { description: 'Codes that got new rules' }),
    unchanged: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const ExportQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })) }, { additionalProperties: false });
const ShaParams = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }, { additionalProperties: false });

const CATALOGUE_FORM = {
  schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'The catalogue, JSON (as GET /api/procedures/export writes it) or CSV (a header row naming the columns)' } } },
  encoding: { file: { contentType: 'application/json, text/csv' } },
  description: `multipart/form-data with the catalogue file under \`file\` (curl: \`-F file=@danh-muc.json\`). At most ${CATALOGUE_MAX_BYTES} bytes and ${CATALOGUE_MAX_ROWS} procedures. One transaction: a refused file changes nothing, and the error names the row, its line and the field (details \`{ row, line, field, reason }\`).`,
};

const TEMPLATE_FORM = {
  schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'The form (mẫu đơn, tờ khai): PDF or an Office document' } } },
  encoding: { file: { contentType: Object.keys(ALLOWED_MEDIA_TYPES).join(', ') } },
  description: 'multipart/form-data, the template under `file`. The type is sniffed from the content. Name it in a required paper as `templateSha256`.',
};

/** The catalogue's transfer (import and export) and the forms its papers are filled in on. */
export const catalogueRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/procedures/export',
    tag: 'procedures',
    summary: 'Export the procedure catalogue, JSON or CSV (admin)',
    description: 'Every procedure with the rules in force now; the departments by code. The JSON is what POST /api/procedures/import takes back.',
    auth: ['admin'],
    query: ExportQuery,
    response: { status: 200, schema: null, description: 'The catalogue file', binary: { headers: { 'Content-Type': 'application/json or text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename=danh-muc-thu-tuc.<format>' } } },
    errors: [400, 401, 403],
    handler: async ({ query, deps, ctx }) => {
      const now = deps.clock();
      const rows = await exportCatalogue(deps.db, now);
      const csv = query.format === 'csv';
      ctx.set('Content-Disposition', contentDisposition(`danh-muc-thu-tuc.${csv ? 'csv' : 'json'}`));
      ctx.set('Cache-Control', 'no-store');
      ctx.type = csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
      ctx.body = csv ? catalogueCsv(rows) : catalogueJson(rows, now);
      return null;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/procedures/import',
    tag: 'procedures',
    summary: 'Import a procedure catalogue, JSON or CSV, in one step (admin)',
    description:
      'New codes are created; known codes get the file’s name, catalogue fields and state, and new rules when the file’s differ from those in force (from their effectiveFrom, or now). Published rules are never rewritten.',
    auth: ['admin'],
    multipart: CATALOGUE_FORM,
    response: { status: 200, schema: ImportSummary, description: 'What the import did' },
    errorCodes: { 400: ['INVALID_CATALOGUE', 'MALFORMED_MULTIPART', 'NO_FILES', 'NOT_UTF8'], 413: ['PAYLOAD_TOO_LARGE', 'TOO_MANY_ROWS'], 415: ['UNSUPPORTED_MEDIA_TYPE'] },
    errors: [400, 401, 403, 413, 415],
    handler: async ({ principal, deps, ctx }) => {
      const upload = await readTextUpload(ctx.req, ctx.req.headers, CATALOGUE_MAX_BYTES);
      const rows = parseCatalogueFile(upload.text, upload.name);
      return importCatalogue(deps.db, { kind: 'user', id: principal.userId }, rows, deps.clock());
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/procedure-templates',
    tag: 'procedures',
    summary: 'Upload a form a required paper is filled in on (mẫu đơn, tờ khai) (admin)',
    auth: ['admin'],
    multipart: TEMPLATE_FORM,
    response: { status: 201, schema: Template, description: 'The stored template; the same content uploaded again answers the first' },
    errorCodes: { 400: ['MALFORMED_MULTIPART', 'INVALID_FILE_NAME', 'NO_FILES'], 413: ['PAYLOAD_TOO_LARGE', 'TOO_MANY_FILES', 'TOO_MANY_FIELDS'], 415: ['UNSUPPORTED_MEDIA_TYPE'], 422: ['UNSUPPORTED_FILE_TYPE'] },
    errors: [400, 401, 403, 413, 415, 422],
    handler: async ({ principal, deps, ctx }) => {
      const store = fileStoreAt(deps.config.filesDir);
      const body = await receiveMultipart(ctx.req, ctx.req.headers, store, { ...deps.config.upload, maxFiles: 1, maxFields: 1 });
      const [file, ...extra] = body.files;
      await Promise.all(extra.map((f) => store.discard(f.temp)));
      if (!file || file.field !== 'file' || extra.length > 0) {
        if (file) await store.discard(file.temp);
        throw new ValidationError('NO_FILES', 'Send one template under `file`', { field: 'file' });
      }
      return storeTemplate(deps.db, store, { kind: 'user', id: principal.userId }, { name: file.name, mediaType: file.mediaType, temp: file.temp }, deps.clock());
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/procedure-templates',
    tag: 'procedures',
    summary: 'The uploaded templates (admin)',
    auth: ['admin'],
    response: { status: 200, schema: Type.Object({ items: Type.Array(Template) }, { additionalProperties: false }), description: 'Templates, newest first' },
    errors: [401, 403],
    handler: async ({ deps }) => ({ items: await listTemplates(deps.db) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/public/procedure-templates/:sha256',
    tag: 'public',
    summary: 'Download a procedure’s form (mẫu đơn, tờ khai) (no login)',
    auth: 'public',
    params: ShaParams,
    response: {
      status: 200,
      schema: null,
      description: 'The template’s bytes',
      binary: { headers: { 'Content-Type': 'The type sniffed at upload', 'Content-Disposition': 'attachment, with the uploaded name', 'X-Content-Type-Options': 'nosniff' } },
    },
    errorCodes: { 404: ['TEMPLATE_NOT_FOUND'] },
    errors: [400, 404],
    handler: async ({ params, deps, ctx }) => {
      const t = await openTemplate(deps.db, fileStoreAt(deps.config.filesDir), params.sha256);
      ctx.set('Content-Disposition', contentDisposition(t.name));
      ctx.set('X-Content-Type-Options', 'nosniff');
      // Named by its content: the bytes under this address never change.
      ctx.set('Cache-Control', 'public, max-age=86400, immutable');
      ctx.set('ETag', `"${t.sha256}"`);
      ctx.type = t.mediaType;
      ctx.length = t.size;
      ctx.body = t.stream;
      return null;
    },
  }),
];
