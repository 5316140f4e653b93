import type Koa from 'koa';
import type { AppDeps } from '../api/deps.ts';
import { DomainError } from '../domain/errors.ts';
import { fileStoreAt, type FileStore } from '../files/file-store.ts';
import { receiveMultipart, type MultipartBody, type UploadedFile } from '../files/multipart-upload.ts';
import { CSRF_FIELD, csrfMatches } from './csrf.ts';
import { readDateFields } from './dates.ts';
import { firstValues, ForgedFormError } from './page.ts';

/** A form with files as a page reads it: its text fields, its files in the store's tmp folder, or why the upload was refused. */
export interface MultipartForm {
  /** The text fields (first value of each), the anti-forgery token checked and removed. */
  form: Record<string, string>;
  /** The files, sniffed and allowed; the caller attaches or discards them. Empty when `refused`. */
  files: UploadedFile[];
  /** Why the upload was refused (a type papers may not have, too large, too many…): nothing was kept. */
  refused: DomainError | null;
  store: FileStore;
}

/**
 * Reads a multipart page form: the files are streamed to the store's tmp folder and sniffed, the fields
 * kept as they come (also when a file is then refused, so the form comes back with what was typed — the
 * page puts its text fields before its file inputs). The anti-forgery token is checked before the
 * caller may do anything with the form: a forged form has its files removed and is refused.
 * @throws ForgedFormError when the token is missing or wrong.
 */
export async function readMultipartForm(input: { ctx: Koa.Context; deps: AppDeps; csrfKind: 'session' | 'anonymous' }): Promise<MultipartForm> {
  const { ctx, deps } = input;
  const store = fileStoreAt(deps.config.filesDir);
  const fields: MultipartBody['fields'] = [];
  let files: UploadedFile[] = [];
  let refused: DomainError | null = null;
  try {
    files = (await receiveMultipart(ctx.req, ctx.req.headers, store, deps.config.upload, { skipEmptyFileInputs: true, fields })).files;
  } catch (err) {
    // receiveMultipart removed every temporary file of the request before throwing.
    if (!(err instanceof DomainError)) throw err;
    refused = err;
  }
  const form = firstValues(fields.map((f) => [f.name, f.value] as [string, string]));
  if (!csrfMatches(ctx, input.csrfKind, form[CSRF_FIELD])) {
    await Promise.all(files.map((f) => store.discard(f.temp)));
    throw new ForgedFormError();
  }
  delete form[CSRF_FIELD];
  return { form: readDateFields(form), files, refused, store };
}

/** Removes the temporary files of a form that will not be attached. */
export async function discardFiles(store: FileStore, files: UploadedFile[]): Promise<void> {
  await Promise.all(files.map((f) => store.discard(f.temp)));
}
