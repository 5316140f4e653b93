import { sha256Hex } from '../lib/crypto.ts';
import type { Principal } from '../auth/principal.ts';

/**
 * Who a credential stands for, remembered for a few seconds so that a busy client does not cost three
 * queries per request. Account changes made through this process clear it at once; on other API
 * processes a revoked session or a disabled account stops working within `ttlMs`.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): Principal | null | undefined {
    const entry = this.entries.get(sha256Hex(token));
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(sha256Hex(token));
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal | null): void {
    if (this.entries.size >= 10_000) this.entries.clear();
    // Never past the credential's own expiry.
    const expires = principal?.expiresAt ? Date.parse(principal.expiresAt) : Infinity;
    this.entries.set(sha256Hex(token), { principal, until: Math.min(this.now() + this.ttlMs, expires) });
  }

  /** After a logout, a revoked session or token, a password change, a disabled account. */
  clear(): void {
    this.entries.clear();
  }
}
