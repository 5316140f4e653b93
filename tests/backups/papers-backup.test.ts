import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackup, runBackup } from '../../src/infrastructure/backups/backup.service.ts';
import { createLogger } from '../../src/logger.ts';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { pdfWith, postPapers } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';
import { backupEnv, cleanupAll, freshTarget } from './backup-support.ts';

/**
 * The file store is part of every backup (Điều 5.3, DESIGN §8): a paper attached before a backup comes
 * back, byte for byte, after the store is lost and the backup restored.
 */
let app: TestApp;
let restored: TestApp | null = null;
let w: World;
const logger = createLogger('silent');

beforeAll(async () => {
  app = await startTestApp({ env: backupEnv() });
  w = await buildWorld(app);
});
afterAll(async () => {
  await restored?.close();
  await app.close();
  await cleanupAll();
});

describe(`papers in backups (${TEST_DB})`, () => {
  it('attach, back up, lose the store, restore: the same bytes download under the same name', async () => {
    const created = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(created.status).toBe(201);
    const bytes = pdfWith('bản chụp giấy chứng nhận — sao lưu');
    const uploaded = await postPapers(app.url, `/api/dossiers/${created.body.id}/papers`, [{ kind: 'other', name: 'Giấy chứng nhận.pdf', bytes }], { authorization: `Bearer ${w.onestop.token}` });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const content = `/api/dossiers/${created.body.id}/papers/${uploaded.body.items[0].id}/content`;
    const original = await fetch(`${app.url}${content}`, { headers: { authorization: `Bearer ${w.onestop.token}` } });
    const disposition = original.headers.get('content-disposition');
    expect(Buffer.from(await original.arrayBuffer())).toEqual(bytes);

    const backup = await runBackup({ db: app.deps.db, config: app.deps.config, logger, clock: app.clock.now }, { kind: 'cli' });
    expect(backup.status).toBe('succeeded');

    // The store is lost: the paper cannot be served any more.
    fs.rmSync(app.deps.config.filesDir, { recursive: true, force: true });
    expect((await fetch(`${app.url}${content}`, { headers: { authorization: `Bearer ${w.onestop.token}` } })).status).not.toBe(200);

    const target = await freshTarget(app.deps.config.backup.dir);
    const result = await restoreBackup(target.config, backup.name as string, logger);
    expect(result.files).toBe(1);
    const database = target.config.database;
    restored = await startTestApp({
      env: { DATA_DIR: target.config.dataDir, BACKUP_DIR: target.config.backup.dir, DATABASE_URL: database.client === 'pg' ? database.url : `sqlite:${database.filename}` },
      overrides: { db: target.open() },
    });
    restored.clock.set(app.clock.now());
    // The session was restored with the database: the same token reads the same paper.
    const back = await fetch(`${restored.url}${content}`, { headers: { authorization: `Bearer ${w.onestop.token}` } });
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer())).toEqual(bytes);
    expect(back.headers.get('content-type')).toBe('application/pdf');
    expect(back.headers.get('content-disposition')).toBe(disposition);
  });
});
