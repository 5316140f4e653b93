import { NotFoundError } from '../errors.ts';
import type { IdempotentRequest, StoredResponse } from '../idempotency/idempotency.ts';
import { fireEvent, type EventBody } from '../workflow/fire-event.ts';
import type { DossierDeps } from './dossier-deps.ts';
import { dossierRecordType } from './dossier-planning.ts';
import { toPublicView, type PublicDossierView } from './dossier-presenter.ts';
import { findByCodeAndSecret, NOT_FOUND } from './dossier-rows.ts';

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
