import { ForbiddenError } from '../domain/errors.ts';
import type { Actor } from './actor.ts';
import { documentPolicy, type DocumentSubject } from './policies/document.policy.ts';
import { dossierPolicy, type DossierSubject } from './policies/dossier.policy.ts';

/** Everything a policy decides about, told apart by `kind`; each record type adds its subject here. */
export type Subject = DossierSubject | DocumentSubject;

type Policy<S extends Subject> = (actor: Actor, action: string, subject: S) => boolean;

/** One policy file per subject (src/auth/policies/<subject>.policy.ts). */
const POLICIES: { [K in Subject['kind']]: Policy<Extract<Subject, { kind: K }>> } = {
  dossier: dossierPolicy,
  document: documentPolicy,
};

/**
 * May this actor do this to this subject? Actions are the policy's verbs (`view`, `create`, `list`)
 * and the event names of the subject's machine. Every service and page asks here.
 */
export function can(actor: Actor, action: string, subject: Subject): boolean {
  const policy = POLICIES[subject.kind] as Policy<Subject> | undefined;
  return policy !== undefined && policy(actor, action, subject);
}

/**
 * As {@link can}, refusing with a 403.
 * @throws ForbiddenError FORBIDDEN when the policy says no.
 */
export function authorize(actor: Actor, action: string, subject: Subject): void {
  if (!can(actor, action, subject)) {
    throw new ForbiddenError('FORBIDDEN', `You may not ${action} this ${subject.kind}`, { action, subject: subject.kind });
  }
}
