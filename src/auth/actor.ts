import type { Principal } from './principal.ts';

/**
 * Who acts on a record: a staff member, the applicant holding a dossier's tracking secret, or the
 * system (the deadline worker and the sweep).
 */
export type Actor = { kind: 'user'; principal: Principal } | { kind: 'applicant' } | { kind: 'system' };

export function userActor(principal: Principal): Actor {
  return { kind: 'user', principal };
}
