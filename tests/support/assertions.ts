import { expect } from 'vitest';
import type { Answer } from './http.ts';

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
