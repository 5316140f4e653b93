import type Koa from 'koa';
import { ValidationError } from '../domain/errors.ts';
import { requestHash, type IdempotentRequest } from '../domain/idempotency/idempotency.ts';

/** The header, as the OpenAPI document describes it on every route that honours it. */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  description:
    'Makes a retry safe: the same key with the same request returns the first answer (with `Idempotent-Replayed: true`) and changes nothing; the same key with another request is 409 IDEMPOTENCY_KEY_REUSED. 1–200 visible ASCII characters.',
};

/**
 * The Idempotency-Key of a request, scoped to its caller, with a hash of what was asked.
 * @throws ValidationError for a malformed key.
 */
export function idempotencyOf(ctx: Koa.Context, scope: string, body: unknown): IdempotentRequest | undefined {
  const key = ctx.get('idempotency-key');
  if (!key) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ValidationError('VALIDATION_FAILED', 'Idempotency-Key must be 1–200 visible ASCII characters', { header: 'Idempotency-Key' });
  }
  return { scope, key, requestHash: requestHash(ctx.method, ctx.path, body) };
}
