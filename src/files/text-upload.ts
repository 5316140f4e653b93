import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors.ts';

/** A text file of a multipart form (a catalogue to import), held in memory: it is bounded by `maxBytes`. */
export interface TextUpload {
  /** The form's text fields (the page's anti-forgery token among them). */
  fields: Record<string, string>;
  /** The client's filename (metadata only: it says whether the file is JSON or CSV), or null when no file came. */
  name: string | null;
  text: string;
}

/**
 * Reads a multipart/form-data request with one file under `file` (and a few text fields) into memory,
 * never more than `maxBytes` of it: a data file (JSON, CSV), not a scan, so it is neither written to the
 * store nor sniffed as a paper is. `beforeFile` runs on the fields received before the file (a page's
 * anti-forgery check) and refuses the request by throwing.
 * @throws UnsupportedMediaTypeError UNSUPPORTED_MEDIA_TYPE for another body; PayloadTooLargeError
 *   PAYLOAD_TOO_LARGE over `maxBytes`; ValidationError MALFORMED_MULTIPART, NOT_UTF8, NO_FILES.
 */
export function readTextUpload(req: Readable, headers: IncomingHttpHeaders, maxBytes: number, beforeFile?: (fields: Record<string, string>) => void): Promise<TextUpload> {
  if (!/^multipart\/form-data\s*;/i.test(headers['content-type'] ?? '')) {
    return Promise.reject(new UnsupportedMediaTypeError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data, under `file`'));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers, defParamCharset: 'utf8', limits: { files: 1, fields: 10, parts: 11, fieldSize: 4096, fileSize: maxBytes } });
  } catch {
    return Promise.reject(new ValidationError('MALFORMED_MULTIPART', 'The multipart body has no usable boundary'));
  }
  return new Promise<TextUpload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let name: string | null = null;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };
    parser.on('field', (field, value) => {
      if (!(field in fields)) fields[field] = value;
    });
    parser.on('file', (field, stream, info) => {
      stream.on('error', () => undefined);
      if (failed || field !== 'file') {
        stream.resume();
        if (!failed && field !== 'file') fail(new ValidationError('VALIDATION_FAILED', `Files go under \`file\`, not \`${field.slice(0, 60)}\``));
        return;
      }
      try {
        beforeFile?.(fields);
      } catch (err) {
        stream.resume();
        fail(err as Error);
        return;
      }
      name = info.filename || '';
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new PayloadTooLargeError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes`, { limit: maxBytes })));
    });
    parser.on('filesLimit', () => fail(new ValidationError('VALIDATION_FAILED', 'Send one file')));
    parser.on('fieldsLimit', () => fail(new ValidationError('VALIDATION_FAILED', 'Too many fields')));
    parser.on('error', () => fail(new ValidationError('MALFORMED_MULTIPART', 'The multipart body could not be read')));
    parser.on('close', () => {
      if (failed) return;
      if (name === null) {
        try {
          beforeFile?.(fields);
        } catch (err) {
          fail(err as Error);
          return;
        }
        fail(new ValidationError('NO_FILES', 'Send the catalogue file under `file`', { field: 'file' }));
        return;
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        fail(new ValidationError('NOT_UTF8', 'The file is not UTF-8 text', { field: 'file' }));
        return;
      }
      resolve({ fields, name, text });
    });
    req.pipe(parser);
  });
}
