import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateLatest, migrateRollbackAll } from '../../src/db/db.ts';
import { migrationSource } from '../../migrations/index.ts';
import { createTestDatabase, TABLES, TEST_DB, type TestDatabase } from '../support/test-db.ts';

/** Every migration runs up and down on the database under test (SQLite or PostgreSQL). */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function existing(): Promise<string[]> {
  const present: string[] = [];
  for (const table of TABLES) if (await t.db.schema.hasTable(table)) present.push(table);
  return present;
}

describe(`migrations on ${TEST_DB}`, () => {
  it('create every table, drop them all on the way down, and create them again', async () => {
    await migrateLatest(t.db);
    expect(await existing()).toEqual(TABLES);
    await migrateRollbackAll(t.db);
    expect(await existing()).toEqual([]);
    await migrateLatest(t.db);
    expect(await existing()).toEqual(TABLES);
  });

  it('let the database refuse what the schema forbids', async () => {
    const at = new Date().toISOString();
    await expect(t.db('user_roles').insert({ user_id: 1, role: 'superuser' })).rejects.toThrow();
    await expect(t.db('departments').insert({ code: 'X', name: 'X', parent_id: 999, created_at: at })).rejects.toThrow();
    await t.db('departments').insert({ code: 'A', name: 'A', created_at: at });
    await expect(t.db('departments').insert({ code: 'A', name: 'B', created_at: at })).rejects.toThrow();
    await expect(t.db('calendar_overrides').insert({ date: '2026-01-02', kind: 'maybe', created_at: at })).rejects.toThrow();
  });
});

describe(`processes bringing a fresh ${TEST_DB} database up to date at the same moment`, () => {
  it('take turns under the schema lock: each migration runs once, and what runs after it never overlaps', async () => {
    const fresh = await createTestDatabase();
    // One connection pool per "process", as replicas have.
    const pools = Array.from({ length: 4 }, () => createDb(fresh.database));
    try {
      let inside = 0;
      let most = 0;
      let turns = 0;
      await Promise.all(
        pools.map((db) =>
          migrateLatest(db, async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setTimeout(r, 30));
            turns++;
            inside--;
          }),
        ),
      );
      expect(turns).toBe(4);
      expect(most).toBe(1);
      const names = (await fresh.db('knex_migrations').select('name')).map((r) => r.name as string);
      expect(names.sort()).toEqual((await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m)).sort());
    } finally {
      for (const db of pools) await db.destroy();
      await fresh.drop();
    }
  });
});
