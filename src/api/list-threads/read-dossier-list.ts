import type { Principal } from '../../auth/principal.ts';
import { listDossiers, type DossierFilter, type DossierPage } from '../../domain/dossiers/dossier.service.ts';
import { dossierDeps, type AppDeps } from '../deps.ts';

/**
 * A page of dossiers for the API and the pages alike: answered by a list thread on the embedded database
 * when there are any (list-threads.ts), by the main thread otherwise. The same domain function either way.
 */
export function readDossierList(deps: AppDeps, principal: Principal, filter: DossierFilter): Promise<DossierPage> {
  if (deps.listThreads) return deps.listThreads.list(principal, filter, deps.clock());
  return listDossiers(dossierDeps(deps), principal, filter);
}
