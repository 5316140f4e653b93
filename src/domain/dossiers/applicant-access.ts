import { userActor } from '../../auth/actor.ts';
import { authorize } from '../../auth/authorize.ts';
import type { Principal } from '../../auth/principal.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import { NotFoundError } from '../errors.ts';
import type { IdempotentRequest, StoredResponse } from '../idempotency/idempotency.ts';
import { fireEvent, type EventBody } from '../workflow/fire-event.ts';
import type { DossierDeps } from './dossier-deps.ts';
import { dossierRecordType } from './dossier-planning.ts';
import { toPublicView, type PublicDossierView } from './dossier-presenter.ts';
import { findByCodeAndSecret, NOT_FOUND } from './dossier-rows.ts';
import { newTrackingSecret, normaliseTrackingSecret } from './tracking-secret.ts';

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

/** Whether this is the tracking secret of the dossier with this code (a receipt printed at intake shows it once). */
export async function isTrackingSecret(deps: Pick<DossierDeps, 'db'>, code: string, secret: string): Promise<boolean> {
  return (await findByCodeAndSecret(deps.db, code, secret)) !== null;
}

/**
 * The tracking secret of a dossier handed in at the counter and received later (the applicant was guided
 * with Mẫu 02 and came back with the missing papers): it is printed on the receipt (Mẫu 01), issued now,
 * and nowhere else — the one made with the dossier was never handed out. Given only at the moment of that
 * receipt: the dossier must still be at the version the receipt left it at. Only its hash is kept.
 * @returns the secret, or null when the dossier is not a counter dossier just received at this version.
 * @throws ForbiddenError unless the caller receives dossiers.
 */
export async function issueReceiptSecret(deps: Pick<DossierDeps, 'db'>, principal: Principal, dossierId: number, receivedVersion: number): Promise<string | null> {
  authorize(userActor(principal), 'RECEIVE', { kind: 'dossier', departmentId: 0, assigneeId: null });
  const secret = newTrackingSecret();
  const updated = await deps.db('dossiers')
    .where({ id: dossierId, version: receivedVersion, channel: 'counter' })
    .whereNotNull('received_at')
    .update({ tracking_secret_hash: sha256Hex(normaliseTrackingSecret(secret)) });
  return updated === 1 ? secret : null;
}
