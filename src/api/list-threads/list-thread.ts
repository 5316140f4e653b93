import { parentPort, workerData } from 'node:worker_threads';
import type { Principal } from '../../auth/principal.ts';
import type { Config } from '../../config.ts';
import { createReadOnlyDb } from '../../db/db.ts';
import { dossierDeps } from '../../deps.ts';
import { DbCalendarProvider } from '../../domain/calendar/calendar.service.ts';
import { listDossiers, type DossierFilter } from '../../domain/dossiers/dossier.service.ts';
import { DomainError } from '../../domain/errors.ts';
import { createMachineRegistry } from '../../domain/machines.ts';
import { createLogger } from '../../logger.ts';

/**
 * The body of a list thread (src/api/list-threads/list-threads.ts starts it): the same domain function
 * the main thread would call, on a read-only connection of its own. The instant comes with each request
 * (the server's clock, injected in tests), so a list reads the same here as on the main thread.
 */
export interface ListRequest {
  id: number;
  principal: Principal;
  filter: DossierFilter;
  now: string;
}

export type ListAnswer =
  | { id: number; ok: true; page: unknown }
  | { id: number; ok: false; error: { name: string; code: string; message: string; details: unknown } | null; message: string };

const config = (workerData as { config: Config }).config;
if (config.database.client !== 'sqlite') throw new Error('list threads read the embedded SQLite database only');
const db = createReadOnlyDb(config.database.filename);
const logger = createLogger(config.logLevel).child({ thread: 'lists' });
let now = new Date();
const clock = () => now;
const deps = dossierDeps({
  config,
  db,
  logger,
  clock,
  calendar: new DbCalendarProvider(db, config.officeHours, { clock, logger }),
  machines: createMachineRegistry(),
  queues: null,
  redis: null,
});

const port = parentPort as NonNullable<typeof parentPort>;
port.on('message', (request: ListRequest) => {
  // One request at a time: the connection is synchronous, and the main thread sends the next only
  // after this one's answer (list-threads.ts), so `now` cannot change under a running list.
  now = new Date(request.now);
  listDossiers(deps, request.principal, request.filter).then(
    (page) => port.postMessage({ id: request.id, ok: true, page } satisfies ListAnswer),
    (err: unknown) => {
      const error = err instanceof DomainError ? { name: err.name, code: err.code, message: err.message, details: err.details } : null;
      if (!error) logger.error({ err }, 'a list failed in its thread');
      port.postMessage({ id: request.id, ok: false, error, message: err instanceof Error ? err.message : String(err) } satisfies ListAnswer);
    },
  );
});
port.postMessage({ ready: true });
