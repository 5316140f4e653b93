import type Koa from 'koa';
import { NotFoundError } from '../domain/errors.ts';
import type { AppDeps } from './deps.ts';

/**
 * The portal's budgets, per client address, kept apart so that one kind of traffic never spends
 * another's: a Centre's public Wi-Fi is one address for every citizen in the hall.
 *
 * - Submissions (a new dossier, by the API or the portal's form): PUBLIC_SUBMIT_PER_IP_PER_MINUTE and
 *   PUBLIC_SUBMIT_PER_IP_PER_DAY. Junk submissions spend only this.
 * - Wrong tracking secrets: PUBLIC_WRONG_SECRETS_PER_MINUTE per address *and dossier code*. Only a
 *   refused secret counts; a right one never does. Once a code's budget is spent from an address, that
 *   code is refused there before its secret is tried (a throttled guess must not be confirmed), but every
 *   other code from the same address still opens with its secret: someone guessing in the hall locks out
 *   only the dossier they guess at, and only from there, for the rest of the minute.
 * - An applicant's changes to a dossier whose secret they gave (papers, supplement, withdrawal): the
 *   per-minute submission limit, per address and code.
 */
// A code is at most a few dozen characters; whatever longer a client types costs no more memory than that.
const keyOf = (ip: string, code: string) => `${ip} ${code.slice(0, 64)}`;

/** Spends one submission of the address's minute and day. @throws TooManyRequestsError over either. */
export function countSubmission(deps: AppDeps, ip: string): void {
  // The day is checked first and spent last: a submission the minute refuses does not use up the day.
  deps.limiters.publicSubmitDay.check(ip);
  deps.limiters.publicSubmit.hit(ip);
  deps.limiters.publicSubmitDay.hit(ip);
}

/** Spends one change by the applicant of `code` (who gave its secret). @throws TooManyRequestsError */
export function countApplicantChange(deps: AppDeps, ip: string, code: string): void {
  deps.limiters.publicSubmit.hit(keyOf(ip, code));
}

/** Refuses a code whose wrong-secret budget this address spent, before its secret is tried. @throws TooManyRequestsError */
export function checkSecretBudget(deps: AppDeps, ip: string, code: string): void {
  deps.limiters.wrongSecrets.check(keyOf(ip, code));
}

/** Counts a refused secret (an unknown code, a wrong secret, a paper not theirs). @throws TooManyRequestsError once over. */
export function countWrongSecret(deps: AppDeps, ip: string, code: string): void {
  deps.limiters.wrongSecrets.hit(keyOf(ip, code));
}

/**
 * Runs a request that takes a tracking secret for `code`: refused before the secret is tried once the
 * address spent that code's budget; every NotFoundError (the answer to any refused secret) counts.
 */
export async function guessCounted<T>(ctx: Koa.Context, deps: AppDeps, code: string, work: () => Promise<T>): Promise<T> {
  checkSecretBudget(deps, ctx.ip, code);
  try {
    return await work();
  } catch (err) {
    if (err instanceof NotFoundError) countWrongSecret(deps, ctx.ip, code);
    throw err;
  }
}
