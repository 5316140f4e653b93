import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

/** Messages between the orchestrator (run.ts) and the server child processes, and the shared workload. */

/** One event of the flow a client drives, with the bearer token of the role that fires it. */
export interface FlowStep {
  type: string;
  token: string;
  payload: Record<string, unknown>;
}

/** Sent by a server child once it listens and its dossiers exist. */
export interface ReadyMessage {
  kind: 'ready';
  port: number;
  /** Dossier ids the clients take, in order, each at `startVersion`. */
  dossierIds: number[];
  startVersion: number;
  /** ASSIGN → VERIFY → PROPOSE → APPROVE → RETURN_RESULT with each role's token. */
  flow: FlowStep[];
  /** Route of the event endpoint, with `:id` for the dossier id. */
  eventPath: string;
  /** The state the answer to the last event must report (checked by the client), if any. */
  finalState?: string;
  setupMs: number;
}

/** Sent by a server child in answer to `{ kind: 'stop' }`, just before it exits. */
export interface StoppedMessage {
  kind: 'stopped';
  /** CPU time (user + system) the server process used between `mark` and `stop`, in ms. */
  cpuMs: number;
  /** Wall-clock time between `mark` and `stop`, in ms. */
  wallMs: number;
  /** SQL statements executed between `mark` and `stop`, when the server collects them (BENCH_SQL_STATS). */
  sql?: SqlStat[];
}

export interface SqlStat {
  sql: string;
  count: number;
  /** Total time inside better-sqlite3 (run/all/get) for this statement, in ms. */
  ms: number;
}

/** Optional extras a server child hooks into the control loop. */
export interface ControlHooks {
  /** At the end of warm-up. */
  mark?(): void;
  /** Extra fields for the StoppedMessage. */
  report?(): Partial<StoppedMessage>;
}

/** From the orchestrator: `mark` starts the server's CPU accounting (end of warm-up); `stop` ends the run. */
export type ControlMessage = { kind: 'mark' } | { kind: 'stop' };

/** The payloads of the five events, identical for idesk and the raw baseline. */
export function flowPayloads(specialistId: number): Array<{ type: string; payload: Record<string, unknown> }> {
  return [
    { type: 'ASSIGN', payload: { assigneeId: specialistId } },
    { type: 'VERIFY', payload: { note: 'Hồ sơ đầy đủ, hợp lệ' } },
    { type: 'PROPOSE', payload: { opinion: 'Đề nghị cấp giấy phép bán lẻ rượu', proposedResult: 'grant' } },
    { type: 'APPROVE', payload: { note: 'Đồng ý' } },
    { type: 'RETURN_RESULT', payload: { method: 'counter' } },
  ];
}

/** Runs one inspector command. */
function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
}

/**
 * Shared handling of control messages in a server child: CPU accounting between `mark` and `stop`, and,
 * when BENCH_CPU_PROF_DIR is set, a V8 CPU profile of that window only (setup excluded), written there.
 */
export function onControl(stop: () => Promise<void>, hooks: ControlHooks = {}): void {
  let cpu = process.cpuUsage();
  let wall = performance.now();
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  let session: Session | null = null;
  process.on('message', async (message: ControlMessage) => {
    if (message.kind === 'mark') {
      hooks.mark?.();
      cpu = process.cpuUsage();
      wall = performance.now();
      if (profileDir) {
        session = new Session();
        session.connect();
        await post(session, 'Profiler.enable');
        await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
        await post(session, 'Profiler.start');
      }
      return;
    }
    const used = process.cpuUsage(cpu);
    const reply: StoppedMessage = { kind: 'stopped', cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall, ...hooks.report?.() };
    if (session && profileDir) {
      const { profile } = await post<{ profile: unknown }>(session, 'Profiler.stop');
      fs.writeFileSync(path.join(profileDir, `idesk-server-${process.pid}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    }
    stop()
      .catch((err) => process.stderr.write(`stop failed: ${(err as Error).stack ?? err}\n`))
      .finally(() => {
        process.send?.(reply, () => process.exit(0));
      });
  });
}
