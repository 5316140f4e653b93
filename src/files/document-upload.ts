import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Actor } from '../auth/actor.ts';
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
