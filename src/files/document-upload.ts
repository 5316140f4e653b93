import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Actor } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { createDocument, creationFileKind, refuseForbiddenContent, type NewDocument } from '../domain/documents/document.service.ts';
import type { DocumentView } from '../domain/documents/document-presenter.ts';
import { ValidationError } from '../domain/errors.ts';
import type { IdempotentRequest, StoredResponse } from '../domain/idempotency/idempotency.ts';
import type { DocumentDeps } from '../domain/documents/document-deps.ts';
import { attachDocumentFiles, prepareDocumentAttach } from '../domain/documents/document-files.ts';
import type { DocumentFileView } from '../domain/documents/document-presenter.ts';
import type { FileStore } from './file-store.ts';
import { receiveMultipart, type UploadLimits } from './multipart-upload.ts';
import { papersOf } from './paper-upload.ts';

/**
 * A document files upload from start to end: who may attach is checked before the body is read; the body
 * is streamed to the store's tmp folder and sniffed (`kind` then `file`, as for dossier papers); the files
 * are attached. Every refusal leaves no row and no file.
 */
export async function uploadDocumentFiles(
  deps: DocumentDeps,
  store: FileStore,
  limits: UploadLimits,
  actor: Actor,
  documentId: number,
  request: { stream: Readable; headers: IncomingHttpHeaders },
): Promise<DocumentFileView[]> {
  await prepareDocumentAttach(deps, actor, documentId);
  const body = await receiveMultipart(request.stream, request.headers, store, limits);
  let uploads;
  try {
    uploads = papersOf(body);
  } catch (err) {
    await Promise.all(body.files.map((f) => store.discard(f.temp)));
    throw err;
  }
  return attachDocumentFiles(deps, actor, documentId, uploads);
}

/** The multipart form of a new document: its JSON under `document`, its files under `file`. */
export const DOCUMENT_FIELD = 'document';
export const DOCUMENT_FILE_FIELD = 'file';

/**
 * Registers or drafts a document sent as multipart/form-data with its files (the incoming scan). What
 * Điều 4.2 refuses is refused before any byte of a file is written when the `document` field comes first,
 * and otherwise once the body is read, its temporary files removed: either way nothing is stored.
 * @throws as createDocument, receiveMultipart; ValidationError VALIDATION_FAILED for a missing or repeated
 *   `document` field or another field.
 */
export async function createDocumentFromMultipart(
  deps: DocumentDeps,
  store: FileStore,
  limits: UploadLimits,
  principal: Principal,
  parse: (json: unknown) => NewDocument,
  request: { stream: Readable; headers: IncomingHttpHeaders },
  idempotencyOf?: (content: unknown) => IdempotentRequest,
): Promise<StoredResponse<DocumentView>> {
  const read = (fields: Array<{ name: string; value: string }>): NewDocument | null => {
    const documents = fields.filter((f) => f.name === DOCUMENT_FIELD);
    if (documents.length === 0) return null;
    if (documents.length > 1) throw new ValidationError('VALIDATION_FAILED', `Send one \`${DOCUMENT_FIELD}\` field`, { problems: [{ path: `body/${DOCUMENT_FIELD}`, message: 'must appear once' }] });
    let json: unknown;
    try {
      json = JSON.parse((documents[0] as { value: string }).value);
    } catch {
      throw new ValidationError('MALFORMED_JSON', `The \`${DOCUMENT_FIELD}\` field is not valid JSON`);
    }
    const input = parse(json);
    refuseForbiddenContent(input);
    return input;
  };
  const body = await receiveMultipart(request.stream, request.headers, store, limits, { beforeFiles: (fields) => void read(fields) });
  let input: NewDocument | null;
  try {
    const problems = [
      ...body.fields.filter((f) => f.name !== DOCUMENT_FIELD).map((f) => ({ path: `body/${f.name.slice(0, 100)}`, message: 'is not allowed' })),
      ...body.files.filter((f) => f.field !== DOCUMENT_FILE_FIELD).map((f) => ({ path: `body/${f.field.slice(0, 100)}`, message: `is not allowed (files go in \`${DOCUMENT_FILE_FIELD}\`)` })),
    ];
    if (problems.length > 0) throw new ValidationError('VALIDATION_FAILED', `Invalid body: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, { problems });
    input = read(body.fields);
    if (input === null) throw new ValidationError('VALIDATION_FAILED', `The \`${DOCUMENT_FIELD}\` field (the document as JSON) is missing`, { problems: [{ path: `body/${DOCUMENT_FIELD}`, message: 'is required' }] });
  } catch (err) {
    await Promise.all(body.files.map((f) => store.discard(f.temp)));
    throw err;
  }
  // A retry with the same key, document and file contents gets the first answer; its files are removed.
  const idempotency = idempotencyOf?.({ document: input, files: body.files.map((f) => ({ name: f.name, sha256: f.temp.sha256 })) });
  // createDocument consumes every temporary file it is given (promoted, or removed on a refusal or a replay).
  return createDocument(deps, principal, input, idempotency, body.files.map((f) => ({ kind: creationFileKind(input as NewDocument), name: f.name, mediaType: f.mediaType, temp: f.temp })));
}
