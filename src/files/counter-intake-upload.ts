import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Principal } from '../auth/principal.ts';
import { receiveCounterDossier, type CounterIntake } from '../domain/dossiers/dossier-intake.ts';
import type { DossierDeps } from '../domain/dossiers/dossier-deps.ts';
import type { DossierView } from '../domain/dossiers/dossier-presenter.ts';
import { ValidationError } from '../domain/errors.ts';
import type { IdempotentRequest, StoredResponse } from '../domain/idempotency/idempotency.ts';
import type { FileStore } from './file-store.ts';
import { receiveMultipart, type UploadLimits } from './multipart-upload.ts';
import { papersOf } from './paper-upload.ts';

/** The multipart form of a counter intake: the dossier as JSON under `dossier`, then `kind` and `file` for each scan. */
export const DOSSIER_FIELD = 'dossier';

/**
 * A dossier handed in at the counter with the scans of its papers, as multipart/form-data: the clerk's
 * decision is judged against the papers sent with it (a receipt needs every required paper), so that an
 * API client receives, guides or refuses in one request as the counter page does. Every refusal leaves no
 * row and no file.
 * @throws as receiveCounterDossier, receiveMultipart, papersOf; ValidationError VALIDATION_FAILED for a
 *   missing or repeated `dossier` field, MALFORMED_JSON.
 */
export async function receiveCounterDossierFromMultipart(
  deps: DossierDeps,
  store: FileStore,
  limits: UploadLimits,
  principal: Principal,
  parse: (json: unknown) => CounterIntake,
  request: { stream: Readable; headers: IncomingHttpHeaders },
  idempotencyOf?: (content: unknown) => IdempotentRequest,
): Promise<StoredResponse<DossierView> & { trackingSecret?: string }> {
  const read = (fields: Array<{ name: string; value: string }>): CounterIntake | null => {
    const dossiers = fields.filter((f) => f.name === DOSSIER_FIELD);
    if (dossiers.length === 0) return null;
    if (dossiers.length > 1) throw new ValidationError('VALIDATION_FAILED', `Send one \`${DOSSIER_FIELD}\` field`, { problems: [{ path: `body/${DOSSIER_FIELD}`, message: 'must appear once' }] });
    let json: unknown;
    try {
      json = JSON.parse((dossiers[0] as { value: string }).value);
    } catch {
      throw new ValidationError('MALFORMED_JSON', `The \`${DOSSIER_FIELD}\` field is not valid JSON`);
    }
    return parse(json);
  };
  // A malformed dossier sent first is refused before any byte of a file is written.
  const body = await receiveMultipart(request.stream, request.headers, store, limits, { beforeFiles: (fields) => void read(fields) });
  let input: CounterIntake | null;
  let uploads;
  try {
    input = read(body.fields);
    if (input === null) throw new ValidationError('VALIDATION_FAILED', `The \`${DOSSIER_FIELD}\` field (the dossier as JSON) is missing`, { problems: [{ path: `body/${DOSSIER_FIELD}`, message: 'is required' }] });
    uploads = papersOf({ ...body, fields: body.fields.filter((f) => f.name !== DOSSIER_FIELD) });
  } catch (err) {
    await Promise.all(body.files.map((f) => store.discard(f.temp)));
    throw err;
  }
  // A retry with the same key, dossier and file contents gets the first answer.
  const idempotency = idempotencyOf?.({ dossier: input, papers: uploads.map((u) => ({ kind: u.kind, name: u.name, sha256: u.temp.sha256 })) });
  // receiveCounterDossier consumes every temporary file it is given.
  return receiveCounterDossier(deps, principal, input, idempotency, uploads);
}
