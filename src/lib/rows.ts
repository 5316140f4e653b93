/** Row helpers that hide the differences between SQLite and PostgreSQL result values. */

/** SQLite stores booleans as 0/1. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

/** SQLite returns JSON columns as text, PostgreSQL as parsed values. */
export function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Serialises a value for a JSON column (both drivers accept text). */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Instants are stored and returned as ISO-8601 UTC strings (see src/db/db.ts for PostgreSQL). */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
