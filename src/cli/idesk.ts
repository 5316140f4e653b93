import { ConfigError, loadConfig } from '../config.ts';
import { createDb, migrateLatest } from '../db/db.ts';
import { createCheckpoint, verifyEventLog } from '../domain/audit/event-log.ts';
import { generatePassword } from '../auth/passwords.ts';
import { createLogger } from '../logger.ts';
import { backupCommand, restoreCommand } from './backup-commands.ts';
import { seedDemo } from './seed-demo.ts';

const USAGE = `usage: npm run idesk -- <command>

  migrate            bring the database schema up to date
  seed-demo          load demonstration departments, accounts and procedures
  audit verify       check the hash-chained event log; exit 1 at the first broken link
  audit checkpoint   chain every event written since the last checkpoint
  backup             make a backup now (database and file store; Điều 5.3), verify it, apply retention
  backup list        list the backups with status, size, checksum and verification result
  backup verify <name>
                     re-hash a backup's files and check its database copy; exit 1 when it fails
  restore <name>     restore a backup (a name under BACKUP_DIR, or a folder path) over the database
                     and file store. SQLite: stop the service (API and workers) first; the live file
                     is moved aside to <file>.before-restore-<time>. PostgreSQL: pg_restore --clean.

Configuration comes from the environment (DATABASE_URL, DATA_DIR, …) as for the service.`;

/** The operator's command line (DESIGN §9, STYLE: src/cli). Exit codes: 0 ok, 1 check failed, 2 usage or configuration error. */
async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  // Human-readable output on stdout; JSON log lines only for warnings unless LOG_LEVEL asks for more.
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  // Restore must not open the database it is about to replace.
  if (command === 'restore') return restoreCommand(config, argv.slice(1), logger);
  const db = createDb(config.database);
  try {
    await migrateLatest(db);
    switch (`${command}${sub ? ` ${sub}` : ''}`) {
      case 'migrate':
        process.stdout.write('schema is up to date\n');
        return 0;
      case 'seed-demo': {
        const password = process.env.IDESK_DEMO_PASSWORD || generatePassword();
        const seeded = await seedDemo(db, password, new Date(), config.scryptCost);
        if (!seeded) {
          process.stdout.write('demo data is already there; nothing done\n');
          return 0;
        }
        process.stdout.write(`created ${seeded.departments} departments, ${seeded.procedures.length} procedures and these accounts (password: ${password}):\n`);
        for (const u of seeded.users) process.stdout.write(`  ${u.username.padEnd(16)} ${u.roles.join(', ').padEnd(24)} ${u.fullName}\n`);
        for (const p of seeded.procedures) process.stdout.write(`  procedure ${p.id}: ${p.code} ${p.name} (${p.rules.workingDays} working days)\n`);
        return 0;
      }
      case 'audit verify': {
        const report = await verifyEventLog(db);
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return report.ok ? 0 : 1;
      }
      case 'audit checkpoint': {
        const checkpoint = await createCheckpoint(db, new Date());
        process.stdout.write(checkpoint ? `checkpoint ${checkpoint.id}: ${checkpoint.eventCount} events up to ${checkpoint.lastEventId}\n` : 'no new events\n');
        return 0;
      }
      case 'backup':
      case 'backup list':
      case 'backup verify':
        return await backupCommand({ db, config, logger, clock: () => new Date() }, argv.slice(1));
      default:
        process.stderr.write(`unknown command: ${argv.join(' ')}\n${USAGE}\n`);
        return 2;
    }
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    process.stderr.write(err instanceof ConfigError ? `configuration error: ${err.message}\n` : `${(err as Error).stack ?? err}\n`);
    process.exit(2);
  });
