import { bootstrap } from '../src/bootstrap.ts';
import { createLogger } from '../src/logger.ts';
import { startServer, stopServer } from '../src/server.ts';
import { configOrExit, failed, onShutdown } from './process.ts';

/** `npm run api`: the HTTP API alone (run the workers with `npm run worker`). */
async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const deps = await bootstrap(config, logger, {}, { queues: true, holder: 'api' });
  const server = await startServer(deps);
  logger.info({ port: config.port, database: config.database.client }, 'idesk API listening');
  onShutdown(logger, async () => {
    await stopServer(server, deps, config.shutdownGraceMs);
    await deps.databaseLock?.release();
  });
}

main().catch(failed);
