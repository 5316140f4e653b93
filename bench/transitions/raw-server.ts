/**
 * Child process: the raw baseline. A minimal Koa 3 app over better-sqlite3 with idesk's pragmas (WAL,
 * synchronous=FULL, foreign_keys=ON, busy_timeout), whose event route reads and parses the JSON body
 * and, in one IMMEDIATE transaction, compare-and-sets the dossier's version and inserts an event row.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Database from 'better-sqlite3';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { flowPayloads, onControl, type ReadyMessage } from './protocol.ts';

const SPECIALIST_ID = 3;

function main(): void {
  const started = performance.now();
  const count = Number(process.env.BENCH_DOSSIERS ?? 5000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-bench-raw-'));
  // Removed however the process ends, a failed setup included.
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const db = new Database(path.join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE dossiers (id INTEGER PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE events (
      id INTEGER PRIMARY KEY,
      dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
      seq INTEGER NOT NULL,
      type TEXT NOT NULL,
      at TEXT NOT NULL,
      payload TEXT NOT NULL,
      UNIQUE (dossier_id, seq)
    );
  `);
  const at = new Date().toISOString();
  const seed = db.prepare('INSERT INTO dossiers (state, version, updated_at) VALUES (?, 2, ?)');
  const dossierIds: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) dossierIds.push(Number(seed.run('inDepartment.review', at).lastInsertRowid));
  })();

  const cas = db.prepare('UPDATE dossiers SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?');
  const insertEvent = db.prepare('INSERT INTO events (dossier_id, seq, type, at, payload) VALUES (?, ?, ?, ?, ?)');
  const apply = db.transaction((id: number, version: number, type: string, now: string, payload: string) => {
    if (cas.run(type, now, id, version).changes !== 1) return false;
    insertEvent.run(id, version + 1, type, now, payload);
    return true;
  });

  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    const match = /^\/dossiers\/(\d+)\/events$/.exec(ctx.path);
    if (ctx.method !== 'POST' || !match) {
      ctx.status = 404;
      return;
    }
    let body: { type?: unknown; version?: unknown } & Record<string, unknown>;
    try {
      body = JSON.parse(await getRawBody(ctx.req, { length: ctx.request.length ?? undefined, limit: 256 * 1024, encoding: 'utf8' }));
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'MALFORMED_JSON' };
      return;
    }
    const { type, version, ...payload } = body;
    if (typeof type !== 'string' || typeof version !== 'number') {
      ctx.status = 400;
      ctx.body = { error: 'VALIDATION_FAILED' };
      return;
    }
    const id = Number(match[1]);
    if (!apply.immediate(id, version, type, new Date().toISOString(), JSON.stringify(payload))) {
      ctx.status = 409;
      ctx.body = { error: 'STALE_VERSION' };
      return;
    }
    ctx.body = { id, state: type, version: version + 1 };
  });
  const server: Server = app.listen(0, '127.0.0.1', () => {
    const ready: ReadyMessage = {
      kind: 'ready',
      port: (server.address() as AddressInfo).port,
      dossierIds,
      startVersion: 2,
      flow: flowPayloads(SPECIALIST_ID).map((s) => ({ ...s, token: 'ids_raw' })),
      eventPath: '/dossiers/:id/events',
      setupMs: performance.now() - started,
    };
    process.send?.(ready);
  });
  server.keepAliveTimeout = 65_000;
  onControl(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

main();
