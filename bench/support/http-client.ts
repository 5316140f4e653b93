/**
 * What the HTTP benchmarks share: a keep-alive client that times each request from the client's side,
 * and the percentiles they report (nearest rank).
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request with a bearer token (and a JSON body), timed from sending to the last byte read. */
export function request(port: number, method: string, p: string, token: string, body?: unknown): Promise<{ status: number; body: string; ms: number }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: '127.0.0.1', port, path: p, method, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The q-quantile of sorted values, nearest rank. */
export const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;

export function stats(ms: number[]): { p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: pct(s, 0.5), p99: pct(s, 0.99), max: s[s.length - 1] as number };
}

/** Milliseconds as the tables print them. */
export const f = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));

/** Closes the kept-alive sockets, so that the benchmark's process can end. */
export function closeClient(): void {
  agent.destroy();
}
