import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type Config } from './config.ts';
import type { Db } from './db/db.ts';
import { ensureAdmin } from './domain/accounts/sessions.service.ts';
import { ConflictError, ValidationError } from './domain/errors.ts';

/** Where a generated first-admin password goes when no one is at a terminal to read it. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/** Where the generated password may be shown: the console when it is a terminal. */
export interface Terminal {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Creates the account `admin` when the database has no administrator (with IDESK_ADMIN_PASSWORD, or a
 * generated password that must be changed at first login). A process that finds the account created by
 * another one starting at the same moment takes that as done.
 * @throws ConfigError when IDESK_ADMIN_PASSWORD does not meet the password policy.
 */
export async function ensureFirstAdmin(db: Db, config: Readonly<Config>, logger: Logger, now: Date, terminal: Terminal = process.stdout): Promise<void> {
  let generated: string | null | undefined;
  try {
    generated = await ensureAdmin(db, config.adminPassword, now, config.scryptCost);
  } catch (err) {
    // Another process created it between our look and our insert: what we wanted exists.
    if (err instanceof ConflictError && err.code === 'DUPLICATE') return;
    if (err instanceof ValidationError && err.code === 'WEAK_PASSWORD') {
      const problems = (err.details as { problems?: string[] } | null)?.problems ?? [err.message];
      throw new ConfigError(`IDESK_ADMIN_PASSWORD is too weak for the account "admin": ${problems.join('; ')}`);
    }
    throw err;
  }
  if (generated === undefined) return;
  logger.info({ username: 'admin' }, 'created the first admin account');
  if (generated !== null) announceGeneratedPassword(generated, config.dataDir, logger, terminal);
}

/**
 * Hands a generated password to the operator without putting it in a log: on the console when it is a
 * terminal (someone is reading it there and then); otherwise — output redirected to a file, a journal, a
 * container's log — into DATA_DIR/initial-admin-password, readable by the service's account only, and
 * only that file's path is logged.
 */
export function announceGeneratedPassword(password: string, dataDir: string, logger: Logger, terminal: Terminal): void {
  if (terminal.isTTY) {
    terminal.write(`\n  idesk: first start. Log in as "admin" with the password ${password}\n  (shown once, on this terminal only; you will be asked to change it)\n\n`);
    return;
  }
  const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  // A file left by an earlier first start keeps its old mode if rewritten in place: make a new one.
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  logger.warn({ file }, 'first start: the generated password of "admin" is in this file (readable by this account only); log in, change it, then delete the file');
}
