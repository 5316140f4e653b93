/**
 * The load generator: C concurrent clients over one keep-alive http.Agent (one socket per client), each
 * taking the next dossier and driving it through the flow, one request at a time, with the version the
 * previous answer returned. Only requests that complete inside the measurement window are counted.
 */
import http from 'node:http';
import type { ReadyMessage } from './protocol.ts';

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Called once when warm-up ends (the orchestrator starts the server's CPU accounting then). */
  onMeasureStart?: () => void;
}

export interface LoadResult {
  transitions: number;
  dossiersCompleted: number;
  errors: number;
  /** Errors by status or message, for diagnosis. */
  errorKinds: Record<string, number>;
  /** Measured window, in ms (shorter than asked when the dossiers ran out). */
  windowMs: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** CPU used by this (client) process over the window, as a fraction of one core. */
  clientCpu: number;
  ranOut: boolean;
}

interface Answer {
  status: number;
  body: string;
}

function post(agent: http.Agent, port: number, path: string, token: string, payload: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

export async function runLoad(target: ReadyMessage, options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const measureTo = measureFrom + options.durationMs;
  let next = 0;
  let ranOut = false;
  let lastCompletion = measureFrom;
  const latencies: number[] = [];
  let dossiersCompleted = 0;
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  let cpuAtStart: NodeJS.CpuUsage | null = null;
  let cpuUsed: NodeJS.CpuUsage | null = null;

  const markTimer = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    options.onMeasureStart?.();
  }, options.warmupMs);
  const stopTimer = setTimeout(() => {
    if (cpuAtStart) cpuUsed = process.cpuUsage(cpuAtStart);
  }, options.warmupMs + options.durationMs);

  const fail = (kind: string) => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };

  const last = target.flow[target.flow.length - 1];

  async function client(): Promise<void> {
    while (performance.now() < measureTo) {
      if (next >= target.dossierIds.length) {
        ranOut = true;
        return;
      }
      const id = target.dossierIds[next++] as number;
      const path = target.eventPath.replace(':id', String(id));
      let version = target.startVersion;
      let finished = true;
      for (const step of target.flow) {
        if (performance.now() >= measureTo) {
          finished = false;
          break;
        }
        const t0 = performance.now();
        let answer: Answer;
        try {
          answer = await post(agent, target.port, path, step.token, JSON.stringify({ type: step.type, version, ...step.payload }));
        } catch (err) {
          fail(`network: ${(err as Error).message}`);
          finished = false;
          break;
        }
        const t1 = performance.now();
        if (answer.status !== 200) {
          fail(`${step.type} ${answer.status} ${answer.body.slice(0, 120)}`);
          finished = false;
          break;
        }
        const dossier = JSON.parse(answer.body) as { version: number; state?: string };
        version = dossier.version;
        if (step === last && target.finalState !== undefined && dossier.state !== target.finalState) {
          fail(`${step.type} left the dossier at ${dossier.state}, not ${target.finalState}`);
          finished = false;
        }
        if (t1 >= measureFrom && t1 < measureTo) {
          latencies.push(t1 - t0);
          lastCompletion = t1;
        }
      }
      if (finished && performance.now() >= measureFrom && performance.now() < measureTo) dossiersCompleted++;
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  clearTimeout(markTimer);
  clearTimeout(stopTimer);
  if (cpuAtStart && !cpuUsed) cpuUsed = process.cpuUsage(cpuAtStart);
  agent.destroy();

  const windowMs = ranOut ? Math.max(1, lastCompletion - measureFrom) : options.durationMs;
  const sorted = Float64Array.from(latencies).sort();
  const used = cpuUsed as NodeJS.CpuUsage | null;
  return {
    transitions: sorted.length,
    dossiersCompleted,
    errors,
    errorKinds,
    windowMs,
    perSecond: (sorted.length / windowMs) * 1000,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN,
    clientCpu: used ? (used.user + used.system) / 1000 / windowMs : Number.NaN,
    ranOut,
  };
}
