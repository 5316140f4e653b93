import type Koa from 'koa';
import type { AppDeps } from '../../api/deps.ts';
import type { PaperUpload } from '../../domain/dossiers/dossier-papers.ts';
import { DomainError, PayloadTooLargeError } from '../../domain/errors.ts';
import { fileStoreAt } from '../../files/file-store.ts';
import { receiveMultipart, type MultipartBody } from '../../files/multipart-upload.ts';
import { CSRF_FIELD } from '../csrf.ts';
import { ForgedFormError } from '../page.ts';

/** A file input of a portal form is named for the paper it carries: `giay-to-<kind>` (one input per checklist paper, `multiple`). */
export const PAPER_INPUT_PREFIX = 'giay-to-';

export function paperInputName(kind: string): string {
  return `${PAPER_INPUT_PREFIX}${kind}`;
}

/** A portal form read from its multipart body: the text fields (first value of each), and its files as papers of their kinds. */
export type PortalForm =
  | { ok: true; fields: Record<string, string>; uploads: PaperUpload[] }
  /** Refused while reading: nothing was kept (the store's tmp folder is empty again); the text typed comes back for the form. */
  | { ok: false; fields: Record<string, string>; error: UploadProblem };

/** Why an upload was refused, in Vietnamese, and the file input it concerns (null: the form as a whole). */
export interface UploadProblem {
  input: string | null;
  message: string;
  status: number;
}

function firstValues(fields: MultipartBody['fields']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) if (!(f.name in out) && f.name !== CSRF_FIELD) out[f.name] = f.value;
  return out;
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/** The refusals of src/files said for a citizen at the form. */
export function uploadProblem(err: DomainError, limits: AppDeps['config']['upload']): UploadProblem {
  const d = (err.details ?? {}) as { file?: string; field?: string };
  const file = d.file ? `Tệp “${d.file}”` : 'Tệp';
  const input = d.field ?? null;
  const messages: Record<string, string> = {
    UNSUPPORTED_FILE_TYPE: `${file} không đúng loại được nhận. Chỉ nhận tệp PDF, ảnh JPEG, PNG, TIFF hoặc tài liệu Word, Excel, PowerPoint, OpenDocument.`,
    PAYLOAD_TOO_LARGE: `${file} lớn hơn mức cho phép (${megabytes(limits.maxBytes)} mỗi tệp).`,
    TOO_MANY_FILES: `Mỗi lần gửi tối đa ${limits.maxFiles} tệp.`,
    TOO_MANY_FIELDS: 'Biểu mẫu có quá nhiều trường.',
    INVALID_FILE_NAME: `${file} có tên không hợp lệ (tên tệp không được chứa đường dẫn).`,
    MALFORMED_MULTIPART: 'Việc tải tệp lên bị gián đoạn hoặc không đọc được. Hãy thử lại.',
  };
  return { input, message: messages[err.code] ?? 'Không nhận được tệp tải lên. Hãy thử lại.', status: err.status };
}

/**
 * Reads a portal form sent as multipart/form-data: the anti-forgery field (first in the form) is checked
 * before any file is written; every file goes through the store's tmp folder and is sniffed
 * (receiveMultipart); a file input names its paper's kind, which must be one of `kinds`. Any refusal
 * leaves no temporary file and answers with the typed text, for the form to come back filled in.
 * On success the caller owns the temporary files (attachPapers consumes them; {@link discardUploads} otherwise).
 * @throws ForgedFormError for a forged or stale form (answered at once with 403, never kept); UnsupportedMediaTypeError for another body.
 */
export async function readPortalForm(ctx: Koa.Context, deps: AppDeps, csrfOk: (sent: string | undefined) => boolean, kinds: readonly string[]): Promise<PortalForm> {
  const store = fileStoreAt(deps.config.filesDir);
  const limits = deps.config.upload;
  let seen: MultipartBody['fields'] = [];
  let body: MultipartBody;
  try {
    body = await receiveMultipart(
      ctx.req,
      ctx.req.headers,
      store,
      // A browser sends every file input, chosen or left empty (a part with no name): those parts are not files.
      { ...limits, maxFiles: limits.maxFiles + kinds.length, maxFields: limits.maxFields },
      {
        beforeFiles: (fields) => {
          seen = fields;
          if (!csrfOk(fields.find((f) => f.name === CSRF_FIELD)?.value)) throw new ForgedFormError();
        },
      },
    );
  } catch (err) {
    if (!(err instanceof DomainError) || err.status === 415) throw err;
    return { ok: false, fields: firstValues(seen), error: uploadProblem(err, limits) };
  }
  const fields = firstValues(body.fields);
  const uploads: PaperUpload[] = [];
  let problem: UploadProblem | null = null;
  for (const f of body.files) {
    const kind = f.field.startsWith(PAPER_INPUT_PREFIX) ? f.field.slice(PAPER_INPUT_PREFIX.length) : '';
    if (!kinds.includes(kind)) problem ??= { input: null, message: 'Biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.', status: 400 };
    uploads.push({ kind, name: f.name, mediaType: f.mediaType, temp: f.temp });
  }
  if (!problem && uploads.length > limits.maxFiles) problem = uploadProblem(new PayloadTooLargeError('TOO_MANY_FILES', `At most ${limits.maxFiles} files per request`, { limit: limits.maxFiles }), limits);
  if (problem) {
    await discardUploads(deps, uploads);
    return { ok: false, fields, error: problem };
  }
  return { ok: true, fields, uploads };
}

/** Removes the temporary files of uploads that will not be attached. */
export async function discardUploads(deps: AppDeps, uploads: PaperUpload[]): Promise<void> {
  const store = fileStoreAt(deps.config.filesDir);
  await Promise.all(uploads.map((u) => store.discard(u.temp)));
}
