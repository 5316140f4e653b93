import { bootstrap } from '../src/bootstrap.ts';
import { createLogger } from '../src/logger.ts';
import { closeServer, startServer } from '../src/server.ts';
import { warmPages } from '../src/web/warm-up.ts';
import { startWorkerProcess } from '../workers/worker-process.ts';
import { ensureRedis } from './private-redis.ts';
import { configOrExit, failed, onShutdown } from './process.ts';

/**
 * `npm start`, the embedded default: the API and the workers in one process, SQLite under DATA_DIR, and
 * a private Redis under DATA_DIR/redis when none answers at REDIS_URL.
 */
async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const redis = await ensureRedis(config.redisUrl, config.dataDir, logger);
  const deps = await bootstrap(config, logger, {}, { queues: true, holder: 'start' });
  // Before listening: the first page a user opens answers as fast as the later ones.
  logger.info({ ms: await warmPages(deps) }, 'pages warmed');
  // The server first: it adds the metrics the workers' transitions are counted in too.
  const server = await startServer(deps);
  const workers = await startWorkerProcess({ ...deps, queues: deps.queues!, redis: deps.redis!, redisUrl: config.redisUrl });
  const where = config.database.client === 'sqlite' ? config.database.filename : 'PostgreSQL';
  logger.info({ port: config.port, database: config.database.client }, 'idesk listening, workers running');
  process.stdout.write(`idesk on http://localhost:${config.port} (database: ${where})\n`);
  onShutdown(logger, async () => {
    // Stop taking requests and jobs (both finish what they hold, within the bound), then the
    // connections, then the private Redis.
    await Promise.all([closeServer(server, config.shutdownGraceMs), workers.stop()]);
    await deps.queues?.close();
    deps.redis?.disconnect();
    await deps.listThreads?.close();
    await deps.db.destroy();
    await deps.databaseLock?.release();
    await redis?.stop();
  });
}

main().catch(failed);
