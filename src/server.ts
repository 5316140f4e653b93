import { maxHeaderSize, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AppDeps } from './api/deps.ts';
import { SECURITY_HEADERS } from './api/middlewares/security-headers.ts';
import { createApp } from './app.ts';

/**
 * Answers what Node's HTTP parser refuses before Koa sees it, in the API's error shape: a request line
 * longer than the header limit (a huge query string) is 414, headers over it 431, anything unparsable
 * 400. Node's default answers these with an empty body, or just closes the socket.
 */
export function answerClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  let status = 400;
  let code = 'BAD_REQUEST';
  let message = 'The request could not be parsed as HTTP';
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // Node does not say which part overflowed: the request line did when it alone is over the limit.
    const raw = err.rawPacket;
    const lineEnd = raw?.indexOf('\r\n') ?? -1;
    const lineLength = raw === undefined ? 0 : lineEnd === -1 ? raw.length : lineEnd;
    if (raw !== undefined && lineLength >= maxHeaderSize && /^[A-Z]+ /.test(raw.subarray(0, 16).toString('latin1'))) {
      status = 414;
      code = 'URI_TOO_LONG';
      message = 'The address (path and query string) is too long';
    } else {
      status = 431;
      code = 'HEADERS_TOO_LARGE';
      message = 'The request headers are too large';
    }
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    code = 'REQUEST_TIMEOUT';
    message = 'The request took too long to arrive';
  }
  const body = JSON.stringify({ error: { code, message, details: null } });
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

/** Listens on the configured port; resolves once listening. */
export async function startServer(deps: AppDeps, port = deps.config.port, host = deps.config.host): Promise<Server> {
  const app = createApp(deps);
  deps.listThreads?.warm();
  const server = app.listen(port, host);
  server.on('clientError', answerClientError);
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
  await deps.listThreads?.close();
  await deps.db.destroy();
}
