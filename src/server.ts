import type { Server } from 'node:http';
import type { AppDeps } from './api/deps.ts';
import { createApp } from './app.ts';

/** Listens on the configured port; resolves once listening. */
export async function startServer(deps: AppDeps, port = deps.config.port, host = deps.config.host): Promise<Server> {
  const app = createApp(deps);
  const server = app.listen(port, host);
  // Clients behind load balancers keep connections open; keep them a little longer than a typical 60 s LB idle timeout.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

/** Stops taking connections and lets requests in flight finish (up to `graceMs`); closes nothing else. */
export async function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Closes the HTTP server (see closeServer), the queues' connection and the database. */
export async function stopServer(server: Server, deps: AppDeps, graceMs = 10_000): Promise<void> {
  await closeServer(server, graceMs);
  await deps.queues?.close();
  deps.redis?.disconnect();
  await deps.db.destroy();
}
