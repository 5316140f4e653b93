/**
 * Is this error the database refusing a duplicate key? The services check for duplicates before they
 * insert, but on PostgreSQL (read committed) two concurrent requests can both pass that check; the loser
 * then meets the unique constraint and must get the same 409 as a sequential duplicate, not a 500.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // 23505: PostgreSQL unique_violation; SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY: better-sqlite3.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
