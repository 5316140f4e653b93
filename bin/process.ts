import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../src/config.ts';
import { DomainError } from '../src/domain/errors.ts';

/** The configuration, or exit 2 with the reason (a process must not start half-configured). */
export function configOrExit(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`idesk: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits (0 when it went well). */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
}

/**
 * Ends a process that could not start. What the operator must act on — the configuration (a weak
 * IDESK_ADMIN_PASSWORD included), a restore in progress — is one line; anything else is a bug, with its stack.
 */
export function failed(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`idesk: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof DomainError) {
    process.stderr.write(`idesk: cannot start: ${err.message} (${err.code})\n`);
    process.exit(1);
  }
  process.stderr.write(`idesk: failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
}
