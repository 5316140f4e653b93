import { expect } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import type { Answer } from './http.ts';
import { listStore } from './papers.ts';
import { fingerprint } from './test-db.ts';

/** Every error answers `{ error: { code, message, details } }` and nothing else: never a stack trace. */
export function expectError(res: Answer, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body ?? {})).toEqual(['error']);
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.ts:\d+/);
}

/**
 * Runs a request that must be refused with this status and code, and proves it changed nothing: no row
 * (the database's fingerprint) and no file (the file store, its tmp folder included).
 */
export async function refusedWithoutTrace(app: { deps: { db: Db; config: { filesDir: string } } }, request: () => Promise<{ status: number; body: any }>, status: number, code: string) {
  const rows = await fingerprint(app.deps.db);
  const files = listStore(app.deps.config.filesDir);
  const res = await request();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(listStore(app.deps.config.filesDir)).toEqual(files);
  expect(await fingerprint(app.deps.db)).toEqual(rows);
  return res;
}
