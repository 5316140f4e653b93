import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { DatabaseLock } from './db/database-locks.ts';
import type { Db } from './db/db.ts';
import type { CalendarProvider } from './domain/calendar/calendar.service.ts';
import type { DocumentDeps } from './domain/documents/document-deps.ts';
import type { DossierDeps } from './domain/dossiers/dossier-deps.ts';
import type { MachineRegistry } from './domain/workflow/machine-registry.ts';
import type { Metrics } from './ops/metrics.ts';
import type { Queues } from './queues/queues.ts';
import { fileStoreAt } from './files/file-store.ts';

/** What every process (API and workers) is built from; tests inject their own clock and calendar. */
export interface CoreDeps {
  config: Readonly<Config>;
  db: Db;
  logger: Logger;
  clock: () => Date;
  calendar: CalendarProvider;
  machines: MachineRegistry;
  /** The BullMQ producer side; null when the process was started without Redis (most tests). */
  queues: Queues | null;
  /** The producer connection, for readiness checks. */
  redis: Redis | null;
  /** Prometheus metrics; only a process that exports them has one (the API's createApp adds it). */
  metrics?: Metrics;
  /** This process's hold on the database (bootstrap takes it): a restore is refused until it is released. */
  databaseLock?: DatabaseLock;
}

export function dossierDeps(deps: CoreDeps): DossierDeps {
  return {
    db: deps.db,
    files: fileStoreAt(deps.config.filesDir),
    calendar: deps.calendar,
    machines: deps.machines,
    clock: deps.clock,
    onTransition: deps.metrics?.onTransition,
    applicantNotices: { email: deps.config.smtp !== null, sms: deps.config.sms !== null },
    settings: {
      agencyId: deps.config.agencyId,
      agencyName: deps.config.agencyName,
      province: deps.config.province,
      serviceCentreName: deps.config.serviceCentreName,
      governingBodyName: deps.config.governingBodyName,
      systemCode: deps.config.systemCode,
      supplementWaitDays: deps.config.supplementWaitDays,
      reminderWorkingDays: deps.config.reminderWorkingDays,
    },
  };
}

export function documentDeps(deps: CoreDeps): DocumentDeps {
  return {
    db: deps.db,
    files: fileStoreAt(deps.config.filesDir),
    calendar: deps.calendar,
    machines: deps.machines,
    clock: deps.clock,
    email: deps.config.smtp !== null,
    onTransition: deps.metrics?.onTransition,
    settings: {
      agencyAbbreviation: deps.config.agencyAbbreviation,
      agencyName: deps.config.agencyName,
      reminderWorkingDays: deps.config.reminderWorkingDays,
    },
  };
}
