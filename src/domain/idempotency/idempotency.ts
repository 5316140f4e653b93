import type { Db, Executor } from '../../db/db.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import { json, toJson } from '../../lib/rows.ts';
import { ConflictError } from '../errors.ts';

/** A request that carries an `Idempotency-Key`, scoped to its caller. */
export interface IdempotentRequest {
  scope: string;
  key: string;
  requestHash: string;
}

export interface StoredResponse<T = unknown> {
  status: number;
  body: T;
  replayed?: boolean;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return sha256Hex(`${method} ${path}\n${canonicalJson(body)}`);
}

/**
 * The answer remembered for this key, if any (a caller with files to store checks before it stores them).
 * @throws ConflictError IDEMPOTENCY_KEY_REUSED when the key was used for a different request.
 */
export async function find(db: Executor, req: IdempotentRequest): Promise<StoredResponse | null> {
  const row = await db('idempotency_keys').where({ scope: req.scope, key: req.key }).first();
  if (!row) return null;
  if (row.request_hash !== req.requestHash) {
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request', { key: req.key });
  }
  return { status: row.status, body: json(row.response), replayed: true };
}

/** Records the answer in the same transaction as the change it answers for. */
export type Remember = (trx: Executor, response: StoredResponse) => Promise<void>;

/**
 * Runs a change at most once per idempotency key: a replay returns the first answer and changes
 * nothing. Two requests racing with the same key: one commits; the other fails on the version or the
 * key's primary key and then finds and returns the winner's answer.
 * @throws ConflictError IDEMPOTENCY_KEY_REUSED when the key was used for a different request.
 */
export async function withIdempotency<T>(
  db: Db,
  req: IdempotentRequest | undefined,
  at: () => string,
  run: (remember: Remember) => Promise<StoredResponse<T>>,
): Promise<StoredResponse<T>> {
  if (!req) return run(async () => {});
  const found = await find(db, req);
  if (found) return found as StoredResponse<T>;
  const remember: Remember = async (trx, response) => {
    await trx('idempotency_keys').insert({
      scope: req.scope,
      key: req.key,
      request_hash: req.requestHash,
      status: response.status,
      response: toJson(response.body),
      created_at: at(),
    });
  };
  try {
    return await run(remember);
  } catch (err) {
    const winner = await find(db, req);
    if (winner) return winner as StoredResponse<T>;
    throw err;
  }
}

/**
 * Runs one change in one transaction at most once per idempotency key, remembering its answer in the
 * same transaction (creation routes; firing an event has its own loop in the workflow kit).
 * `stored` gives the answer as remembered: a secret shown once (a generated password, a token) is left
 * out, so it is never written in clear, and a replay answers without it.
 */
export async function idempotentTransaction<T, S = T>(
  db: Db,
  req: IdempotentRequest | undefined,
  at: string,
  status: number,
  work: (trx: Executor) => Promise<T>,
  stored: (body: T) => S = (body) => body as unknown as S,
): Promise<StoredResponse<T | S>> {
  return withIdempotency<T | S>(db, req, () => at, async (remember) => {
    const body = await db.transaction(async (trx) => {
      const result = await work(trx);
      await remember(trx, { status, body: stored(result) });
      return result;
    });
    return { status, body };
  });
}
