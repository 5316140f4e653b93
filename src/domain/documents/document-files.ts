import type { Readable } from 'node:stream';
import type { Actor } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/authorize.ts';
import { appendEvent } from '../audit/event-log.ts';
import type { TempFile } from '../dossiers/dossier-deps.ts';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../errors.ts';
import { actorRef } from '../workflow/fire-event.ts';
import type { DocumentDeps } from './document-deps.ts';
import type { DocumentFileView } from './document-presenter.ts';
import { documentSubject, loadDocument, type DocumentRow } from './document-rows.ts';

/** The audit stream of a document's files (its own stream: the document's is chained to its versions). */
export const DOCUMENT_FILE_STREAM = 'document_files';

export const DOCUMENT_FILE_KINDS = ['scan', 'signed', 'draft', 'attachment'] as const;
export type DocumentFileKind = (typeof DOCUMENT_FILE_KINDS)[number];

export interface DocumentUpload {
  kind: string;
  name: string;
  mediaType: string;
  temp: TempFile;
}

async function visible(deps: DocumentDeps, actor: Actor, id: number): Promise<DocumentRow> {
  const row = await loadDocument(deps.db, id, actor);
  if (!row) throw new NotFoundError('NOT_FOUND', `No document ${id}`);
  return row;
}

/**
 * Checks, before the body is read, that the caller may attach files to this document at all.
 * @throws NotFoundError, ForbiddenError.
 */
export async function prepareDocumentAttach(deps: DocumentDeps, actor: Actor, id: number): Promise<void> {
  const row = await visible(deps, actor, id);
  authorize(actor, 'attachFile', documentSubject(row));
}

/**
 * Whether a kind of file fits the document now: the scan of an incoming document and the signed scan of
 * an outgoing one are the clerk's (Decree 30/2020 Art. 16, 22); the signed scan goes on once the
 * document is signed and before it is issued; drafts only while the outgoing document is being drafted.
 */
function checkKind(actor: Actor, row: DocumentRow, kind: string): void {
  if (!(DOCUMENT_FILE_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError('UNKNOWN_FILE_KIND', `Unknown kind ${JSON.stringify(kind)}; one of ${DOCUMENT_FILE_KINDS.join(', ')}`, { field: 'kind', allowed: DOCUMENT_FILE_KINDS });
  }
  const subject = documentSubject(row);
  if (kind === 'scan' || kind === 'signed') {
    if (!can(actor, 'attachOfficialFile', subject)) throw new ForbiddenError('FORBIDDEN', 'The clerk attaches the scan and the signed scan');
    if (kind === 'scan' && row.direction !== 'incoming') throw new RuleViolationError('FILE_KIND_NOT_ACCEPTED', 'A `scan` is the scan of an incoming document', { kind });
    if (kind === 'signed' && (row.direction !== 'outgoing' || row.state !== 'awaitingIssue')) {
      throw new RuleViolationError('FILE_KIND_NOT_ACCEPTED', 'The signed scan is attached to an outgoing document once signed, before it is issued', { kind, state: row.state });
    }
  }
  if (kind === 'draft' && (row.direction !== 'outgoing' || row.state === 'issued')) {
    throw new RuleViolationError('FILE_KIND_NOT_ACCEPTED', 'Drafts belong to an outgoing document not yet issued', { kind, state: row.state });
  }
}

/**
 * Attaches uploaded files to a document: checks each kind, puts the files in the store, then in one
 * transaction records them with an audit event each. Temporary files are always consumed (promoted or
 * removed); a refusal before the store is touched leaves nothing.
 * @throws NotFoundError, ForbiddenError, ValidationError NO_FILES, UNKNOWN_FILE_KIND, RuleViolationError FILE_KIND_NOT_ACCEPTED.
 */
export async function attachDocumentFiles(deps: DocumentDeps, actor: Actor, id: number, uploads: DocumentUpload[]): Promise<DocumentFileView[]> {
  let promoted = 0;
  try {
    if (uploads.length === 0) throw new ValidationError('NO_FILES', 'Send at least one file, each with its `kind`', { field: 'file' });
    const before = await visible(deps, actor, id);
    authorize(actor, 'attachFile', documentSubject(before));
    for (const u of uploads) checkKind(actor, before, u.kind);
    for (const upload of uploads) {
      await deps.files.promote(upload.temp);
      promoted++;
    }
    const at = deps.clock().toISOString();
    return await deps.db.transaction(async (trx) => {
      // One writer of a document's files at a time: their audit chain forks otherwise (PostgreSQL).
      await trx('documents').where({ id }).forUpdate().first('id');
      const row = (await loadDocument(trx, id)) as DocumentRow;
      for (const u of uploads) checkKind(actor, row, u.kind);
      const views: DocumentFileView[] = [];
      for (const upload of uploads) {
        await trx('stored_files').insert({ sha256: upload.temp.sha256, size: upload.temp.size, media_type: upload.mediaType, created_at: at }).onConflict('sha256').ignore();
        const [inserted] = await trx('document_files')
          .insert({ document_id: id, sha256: upload.temp.sha256, kind: upload.kind, name: upload.name, media_type: upload.mediaType, size: upload.temp.size, attached_by: actor.kind === 'user' ? actor.principal.userId : null, attached_at: at })
          .returning('id');
        const fileId: number = typeof inserted === 'object' ? inserted.id : inserted;
        await appendEvent(trx, {
          streamType: DOCUMENT_FILE_STREAM,
          streamId: id,
          type: 'FILE_ATTACHED',
          actor: actorRef(actor),
          at,
          fromState: row.state,
          toState: row.state,
          payload: { fileId, kind: upload.kind, name: upload.name, mediaType: upload.mediaType, size: upload.temp.size, sha256: upload.temp.sha256 },
        });
        views.push({ id: fileId, kind: upload.kind, name: upload.name, mediaType: upload.mediaType, size: upload.temp.size, attachedAt: at });
      }
      return views;
    });
  } finally {
    for (const upload of uploads.slice(promoted)) await deps.files.discard(upload.temp);
  }
}

/** A document file's bytes, for whoever may see the document. */
export async function openDocumentFile(deps: DocumentDeps, actor: Actor, id: number, fileId: number): Promise<{ name: string; mediaType: string; size: number; sha256: string; stream: Readable }> {
  await visible(deps, actor, id);
  const f = await deps.db('document_files').where({ id: fileId, document_id: id }).first();
  if (!f) throw new NotFoundError('NOT_FOUND', `No file ${fileId} on document ${id}`);
  const { stream, size } = await deps.files.open(f.sha256);
  return { name: f.name, mediaType: f.media_type, size, sha256: f.sha256, stream };
}
