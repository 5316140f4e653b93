import type { CoreDeps } from '../deps.ts';
import type { ListThreads } from './list-threads/list-threads.ts';
import type { PrincipalCache } from './principal-cache.ts';
import type { RateLimiter } from './rate-limiter.ts';

export { documentDeps, dossierDeps } from '../deps.ts';

/** Everything the API needs: the core plus what only an HTTP front needs. */
export interface AppDeps extends CoreDeps {
  /** In process memory, per address (and per dossier code for the tracking secret): see public-budget.ts. */
  limiters: { login: RateLimiter; publicSubmit: RateLimiter; publicSubmitDay: RateLimiter; wrongSecrets: RateLimiter };
  /** Credentials resolved recently; cleared by every account change made here. */
  principals: PrincipalCache;
  /** The threads that answer dossier lists on the embedded database (IDESK_READ_THREADS); null: the main thread does. */
  listThreads: ListThreads | null;
}
