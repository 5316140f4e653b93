import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { dossierDeps } from '../../src/api/deps.ts';
import type { ListThreads } from '../../src/api/list-threads/list-threads.ts';
import { rolesOf, toPrincipal } from '../../src/domain/accounts/users.service.ts';
import { listDossiers, type DossierFilter } from '../../src/domain/dossiers/dossier.service.ts';
import { expectError } from '../support/assertions.ts';
import { APPLICANT, buildDossier, buildWorld, fireAs, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';

/**
 * The list threads (IDESK_READ_THREADS, src/api/list-threads): on the embedded database the dossier
 * lists are answered off the main thread, on read-only connections. The answers must be the main
 * thread's answers (the same domain function, whose results tests/api/dossier-lists.test.ts checks
 * against hand-written expectations), see every write committed before them, keep the error shape, and
 * survive a thread that dies. On PostgreSQL the setting is refused: its reads do not block.
 */
describe.runIf(TEST_DB === 'sqlite')('lists answered by threads (SQLite)', () => {
  let app: TestApp;
  let w: World;
  const mainThreadListReads: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { IDESK_READ_THREADS: '2' } });
    w = await buildWorld(app);
    for (const state of ['submitted', 'inDepartment.review', 'inDepartment.leadReview', 'leadershipApproval', 'completed', 'refused']) await buildDossier(w, { state });
    app.deps.db.on('query', (q: { sql: string }) => {
      if (/from [`"]?dossiers[`"]? as [`"]?d[`"]?/i.test(q.sql)) mainThreadListReads.push(q.sql);
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  async function inProcess(username: string, filter: Partial<DossierFilter>) {
    const user = await app.deps.db('users').where({ username }).first();
    const principal = toPrincipal(user, await rolesOf(app.deps.db, user.id), 'session');
    return listDossiers(dossierDeps(app.deps), principal, { page: 1, pageSize: 20, ...filter });
  }

  it('answers as the main thread would, for every role and filter, without a list read on the main connection', async () => {
    expect(app.deps.listThreads).not.toBeNull();
    const cases: Array<[keyof World & ('director' | 'lead' | 'specialist' | 'onestop'), string, Partial<DossierFilter>]> = [
      ['director', '', {}],
      ['director', '?state=inDepartment', { state: 'inDepartment' }],
      ['director', '?overdue=false&sort=due', { overdue: false, sort: 'due' }],
      ['lead', '?sort=oldest&pageSize=2', { sort: 'oldest', pageSize: 2 }],
      ['specialist', '?assigneeId=me', { assigneeId: w.specialist.id }],
      ['onestop', '?channel=online', { channel: 'online' }],
      ['director', `?applicantName=${encodeURIComponent(APPLICANT.name.slice(0, 6))}`, { applicantName: APPLICANT.name.slice(0, 6) }],
    ];
    for (const [who, query, filter] of cases) {
      const before = mainThreadListReads.length;
      const res = await w.http.get(`/api/dossiers${query}`, { token: w[who].token });
      expect(mainThreadListReads.length, `${who} ${query}: read on the main connection`).toBe(before);
      expect(res.status, `${who} ${query}`).toBe(200);
      expect(res.body.items.length, `${who} ${query}`).toBeGreaterThan(0);
      expect(res.body, `${who} ${query}`).toEqual(JSON.parse(JSON.stringify(await inProcess(w[who].username, filter))));
    }
    // The check can see a list read on the main connection: the comparisons' own reads are there.
    expect(mainThreadListReads.length).toBeGreaterThanOrEqual(cases.length);
  });

  it('sees a transition committed just before, and answers refusals in the error shape', async () => {
    const d = await buildDossier(w, { state: 'inDepartment.review' });
    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    const mine = await w.http.get('/api/dossiers?assigneeId=me', { token: w.specialist.token });
    expect(mine.body.items.map((x: { id: number }) => x.id)).toContain(d.id);
    expectError(await w.http.get('/api/dossiers?page=2&after=1', { token: w.director.token }), 400, 'INVALID_CURSOR');
    expectError(await w.http.get('/api/dossiers?page=200&pageSize=100', { token: w.director.token }), 400, 'PAGE_TOO_DEEP');
    expectError(await w.http.get('/api/dossiers?sort=due&after=999999', { token: w.director.token }), 400, 'INVALID_CURSOR');
  });

  it('a thread that dies fails only what it held, and the next list starts it again', async () => {
    const threads = app.deps.listThreads as ListThreads;
    // @ts-expect-error — the test reaches into the pool to kill its threads as a crash would.
    const pool = threads.threads as Array<{ worker: { terminate(): Promise<number> } | null }>;
    await Promise.all(pool.map((t) => t.worker?.terminate()));
    for (let i = 0; i < 3; i++) expect((await w.http.get('/api/dossiers', { token: w.director.token })).status).toBe(200);
  });
});

describe.runIf(TEST_DB === 'postgres')('lists on PostgreSQL', () => {
  it('refuses IDESK_READ_THREADS: its reads do not block the server', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://u@127.0.0.1/x', IDESK_READ_THREADS: '1' })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@127.0.0.1/x' }).readThreads).toBe(0);
  });
});
