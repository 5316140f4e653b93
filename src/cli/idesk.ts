import { ConfigError, loadConfig } from '../config.ts';
import { holdDatabase, type DatabaseLock } from '../db/database-locks.ts';
import { createDb, migrateLatest } from '../db/db.ts';
import { ConflictError } from '../domain/errors.ts';
import { createCheckpoint, verifyEventLog } from '../domain/audit/event-log.ts';
import { generatePassword } from '../auth/passwords.ts';
import { createLogger } from '../logger.ts';
import { backupCommand, restoreCommand } from './backup-commands.ts';
import { EXIT } from './exit-codes.ts';
import { seedDemo } from './seed-demo.ts';

const USAGE = `usage: npm run idesk -- <command>

  migrate            bring the database schema up to date
  seed-demo          load demonstration departments, accounts and procedures
  audit verify       check the hash-chained event log; exit 1 at the first broken link
  audit checkpoint   chain every event written since the last checkpoint
  backup             make a backup now (database and file store; Điều 5.3), verify it, apply retention
  backup list        list the backups with status, size, checksum and verification result
  backup verify <name | number>
                     re-hash a backup's files and check its database copy; exit 1 when it fails
  restore <name | number>
                     restore a backup (a folder under BACKUP_DIR, its number, or a folder path) over
                     the database and file store. Refused while any idesk process uses the database
                     (stop the service first). SQLite: the live file is moved aside to
                     <file>.before-restore-<time>. PostgreSQL: the schema is replaced in one transaction.

Exit codes: 0 ok, 1 a check failed or the backup was refused, 2 usage or configuration error,
3 no such backup, 4 the database is in use (restore) or being restored (any other command).
Configuration comes from the environment (DATABASE_URL, DATA_DIR, …) as for the service.`;

/** The operator's command line (DESIGN §9, STYLE: src/cli). Exit codes: EXIT in exit-codes.ts. */
async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  const config = loadConfig();
  // Human-readable output on stdout; JSON log lines only for warnings unless LOG_LEVEL asks for more.
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  // Restore must not open the database it is about to replace.
  if (command === 'restore') return restoreCommand(config, argv.slice(1), logger);
  // Held like the service holds it: no restore replaces the database under a command, nor runs during one.
  let lock: DatabaseLock;
  try {
    lock = await holdDatabase(config.database, `cli ${command}`);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return EXIT.databaseBusy;
  }
  const db = createDb(config.database);
  try {
    await migrateLatest(db);
    switch (`${command}${sub ? ` ${sub}` : ''}`) {
      case 'migrate':
        process.stdout.write('schema is up to date\n');
        return EXIT.ok;
      case 'seed-demo': {
        const password = process.env.IDESK_DEMO_PASSWORD || generatePassword();
        const seeded = await seedDemo(db, password, new Date(), config.scryptCost);
        if (!seeded) {
          process.stdout.write('demo data is already there; nothing done\n');
          return EXIT.ok;
        }
        process.stdout.write(`created ${seeded.departments} departments, ${seeded.procedures.length} procedures and these accounts (password: ${password}):\n`);
        for (const u of seeded.users) process.stdout.write(`  ${u.username.padEnd(16)} ${u.roles.join(', ').padEnd(24)} ${u.fullName}\n`);
        for (const p of seeded.procedures) process.stdout.write(`  procedure ${p.id}: ${p.code} ${p.name} (${p.rules.workingDays} working days)\n`);
        return EXIT.ok;
      }
      case 'audit verify': {
        const report = await verifyEventLog(db);
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return report.ok ? EXIT.ok : EXIT.failed;
      }
      case 'audit checkpoint': {
        const checkpoint = await createCheckpoint(db, new Date());
        process.stdout.write(checkpoint ? `checkpoint ${checkpoint.id}: ${checkpoint.eventCount} events up to ${checkpoint.lastEventId}\n` : 'no new events\n');
        return EXIT.ok;
      }
      case 'backup':
      case 'backup list':
      case 'backup verify':
        return await backupCommand({ db, config, logger, clock: () => new Date() }, argv.slice(1));
      default:
        process.stderr.write(`unknown command: ${argv.join(' ')}\n${USAGE}\n`);
        return EXIT.usage;
    }
  } finally {
    await db.destroy();
    await lock.release();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    process.stderr.write(err instanceof ConfigError ? `configuration error: ${err.message}\n` : `${(err as Error).stack ?? err}\n`);
    process.exit(2);
  });
