import type { Readable } from 'node:stream';
import type { Db, Executor } from '../../db/db.ts';
import type { FileStore, TempFile } from '../../files/file-store.ts';
import { iso } from '../../lib/rows.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { addProcedureRules, getProcedure, type ProcedureView } from './procedures.service.ts';

/**
 * A form a procedure's paper is filled in on (mẫu đơn, tờ khai), as the admin uploaded it: the file lives
 * in the content-addressed store under its digest; this row names it and says its type, and keeps the
 * file from the orphan collector (stored_files).
 */
export interface TemplateView {
  sha256: string;
  name: string;
  mediaType: string;
  size: number;
  uploadedAt: string;
}

export interface TemplateUpload {
  name: string;
  mediaType: string;
  temp: TempFile;
}

function toView(r: Record<string, unknown>): TemplateView {
  return { sha256: r.sha256 as string, name: r.name as string, mediaType: r.media_type as string, size: Number(r.size), uploadedAt: iso(r.uploaded_at) as string };
}

/**
 * Stores an uploaded template: the file joins the store (once per content), then its row and an audit
 * event (TEMPLATE_UPLOADED) are written in one transaction. The same content uploaded again keeps its
 * first row and name. The temporary file is always consumed.
 */
export async function storeTemplate(db: Db, files: FileStore, actor: ActorRef, upload: TemplateUpload, now: Date): Promise<TemplateView> {
  let promoted = false;
  try {
    await files.promote(upload.temp);
    promoted = true;
    const at = now.toISOString();
    const { sha256, size } = upload.temp;
    return await db.transaction(async (trx) => {
      await trx('stored_files').insert({ sha256, size, media_type: upload.mediaType, created_at: at }).onConflict('sha256').ignore();
      // The same content stored again (or by a concurrent upload) keeps its first row, and no second event.
      const inserted = await trx('procedure_templates')
        .insert({ sha256, name: upload.name, media_type: upload.mediaType, size, uploaded_by: actor.kind === 'user' ? actor.id : null, uploaded_at: at })
        .onConflict('sha256')
        .ignore()
        .returning('sha256');
      if (inserted.length > 0) {
        // One stream per template, new with its row.
        await appendEvent(trx, { streamType: 'procedure_template', streamId: sha256, type: 'TEMPLATE_UPLOADED', actor, at, payload: { sha256, name: upload.name, mediaType: upload.mediaType, size } }, null);
      }
      return toView(await trx('procedure_templates').where({ sha256 }).first());
    });
  } finally {
    if (!promoted) await files.discard(upload.temp);
  }
}

/** Every template, newest first (the admin's list). */
export async function listTemplates(db: Executor): Promise<TemplateView[]> {
  return (await db('procedure_templates').orderBy('uploaded_at', 'desc').orderBy('sha256')).map(toView);
}

/** The templates these digests name, by digest (the pages show a paper's form with its name). */
export async function templatesBySha(db: Executor, digests: string[]): Promise<Map<string, TemplateView>> {
  const wanted = [...new Set(digests)];
  if (wanted.length === 0) return new Map();
  return new Map((await db('procedure_templates').whereIn('sha256', wanted)).map((r) => [r.sha256 as string, toView(r)]));
}

/** The templates a procedure's papers name in the rules in force. */
export function templatesOf(db: Executor, procedure: ProcedureView): Promise<Map<string, TemplateView>> {
  return templatesBySha(db, procedure.rules.requiredPapers.map((p) => p.templateSha256).filter((s): s is string => typeof s === 'string'));
}

/**
 * A template's bytes for the public download.
 * @throws NotFoundError TEMPLATE_NOT_FOUND for a digest no template has (or a file gone from the store).
 */
export async function openTemplate(db: Executor, files: FileStore, sha256: string): Promise<TemplateView & { stream: Readable }> {
  const row = await db('procedure_templates').where({ sha256 }).first();
  const missing = () => new NotFoundError('TEMPLATE_NOT_FOUND', `No template ${sha256}`);
  if (!row) throw missing();
  try {
    const { stream, size } = await files.open(sha256);
    return { ...toView(row), size, stream };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missing();
    throw err;
  }
}

/**
 * Gives a required paper its form: publishes new rules from now on, the rules in force with that paper's
 * `templateSha256` set (rules are never edited in place: a dossier keeps the ones it was received under).
 * @throws NotFoundError for an unknown procedure; ValidationError UNKNOWN_PAPER_KIND for a paper the
 *   rules in force do not list, UNKNOWN_TEMPLATE for a template not stored.
 */
export async function attachTemplate(db: Db, actor: ActorRef, procedureId: number, paperCode: string, sha256: string, now: Date): Promise<ProcedureView> {
  const current = await getProcedure(db, procedureId, now);
  const r = current.rules;
  if (!r.requiredPapers.some((p) => p.code === paperCode)) {
    throw new ValidationError('UNKNOWN_PAPER_KIND', `The rules in force list no paper ${paperCode.slice(0, 60)}`, { field: 'paperCode' });
  }
  const { id: _id, effectiveFrom: _from, hasFee: _hasFee, ...rules } = r;
  return addProcedureRules(db, actor, procedureId, {
    ...rules,
    requiredPapers: r.requiredPapers.map((p) => (p.code === paperCode ? { ...p, templateSha256: sha256 } : p)),
    effectiveFrom: now.toISOString(),
  }, now);
}
