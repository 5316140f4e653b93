import { ConfigError, loadConfig } from './config.ts';
import { bootstrap } from './bootstrap.ts';
import { createLogger } from './logger.ts';
import { startServer, stopServer } from './server.ts';

/** `npm start`: the API on the embedded default (SQLite under DATA_DIR) or PostgreSQL when DATABASE_URL says so. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`idesk: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const deps = await bootstrap(config, logger);
  const server = await startServer(deps);
  const where = config.database.client === 'sqlite' ? config.database.filename : 'PostgreSQL';
  logger.info({ port: config.port, database: config.database.client }, 'idesk API listening');
  process.stdout.write(`idesk API on http://localhost:${config.port} (database: ${where})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stopServer(server, deps)
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`idesk: failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
