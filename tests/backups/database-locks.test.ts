import knex from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { holdDatabase, lockDatabaseForRestore } from '../../src/db/database-locks.ts';
import { createLogger } from '../../src/logger.ts';
import { spawnTs } from '../support/child-process.ts';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../support/test-db.ts';

/** The hold every process keeps on the database, which a restore must be able to take exclusively. */
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
});

async function database(): Promise<TestDatabase> {
  const d = await createTestDatabase();
  databases.push(d);
  return d;
}

const url = (d: TestDatabase) => (d.database.client === 'pg' ? d.database.url : `sqlite:${d.database.filename}`);

describe(`the database hold (${TEST_DB})`, () => {
  it('ends with its process however the process ends (SIGKILL included): nothing stale blocks the restore', async () => {
    const d = await database();
    const holder = spawnTs('tests/support/hold-database.ts', [], { DATABASE_URL: url(d) });
    try {
      await holder.waitFor(/held/);
      await expect(lockDatabaseForRestore(d.database)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' });
      holder.child.kill('SIGKILL');
      await holder.exited;
      // PostgreSQL ends the session once it sees the socket closed: a moment at most.
      const until = Date.now() + 5_000;
      for (;;) {
        try {
          await (await lockDatabaseForRestore(d.database)).release();
          break;
        } catch (err) {
          if (Date.now() > until) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      holder.child.kill('SIGKILL');
    }
  }, 30_000);

  it('is shared: many processes hold it at once, and the restore waits for the last to let go', async () => {
    const d = await database();
    const holds = [await holdDatabase(d.database, 'one'), await holdDatabase(d.database, 'two')];
    await holds[0]!.release();
    await expect(lockDatabaseForRestore(d.database)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' });
    await holds[1]!.release();
    await holds[1]!.release();
    await (await lockDatabaseForRestore(d.database)).release();
  });

  if (TEST_DB === 'postgres') {
    it('PostgreSQL: when the connection holding it drops, it is said in the log and taken again', async () => {
      const d = await database();
      const errors: string[] = [];
      const logger = createLogger('silent');
      logger.error = ((_: unknown, message: string) => void errors.push(message)) as typeof logger.error;
      const hold = await holdDatabase(d.database, 'dropped', logger, 50);
      const admin = knex({ client: 'pg', connection: (d.database as { url: string }).url, pool: { min: 0, max: 1 } });
      try {
        await admin.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'idesk dropped %'`);
        // Held again once a restore is refused anew (a restore slipping into the gap is let go at once).
        const until = Date.now() + 5_000;
        for (;;) {
          const restore = await lockDatabaseForRestore(d.database).catch((err: { code?: string }) => err);
          if ('release' in restore) await restore.release();
          else if (restore.code === 'DATABASE_IN_USE' && errors.length > 0) break;
          if (Date.now() > until) throw new Error(`not taken again; log: ${errors.join(' | ')}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(errors[0]).toMatch(/lost the connection holding the database in use/);
      } finally {
        await hold.release();
        await admin.destroy();
      }
      await (await lockDatabaseForRestore(d.database)).release();
    });
  }
});
