import type { Executor } from '../../db/db.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';

/** Why a user's API tokens were ended with their credentials. */
export type TokenRevocationReason = 'password-changed' | 'password-reset' | 'disabled';

/**
 * Ends every open API token of a user, in the caller's transaction, each audited as API_TOKEN_REVOKED
 * with the reason. A token acts as its owner: when the owner's password changes (a leak suspected), an
 * admin resets it, or the account is disabled, a token minted under the old credentials must not outlive
 * them (Điều 14.3), nor come back when the account is enabled again. The admin issues new ones.
 * @returns how many tokens were ended.
 */
export async function revokeApiTokensOf(trx: Executor, actor: ActorRef, userId: number, reason: TokenRevocationReason, at: string): Promise<number> {
  const open: number[] = await trx('api_tokens').where({ user_id: userId }).whereNull('revoked_at').orderBy('id').pluck('id');
  if (open.length === 0) return 0;
  await trx('api_tokens').whereIn('id', open).whereNull('revoked_at').update({ revoked_at: at });
  for (const id of open) await appendEvent(trx, { streamType: 'api_token', streamId: id, type: 'API_TOKEN_REVOKED', actor, at, payload: { reason, userId } });
  return open.length;
}
