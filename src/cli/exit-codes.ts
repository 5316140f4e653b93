/** Exit codes of `npm run idesk -- …`, stable for the scripts that run it. */
export const EXIT = {
  ok: 0,
  /** A check failed, or a backup was refused (altered, for the other database, failing its check). */
  failed: 1,
  /** Wrong usage or configuration. */
  usage: 2,
  /** No backup by that name, folder or number. */
  noSuchBackup: 3,
  /** The database is held: a restore while a process uses it, or any command while a restore runs. */
  databaseBusy: 4,
} as const;
