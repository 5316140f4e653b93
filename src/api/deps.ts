import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import type { CalendarProvider } from '../domain/calendar/calendar.service.ts';
import type { DossierDeps } from '../domain/dossiers/dossier.service.ts';
import type { MachineRegistry } from '../domain/workflow/machine-registry.ts';
import type { PrincipalCache } from './principal-cache.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** Everything the API needs, built once by the process and injected (tests inject their own clock and calendar). */
export interface AppDeps {
  config: Readonly<Config>;
  db: Db;
  logger: Logger;
  clock: () => Date;
  calendar: CalendarProvider;
  machines: MachineRegistry;
  limiters: { login: RateLimiter; publicSubmit: RateLimiter };
  /** Credentials resolved recently; cleared by every account change made here. */
  principals: PrincipalCache;
}

export function dossierDeps(deps: AppDeps): DossierDeps {
  return {
    db: deps.db,
    calendar: deps.calendar,
    machines: deps.machines,
    clock: deps.clock,
    settings: {
      agencyId: deps.config.agencyId,
      agencyName: deps.config.agencyName,
      systemCode: deps.config.systemCode,
      supplementWaitDays: deps.config.supplementWaitDays,
    },
  };
}
