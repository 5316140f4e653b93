import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { ValidationError } from '../domain/errors.ts';
import type { DossierDeps } from '../domain/dossiers/dossier-deps.ts';
import { attachPapers, prepareAttach, type PaperTarget, type PaperUpload, type PaperView } from '../domain/dossiers/dossier-papers.ts';
import type { FileStore } from './file-store.ts';
import { receiveMultipart, type MultipartBody, type UploadLimits } from './multipart-upload.ts';

/** The form fields of a papers upload: files under `file`, each with a `kind` field, matched in order. */
export const PAPER_FILE_FIELD = 'file';
export const PAPER_KIND_FIELD = 'kind';

/**
 * Pairs the i-th file with the i-th `kind` field (a form sends `kind` then `file`, once per paper).
 * @throws ValidationError VALIDATION_FAILED for another field, or a count of kinds that is not the count of files.
 */
export function papersOf(body: MultipartBody): PaperUpload[] {
  const problems: Array<{ path: string; message: string }> = [];
  for (const f of body.fields) if (f.name !== PAPER_KIND_FIELD) problems.push({ path: `body/${f.name.slice(0, 100)}`, message: 'is not allowed' });
  for (const f of body.files) if (f.field !== PAPER_FILE_FIELD) problems.push({ path: `body/${f.field.slice(0, 100)}`, message: `is not allowed (files go in \`${PAPER_FILE_FIELD}\`)` });
  const kinds = body.fields.filter((f) => f.name === PAPER_KIND_FIELD).map((f) => f.value);
  const files = body.files.filter((f) => f.field === PAPER_FILE_FIELD);
  if (problems.length === 0 && kinds.length !== files.length) {
    problems.push({ path: `body/${PAPER_KIND_FIELD}`, message: `must be given once per file (${kinds.length} kinds for ${files.length} files)` });
  }
  if (problems.length > 0) {
    throw new ValidationError('VALIDATION_FAILED', `Invalid body: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, { problems });
  }
  return files.map((f, i) => ({ kind: kinds[i] as string, name: f.name, mediaType: f.mediaType, temp: f.temp }));
}

/**
 * A papers upload from start to end, for the API and the pages alike: who may attach what is checked
 * before the body is read; the body is streamed to the store's tmp folder and sniffed; the papers are
 * attached. Every refusal leaves no row and no file.
 * @throws as prepareAttach, receiveMultipart, papersOf and attachPapers.
 */
export async function uploadPapers(
  deps: DossierDeps,
  store: FileStore,
  limits: UploadLimits,
  target: PaperTarget,
  request: { stream: Readable; headers: IncomingHttpHeaders },
): Promise<PaperView[]> {
  await prepareAttach(deps, target);
  const body = await receiveMultipart(request.stream, request.headers, store, limits);
  let uploads: PaperUpload[];
  try {
    uploads = papersOf(body);
  } catch (err) {
    await Promise.all(body.files.map((f) => store.discard(f.temp)));
    throw err;
  }
  // Files under other fields were refused above; attachPapers consumes every temporary file it is given.
  return attachPapers(deps, target, uploads);
}
