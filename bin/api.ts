import { bootstrap } from '../src/bootstrap.ts';
import { createLogger } from '../src/logger.ts';
import { startServer, stopServer } from '../src/server.ts';
import { warmPages } from '../src/web/warm-up.ts';
import { configOrExit, failed, onShutdown } from './process.ts';

/** `npm run api`: the HTTP API alone (run the workers with `npm run worker`). */
async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const deps = await bootstrap(config, logger, {}, { queues: true, holder: 'api' });
  // Before listening: the first page a user opens answers as fast as the later ones.
  logger.info({ ms: await warmPages(deps) }, 'pages warmed');
  const server = await startServer(deps);
  logger.info({ port: config.port, database: config.database.client }, 'idesk API listening');
  onShutdown(logger, async () => {
    await stopServer(server, deps, config.shutdownGraceMs);
    await deps.databaseLock?.release();
  });
}

main().catch(failed);
