import { timingSafeEqual } from 'node:crypto';
import type { Executor } from '../../db/db.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import { NotFoundError } from '../errors.ts';
import type { IdempotentRequest, StoredResponse } from '../idempotency/idempotency.ts';
import { fireEvent, type EventBody } from '../workflow/fire-event.ts';
import type { DossierDeps } from './dossier-deps.ts';
import { dossierRecordType } from './dossier-planning.ts';
import { toPublicView, type PublicDossierView } from './dossier-presenter.ts';
import { findRow, type DossierRow } from './dossier-rows.ts';

const NOT_FOUND = 'No dossier with this code and tracking secret';

function secretMatches(row: DossierRow, secret: string): boolean {
  if (!row.tracking_secret_hash) return false;
  const a = Buffer.from(row.tracking_secret_hash, 'hex');
  const b = Buffer.from(sha256Hex(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

async function findByCodeAndSecret(trx: Executor, code: string, secret: string): Promise<DossierRow | null> {
  const row = await findRow(trx, { 'd.code': code });
  // An unknown code and a wrong secret answer the same, so codes cannot be probed.
  return row && secretMatches(row, secret) ? row : null;
}

/**
 * The applicant, holding the tracking secret, supplements or withdraws their dossier.
 * @throws NotFoundError for an unknown code or a wrong secret; as fireDossierEvent otherwise.
 */
export async function fireApplicantEvent(deps: DossierDeps, code: string, secret: string, body: EventBody, idempotency?: IdempotentRequest): Promise<StoredResponse<PublicDossierView>> {
  const record = dossierRecordType(deps);
  return fireEvent(deps, record, {
    actor: { kind: 'applicant' },
    body,
    idempotency,
    notFound: NOT_FOUND,
    find: (trx) => findByCodeAndSecret(trx, code, secret),
    present: (trx, row, at) => toPublicView(record, trx, row, at),
  });
}

/**
 * The applicant's view of their dossier (tra cứu hồ sơ).
 * @throws NotFoundError for an unknown code or a wrong secret.
 */
export async function getPublicDossier(deps: DossierDeps, code: string, secret: string): Promise<PublicDossierView> {
  const row = await findByCodeAndSecret(deps.db, code, secret);
  if (!row) throw new NotFoundError('NOT_FOUND', NOT_FOUND);
  return toPublicView(dossierRecordType(deps), deps.db, row, deps.clock().toISOString());
}
