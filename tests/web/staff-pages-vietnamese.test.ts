import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupRow, runBackup, verifyBackup } from '../../src/infrastructure/backups/backup.service.ts';
import { createLogger } from '../../src/logger.ts';
import { backupText } from '../../src/web/admin/backup-texts.ts';
import { backupEnv, cleanupAll } from '../backups/backup-support.ts';
import { buildDocumentWorld, createDoc, INCOMING, type DocumentWorld } from '../support/documents.ts';
import { buildDossier, buildWorld, type BuiltDossier, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { FormClient } from './support/form-client.ts';

/**
 * No English on the staff pages (issue 14 §5): every staff page, as the people who open it, read for the
 * English words that were found on them — the backup catalog's verification results and errors, the
 * audit trail's record kinds and document states, the event filter's hint. What is code on purpose (an
 * event's code, a JSON payload, a file name, a command) is inside `<code>` and not read.
 */
const ENGLISH = [
  // The backup catalog (backup.service.ts, sqlite-backup.ts, postgres-backup.ts, backup-files.ts).
  'checksums', 'files', 'bytes', 'integrity_check', 'foreign', 'keys', 'tables', 'rows', 'counts', 'recorded',
  'manifest', 'says', 'differs', 'interrupted', 'process', 'stopped', 'backup', 'verification', 'verified',
  'found', 'directory', 'restored', 'scratch', 'database', 'entries', 'snapshot', 'failed', 'missing', 'pass',
  // The audit trail's record kinds and the documents' states, shown raw before.
  'user', 'dossier', 'procedure', 'calendar', 'document', 'department', 'registered', 'directed', 'distributed',
  'draft', 'issued', 'underReview',
  // Words of the error messages of the domain (errors.ts callers), should one reach a page.
  'invalid', 'required', 'must', 'not', 'the', 'and', 'with', 'from', 'error',
];
const ENGLISH_RE = new RegExp(`(?<![\\p{L}\\p{N}_-])(${ENGLISH.join('|')})(?![\\p{L}\\p{N}_-])`, 'giu');

/** What a person reads on a page: its text outside `<code>`, `<script>` and `<style>`, and its titles and labels. */
function readable(html: string): string {
  const attrs = [...html.matchAll(/\s(?:title|aria-label|placeholder|alt)="([^"]*)"/g)].map((m) => m[1]);
  const text = html
    .replace(/<(code|script|style)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return `${text} ${attrs.join(' ')}`;
}

function englishIn(html: string): string[] {
  return [...new Set([...readable(html).matchAll(ENGLISH_RE)].map((m) => m[1] as string))];
}

let app: TestApp;
let w: World;
let dw: DocumentWorld;
let dossier: BuiltDossier;
let documentId: number;

const as = (token: string) => {
  const client = new FormClient(app.url);
  client.cookies.set('idesk_session', token);
  return client;
};

beforeAll(async () => {
  app = await startTestApp({ queues: true, env: backupEnv() });
  w = await buildWorld(app);
  dw = await buildDocumentWorld(app);
  dossier = await buildDossier(w, { state: 'inDepartment.review' });
  documentId = (await createDoc(dw.http, dw.clerk, INCOMING)).id as number;

  // The backup catalog as the service writes it: a verified backup, one interrupted, one that failed
  // its verification (a file of a real backup altered, read back by the real check).
  const deps = { ...app.deps, logger: createLogger('silent') };
  const now = app.deps.clock();
  const stale = await createBackupRow(app.deps.db, app.deps.config, 'cli', null, new Date(now.getTime() - 2 * 86_400_000));
  await app.deps.db('backups').where({ id: stale.id }).update({ status: 'running', started_at: new Date(now.getTime() - 2 * 86_400_000).toISOString() });
  const good = await runBackup(deps, { kind: 'cli' });
  const folder = path.join(app.deps.config.backup.dir, good.name as string);
  const copy = fs.readdirSync(folder).find((f) => f !== 'manifest.json' && fs.statSync(path.join(folder, f)).isFile()) as string;
  const spare = path.join(app.deps.config.backup.dir, 'altered');
  fs.cpSync(folder, spare, { recursive: true });
  fs.appendFileSync(path.join(spare, copy), 'altered');
  const check = await verifyBackup({ config: app.deps.config, db: app.deps.db }, spare);
  expect(check.ok).toBe(false);
  const failed = await createBackupRow(app.deps.db, app.deps.config, 'cli', null, now);
  await app.deps.db('backups')
    .where({ id: failed.id })
    .update({ status: 'failed', error: `the backup did not pass verification: ${check.text}`, verified: false, verification: check.text, finished_at: now.toISOString() });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await cleanupAll();
});

describe('the backup catalog in Vietnamese', () => {
  it('puts every finding the backup service writes into words, and keeps only what no rule knows as technical detail', () => {
    expect(backupText('checksums ok (12 files, 3145728 bytes); integrity_check ok; foreign keys ok; 31 tables, row counts as recorded')).toEqual({
      text: 'Mã băm khớp với bản kê: 12 tệp, 3,0 MB; Kiểm tra toàn vẹn cơ sở dữ liệu: đạt; ràng buộc khóa ngoại: đạt; 31 bảng, số dòng đúng như lúc sao lưu',
      technical: null,
    });
    expect(backupText("checksums ok (3 files, 2048 bytes); pg_restore --list ok (140 entries); restored into a scratch database: 31 tables, row counts equal to the dump's snapshot").technical).toBeNull();
    expect(backupText('interrupted: the process making it stopped')).toEqual({ text: 'Bị gián đoạn: tiến trình đang sao lưu đã dừng', technical: null });
    expect(backupText('found in the backup directory after a restore; not verified since (npm run idesk -- backup verify idesk-20261201T000000Z-3)').text).toBe(
      'Tìm thấy trong thư mục sao lưu sau khi khôi phục; chưa kiểm tra lại từ đó (lệnh: npm run idesk -- backup verify idesk-20261201T000000Z-3)',
    );
    expect(backupText('restored from this backup at 2026-12-03T07:30:00.000Z: checksums ok (2 files, 100 bytes); integrity_check ok').text).toBe(
      'Đã khôi phục từ bản này lúc 03/12/2026 14:30; Mã băm khớp với bản kê: 2 tệp, 1 KB; Kiểm tra toàn vẹn cơ sở dữ liệu: đạt',
    );
    expect(backupText('dossiers: 4 rows, the manifest says 5')).toEqual({ text: 'Số dòng khác bản kê: 4 dòng, bản kê ghi 5', technical: 'dossiers' });
    // A system's own message: a Vietnamese sentence, the message quoted as detail.
    expect(backupText('ENOSPC: no space left on device, write')).toEqual({ text: 'Lỗi hệ thống', technical: 'ENOSPC: no space left on device, write' });
  });

  it('the backups page reads in Vietnamese: verified, interrupted and failed backups', async () => {
    const page = await as(w.admin.token).get('/admin/backups');
    expect(page.res.status).toBe(200);
    expect(page.text).toContain('Bị gián đoạn: tiến trình đang sao lưu đã dừng');
    expect(page.text).toContain('Bản sao lưu không đạt kiểm tra, đã bị xóa');
    expect(page.text).toMatch(/Mã băm khớp với bản kê: \d+ tệp/);
    expect(englishIn(page.text)).toEqual([]);
  });
});

describe('every staff page, as the people who open it', () => {
  it('carries none of the English words found on them', { timeout: 120_000 }, async () => {
    const d = dossier.id;
    const visits: Array<[string, string, number]> = [
      ...[
        '/admin', '/admin/backups', '/admin/calendar', '/admin/departments', '/admin/events', '/admin/events?streamType=document',
        '/admin/events?category=security', '/admin/procedures', `/admin/procedures/${w.procedures.standard.id}`, '/admin/procedures/new',
        '/admin/users', `/admin/users/${w.specialist.id}`, '/admin/users/new', '/counter/log-book', '/sessions', '/password',
      ].map((p): [string, string, number] => [w.admin.token, p, 200]),
      ...['/workspace', '/dossiers', `/dossiers/${d}`, `/dossiers/${d}/flow`, '/dossiers?q=zz'].map((p): [string, string, number] => [w.specialist.token, p, 200]),
      ...['/counter', '/counter/intake', `/dossiers/${d}`].map((p): [string, string, number] => [w.onestop.token, p, 200]),
      ...['/workspace', '/dossiers', `/dossiers/${d}`].map((p): [string, string, number] => [w.lead.token, p, 200]),
      ...['/workspace', '/van-ban-den', '/van-ban-di', '/van-ban-den/moi', `/van-ban/${documentId}`, `/van-ban/${documentId}/so-do`].map((p): [string, string, number] => [dw.clerk.token, p, 200]),
      ...['/workspace', `/van-ban/${documentId}`].map((p): [string, string, number] => [dw.director.token, p, 200]),
      // The error pages a member of staff meets.
      [w.specialist.token, '/admin', 403],
      [w.specialist.token, '/dossiers/999999', 404],
    ];
    const found: Record<string, string[]> = {};
    for (const [token, p, status] of visits) {
      const page = await as(token).get(p);
      expect(page.res.status, p).toBe(status);
      const words = englishIn(page.text);
      if (words.length > 0) found[p] = words;
    }
    expect(found).toEqual({});
  });

  it('the audit trail names record kinds, document states and events in Vietnamese, codes apart', async () => {
    const page = await as(w.admin.token).get('/admin/events?streamType=document');
    expect(page.res.status).toBe(200);
    expect(page.text).toContain(`Văn bản #${documentId}`);
    expect(page.text).toContain('Chờ lãnh đạo Sở cho ý kiến chỉ đạo');
    expect(page.text).toMatch(/Vào sổ văn bản đến <code class="muted small">REGISTER<\/code>/);
  });
});
