import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { PayloadTooLargeError, RefusedContentError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors.ts';
import { ALLOWED_MEDIA_TYPES, sniffFile } from './content-type.ts';
import { cleanFileName, storedFileName } from './file-name.ts';
import { FileTooLargeError, type FileStore, type TempFile } from './file-store.ts';

export interface UploadLimits {
  maxBytes: number;
  maxFiles: number;
  maxFields: number;
}

/** A file of a multipart request, in the store's tmp folder, its type sniffed and allowed. */
export interface UploadedFile {
  /** The form field that carried it. */
  field: string;
  /** The client's filename, cleaned (metadata only). */
  name: string;
  mediaType: string;
  temp: TempFile;
}

/** What a caller may check while the body streams in. */
export interface MultipartOptions {
  /**
   * Called with the text fields received so far (the live list: later fields join it) before the first
   * file is written, or at the end when no file came; what it throws refuses the request. A form puts its
   * anti-forgery field first, so a forged upload is refused before any byte of a file is stored.
   */
  beforeFiles?(fields: MultipartBody['fields']): void;
}

export interface MultipartBody {
  /** Text fields in the order they came. */
  fields: Array<{ name: string; value: string }>;
  /** Files in the order they came. */
  files: UploadedFile[];
}

/** How a caller reads a multipart body besides its limits. */
export interface MultipartOptions {
  /**
   * An HTML form's file input left empty is sent as a part with an empty filename and no bytes (HTML's
   * form submission algorithm): skip such parts instead of refusing them as an unknown type.
   */
  skipEmptyFileInputs?: boolean;
  /**
   * Receives the text fields as they arrive, also when the request is then refused: a page shows the form
   * again with what was typed (its text fields come before its file inputs).
   */
  fields?: MultipartBody['fields'];
}

/** The media types papers may have, for refusals and the API document. */
export const ALLOWED_TYPES_TEXT = Object.keys(ALLOWED_MEDIA_TYPES).join(', ');

/**
 * Reads a multipart/form-data request as a stream: each file goes straight to the store's tmp folder
 * (hashed, never held whole in memory) and is sniffed once written. Any refusal — a file over the limit,
 * a type papers may not have, too many files or fields, a malformed body — removes every temporary file
 * of the request before it is thrown: nothing is left behind. On success the caller owns the temporary
 * files (it promotes or discards them).
 * @throws UnsupportedMediaTypeError UNSUPPORTED_MEDIA_TYPE when the body is not multipart/form-data;
 *   PayloadTooLargeError PAYLOAD_TOO_LARGE, TOO_MANY_FILES, TOO_MANY_FIELDS; RefusedContentError
 *   UNSUPPORTED_FILE_TYPE naming the detected type; ValidationError MALFORMED_MULTIPART, INVALID_FILE_NAME
 *   (a filename that names a path).
 */
export function receiveMultipart(req: Readable, headers: IncomingHttpHeaders, store: FileStore, limits: UploadLimits, options: MultipartOptions = {}): Promise<MultipartBody> {
  if (!/^multipart\/form-data\s*;/i.test(headers['content-type'] ?? '')) {
    return Promise.reject(new UnsupportedMediaTypeError('UNSUPPORTED_MEDIA_TYPE', 'Send the papers as multipart/form-data, one `kind` field per file'));
  }
  // A page's form sends every file input, chosen or left empty (a part with no filename and no bytes): those
  // parts are read and dropped at no cost, so busboy lets through as many again, and only real files count
  // against maxFiles (below) — ten papers and an empty "other" input are ten files.
  const fileParts = options.skipEmptyFileInputs ? limits.maxFiles * 2 : limits.maxFiles;
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers,
      // Filenames are UTF-8 (browsers send them so): Vietnamese names arrive intact.
      defParamCharset: 'utf8',
      // The name as sent, so that one naming a path is refused rather than quietly cut to its last part.
      preservePath: true,
      limits: { files: fileParts, fields: limits.maxFields, parts: fileParts + limits.maxFields, fieldSize: 4096, fieldNameSize: 100, headerPairs: 20 },
    });
  } catch {
    return Promise.reject(new ValidationError('MALFORMED_MULTIPART', 'The multipart body has no usable boundary'));
  }
  const fields: MultipartBody['fields'] = options.fields ?? [];
  const files: UploadedFile[] = [];
  /** For each entry of `files`, the position of its part among the request's files. */
  const arrival: number[] = [];
  let realFiles = 0;
  const temps: TempFile[] = [];
  const tasks: Array<Promise<void>> = [];
  let failure: Error | null = null;
  let parsed = false;
  let checked = !options.beforeFiles;

  return new Promise<MultipartBody>((resolve, reject) => {
    const settle = async () => {
      await Promise.allSettled(tasks);
      if (failure) {
        await Promise.all(temps.map((t) => store.discard(t)));
        reject(failure);
      } else {
        // In the order the files came, not the order their writing finished: the i-th `kind` names the i-th file.
        const ordered = files.map((f, i) => ({ f, at: arrival[i] as number })).sort((a, b) => a.at - b.at).map((x) => x.f);
        resolve({ fields, files: ordered });
      }
    };
    const fail = (err: Error) => {
      if (failure) return;
      failure = err;
      // Stop reading at once; what the client still sends is drained and dropped.
      req.unpipe(parser);
      req.resume();
      parser.destroy();
      if (!parsed) {
        parsed = true;
        void settle();
      }
    };
    /** Runs the caller's check once; false when it refused the request. */
    const check = (): boolean => {
      if (checked) return true;
      checked = true;
      try {
        options.beforeFiles?.(fields);
        return true;
      } catch (err) {
        fail(err as Error);
        return false;
      }
    };
    parser.on('file', (field, stream, info) => {
      // The stream may fail (a body cut short) before the store reads it: that error reaches the store's
      // pipeline through the stream's state, never as an unhandled event.
      stream.on('error', () => undefined);
      if (failure || !check()) {
        stream.resume();
        return;
      }
      // A browser sends a file input left empty as a part with no filename and no bytes: no paper (always
      // skipped; `skipEmptyFileInputs` says so explicitly for the pages).
      if (!info.filename) {
        stream.resume();
        return;
      }
      // A name is metadata, never a path: one that names directories is an attack or a broken client.
      if (/[/\\]/.test(info.filename ?? '')) {
        stream.resume();
        fail(new ValidationError('INVALID_FILE_NAME', 'Send the file’s name, not a path (no / or \\)', { file: (info.filename ?? '').slice(0, 200), field }));
        return;
      }
      if (realFiles >= limits.maxFiles) {
        stream.resume();
        fail(new PayloadTooLargeError('TOO_MANY_FILES', `At most ${limits.maxFiles} files per request`, { limit: limits.maxFiles }));
        return;
      }
      const name = cleanFileName(info.filename ?? '');
      const position = realFiles++;
      tasks.push(
        (async () => {
          let temp: TempFile;
          try {
            temp = await store.writeTemp(stream, limits.maxBytes);
          } catch (err) {
            if (err instanceof FileTooLargeError) {
              throw new PayloadTooLargeError('PAYLOAD_TOO_LARGE', `${name} is larger than ${limits.maxBytes} bytes`, { limit: limits.maxBytes, file: name, field });
            }
            throw err;
          }
          temps.push(temp);
          const sniffed = await sniffFile(temp.path);
          if (!sniffed.ok) {
            throw new RefusedContentError('UNSUPPORTED_FILE_TYPE', `${name} is ${sniffed.detected}; papers may be ${ALLOWED_TYPES_TEXT}`, {
              file: name,
              field,
              detected: sniffed.detected,
              allowed: Object.keys(ALLOWED_MEDIA_TYPES),
            });
          }
          // Stored under a name that ends in what the bytes are (file-name.ts), not what the client said.
          files.push({ field, name: storedFileName(name, sniffed.extension), mediaType: sniffed.mediaType, temp });
          arrival.push(position);
        })().catch((err: Error) => fail(err)),
      );
    });
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) fail(new ValidationError('MALFORMED_MULTIPART', `Field ${name.slice(0, 100)} is too long`));
      else fields.push({ name, value });
    });
    parser.on('filesLimit', () => fail(new PayloadTooLargeError('TOO_MANY_FILES', `At most ${limits.maxFiles} files per request`, { limit: limits.maxFiles })));
    parser.on('fieldsLimit', () => fail(new PayloadTooLargeError('TOO_MANY_FIELDS', `At most ${limits.maxFields} fields per request`, { limit: limits.maxFields })));
    parser.on('partsLimit', () => fail(new PayloadTooLargeError('TOO_MANY_FIELDS', `At most ${limits.maxFiles + limits.maxFields} parts per request`, { limit: limits.maxFiles + limits.maxFields })));
    parser.on('error', (err: Error) => fail(new ValidationError('MALFORMED_MULTIPART', `The multipart body could not be read: ${err.message}`)));
    parser.on('close', () => {
      if (parsed) return;
      check();
      if (parsed) return;
      parsed = true;
      void settle();
    });
    req.on('error', (err) => fail(err));
    req.on('aborted', () => fail(new ValidationError('MALFORMED_MULTIPART', 'The upload was interrupted')));
    req.pipe(parser);
  });
}
