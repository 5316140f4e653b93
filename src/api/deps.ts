import type { CoreDeps } from '../deps.ts';
import type { PrincipalCache } from './principal-cache.ts';
import type { RateLimiter } from './rate-limiter.ts';

export { documentDeps, dossierDeps } from '../deps.ts';

/** Everything the API needs: the core plus what only an HTTP front needs. */
export interface AppDeps extends CoreDeps {
  limiters: { login: RateLimiter; publicSubmit: RateLimiter };
  /** Credentials resolved recently; cleared by every account change made here. */
  principals: PrincipalCache;
}
