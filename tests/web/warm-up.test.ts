import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MACHINE_DEFINITIONS } from '../../src/domain/machines.ts';
import { cachedFlowLayout } from '../../src/web/flow/flow-layout.ts';
import { warmPages } from '../../src/web/warm-up.ts';
import { buildDossier, buildWorld } from '../support/factories.ts';
import { startTestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';
import { FormClient } from './support/form-client.ts';

/**
 * The first page after a start answers as fast as the later ones (issue 14 §5): what a page would load
 * or compute on its first request is done before the server listens. The timing itself is measured by
 * bench/first-page/run.ts (bench/RESULTS.md); here, that the work is done, and done before listening.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('warming the pages', () => {
  it('lays out every registered machine version’s flow before any page asks for it', async () => {
    // This file's own module instance: nothing has laid out a flow yet.
    for (const def of MACHINE_DEFINITIONS) expect(cachedFlowLayout(def.id, def.version), `${def.id}@${def.version}`).toBeUndefined();
    const ms = await warmPages({ clock: () => new Date('2026-12-08T01:00:00Z'), listThreads: null });
    expect(ms).toBeGreaterThanOrEqual(0);
    for (const def of MACHINE_DEFINITIONS) expect(cachedFlowLayout(def.id, def.version), `${def.id}@${def.version}`).toBeDefined();
  });

  it('is awaited by both serving entry points before they listen (npm start, npm run api)', () => {
    for (const file of ['bin/start.ts', 'bin/api.ts']) {
      const code = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const warm = code.indexOf('await warmPages(deps)');
      expect(warm, file).toBeGreaterThan(0);
      expect(warm, `${file}: warmed before startServer`).toBeLessThan(code.indexOf('await startServer('));
    }
  });

  it('waits for the dossier lists’ read threads to be ready (SQLite; PostgreSQL has none)', async () => {
    const app = await startTestApp(TEST_DB === 'sqlite' ? { env: { IDESK_READ_THREADS: '2' } } : {});
    try {
      if (TEST_DB === 'sqlite') expect(await app.deps.listThreads!.ready()).toBe(2);
      else expect(app.deps.listThreads).toBeNull();
      expect(await warmPages(app.deps)).toBeGreaterThanOrEqual(0);
      // And a warmed app's pages answer: the dossier page with its drawing, the list from a thread.
      const w = await buildWorld(app);
      const d = await buildDossier(w, { state: 'inDepartment.review' });
      const client = new FormClient(app.url);
      client.cookies.set('idesk_session', w.specialist.token);
      expect((await client.get(`/dossiers/${d.id}`)).res.status).toBe(200);
      expect((await client.get('/dossiers')).res.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
