import { TooManyRequestsError } from '../domain/errors.ts';

/**
 * A fixed-window counter per key (an IP address), in process memory: a first line against password
 * guessing and form flooding. Per-account lock-out in the database is the line that holds across processes.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Refuses a key already over its limit, without counting this request. @throws TooManyRequestsError */
  check(key: string): void {
    const window = this.windows.get(key);
    const now = this.now();
    if (window && now - window.start < this.windowMs && window.count >= this.limit) {
      throw this.tooMany(window, now);
    }
  }

  /** @throws TooManyRequestsError with `retryAfterSeconds` when the key is over its limit. */
  hit(key: string): void {
    const now = this.now();
    if (this.windows.size > 10_000) {
      for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    }
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count > this.limit) throw this.tooMany(window, now);
  }

  private tooMany(window: { start: number }, now: number): TooManyRequestsError {
    const retryAfterSeconds = Math.ceil((window.start + this.windowMs - now) / 1000);
    return new TooManyRequestsError('TOO_MANY_REQUESTS', 'Too many attempts; wait a little and try again', { retryAfterSeconds });
  }
}
