import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOTAL_BOUND } from '../../src/domain/dossiers/dossier.service.ts';
import { dossierStatesTagged } from '../../src/domain/dossiers/dossier-rows.ts';
import { ACTIONABLE_STATES_SQL, HOLDING_STATES_SQL } from '../../migrations/20261203000030_list_indexes.ts';
import { expectError } from '../support/assertions.ts';
import { APPLICANT, buildDossier, buildWorld, fireAs, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * Issue 6 §3 and §4: the dossier list's filters (applicant, channel, received range, code prefix),
 * sorting, keyset paging with `after`, a total that stops counting at a bound, and bad filters refused.
 */
let app: TestApp;
let w: World;
const ids = (res: { body: { items: Array<{ id: number }> } }) => res.body.items.map((d) => d.id);

/** Receives a dossier at the counter at `at` for `name` / `idNumber`. */
async function receive(at: string, name: string, idNumber: string) {
  app.clock.set(at);
  const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: { ...APPLICANT, name, idNumber } }, { token: w.onestop.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; code: string; version: number; dueAt: string; receivedAt: string };
}

let a: Awaited<ReturnType<typeof receive>>;
let b: Awaited<ReturnType<typeof receive>>;
let c: Awaited<ReturnType<typeof receive>>;
let online: { id: number };

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  a = await receive('2026-03-02T02:00:00Z', 'Nguyễn Văn An', '001200000001');
  b = await receive('2026-03-02T03:00:00Z', 'Nguyễn Thị Bình', '001200000002');
  c = await receive('2026-03-02T04:00:00Z', 'Công ty TNHH Hóa chất Miền Trung', '4100999999');
  app.clock.set('2026-03-02T05:00:00Z');
  online = await buildDossier(w, { state: 'submitted' });
});
afterAll(async () => {
  await app?.close();
});

describe('dossier list filters', () => {
  it('by applicant name prefix (as written) and by identification number', async () => {
    const byName = await w.http.get(`/api/dossiers?applicantName=${encodeURIComponent('Nguyễn')}`, { token: w.director.token });
    expect(byName.status).toBe(200);
    expect(ids(byName)).toEqual([b.id, a.id]);
    expect(ids(await w.http.get(`/api/dossiers?applicantName=${encodeURIComponent('Nguyễn Thị')}`, { token: w.director.token }))).toEqual([b.id]);
    // A prefix, not a substring, and LIKE's wildcards are plain characters.
    expect(ids(await w.http.get(`/api/dossiers?applicantName=${encodeURIComponent('Văn An')}`, { token: w.director.token }))).toEqual([]);
    expect(ids(await w.http.get(`/api/dossiers?applicantName=${encodeURIComponent('Ng%')}`, { token: w.director.token }))).toEqual([]);
    expect(ids(await w.http.get('/api/dossiers?applicantIdNumber=4100999999', { token: w.director.token }))).toEqual([c.id]);
  });

  it('by channel, received range and code prefix', async () => {
    expect(ids(await w.http.get('/api/dossiers?channel=online', { token: w.director.token }))).toEqual([online.id]);
    expect(ids(await w.http.get('/api/dossiers?channel=counter', { token: w.director.token }))).toEqual([c.id, b.id, a.id]);
    const range = await w.http.get(`/api/dossiers?receivedFrom=${encodeURIComponent('2026-03-02T10:00:00+07:00')}&receivedTo=2026-03-02T03:59:59Z`, { token: w.director.token });
    expect(ids(range)).toEqual([b.id]);
    const day = b.code.split('-').slice(0, 2).join('-');
    expect(ids(await w.http.get(`/api/dossiers?codePrefix=${encodeURIComponent(day)}`, { token: w.director.token }))).toEqual([online.id, c.id, b.id, a.id]);
    expect(ids(await w.http.get(`/api/dossiers?codePrefix=${encodeURIComponent(b.code)}`, { token: w.director.token }))).toEqual([b.id]);
    expect(ids(await w.http.get('/api/dossiers?codePrefix=ZZ', { token: w.director.token }))).toEqual([]);
  });

  it('sorted newest first by default, oldest first, or by the appointment (none last)', async () => {
    expect(ids(await w.http.get('/api/dossiers', { token: w.director.token }))).toEqual([online.id, c.id, b.id, a.id]);
    expect(ids(await w.http.get('/api/dossiers?sort=oldest', { token: w.director.token }))).toEqual([a.id, b.id, c.id, online.id]);
    // An apology moves a's appointment after c's: the appointment in force is what sorts.
    app.clock.set('2026-03-02T06:00:00Z');
    const later = new Date(Date.parse(c.dueAt) + 3_600_000).toISOString();
    await fireAs(w.http, a, w.lead, 'ISSUE_APOLOGY', { reason: 'Cần thêm thời gian thẩm định', newDueAt: later });
    const due = await w.http.get('/api/dossiers?sort=due', { token: w.director.token });
    expect(ids(due)).toEqual([b.id, c.id, a.id, online.id]);
  });
});

describe('paging', () => {
  it('goes on with `after` from nextAfter to the last page, in every sort', async () => {
    for (const sort of ['newest', 'oldest', 'due']) {
      const all = ids(await w.http.get(`/api/dossiers?sort=${sort}&pageSize=100`, { token: w.director.token }));
      const seen: number[] = [];
      let after: number | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: { items: Array<{ id: number }>; total: number; nextAfter: number | null } } = await w.http.get(`/api/dossiers?sort=${sort}&pageSize=1${after === null ? '' : `&after=${after}`}`, { token: w.director.token });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        seen.push(...ids(res));
        expect(res.body.total).toBe(all.length);
        after = res.body.nextAfter;
        pages++;
      } while (after !== null && pages < 10);
      expect(seen, sort).toEqual(all);
    }
    // `page` keeps working for the first pages.
    expect(ids(await w.http.get('/api/dossiers?pageSize=2&page=2', { token: w.director.token }))).toEqual([b.id, a.id]);
  });

  it('counts exactly up to the bound and says "more than" above it', async () => {
    const small = await w.http.get('/api/dossiers', { token: w.director.token });
    expect(small.body).toMatchObject({ total: 4, totalIsLowerBound: false });
    // Copies of one row (distinct codes) make the bound reachable without a thousand intakes.
    const row = await app.deps.db('dossiers').where({ id: c.id }).first();
    const { id: _id, ...rest } = row;
    for (let i = 0; i < TOTAL_BOUND; i += 200) {
      await app.deps.db('dossiers').insert(Array.from({ length: 200 }, (_, j) => ({ ...rest, code: `COPY-${i + j}`, applicant_name: 'Bản sao' })));
    }
    const big = await w.http.get('/api/dossiers?pageSize=5', { token: w.director.token });
    expect(big.body).toMatchObject({ total: TOTAL_BOUND, totalIsLowerBound: true });
    expect(big.body.items).toHaveLength(5);
    const filtered = await w.http.get(`/api/dossiers?applicantName=${encodeURIComponent('Nguyễn')}`, { token: w.director.token });
    expect(filtered.body).toMatchObject({ total: 2, totalIsLowerBound: false });
    await app.deps.db('dossiers').where('code', 'like', 'COPY-%').delete();
  });
});

describe('bad filters', () => {
  it('answer 400 with a code and change nothing', async () => {
    const before = await fingerprint(app.deps.db);
    const cases: Array<[string, string]> = [
      ['/api/dossiers?pageSize=101', 'VALIDATION_FAILED'],
      // The edge's one rule for enumerations and for from/to pairs answers first (the domain checks again).
      ['/api/dossiers?state=nosuch', 'VALIDATION_FAILED'],
      ['/api/dossiers?receivedFrom=2026-03-02T05:00:00Z&receivedTo=2026-03-02T04:00:00Z', 'VALIDATION_FAILED'],
      ['/api/dossiers?receivedFrom=yesterday', 'VALIDATION_FAILED'],
      ['/api/dossiers?receivedFrom=2026-06-30T23:59:60Z', 'VALIDATION_FAILED'],
      ['/api/dossiers?sort=random', 'VALIDATION_FAILED'],
      ['/api/dossiers?channel=fax', 'VALIDATION_FAILED'],
      ['/api/dossiers?applicantIdNumber=12', 'VALIDATION_FAILED'],
      ['/api/dossiers?after=0', 'VALIDATION_FAILED'],
      ['/api/dossiers?after=5&page=2', 'INVALID_CURSOR'],
      ['/api/dossiers?sort=due&after=999999', 'INVALID_CURSOR'],
      ['/api/dossiers?page=200&pageSize=100', 'PAGE_TOO_DEEP'],
    ];
    for (const [path, code] of cases) {
      const res = await w.http.get(path, { token: w.director.token });
      expect(res.status, path).toBe(400);
      if (code !== 'VALIDATION_FAILED') expectError(res, 400, code);
      else expect(res.body.error.code, path).toBeTruthy();
    }
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});

describe('the partial indexes', () => {
  it('name the states the machine tags actionable and holding (the queries repeat them)', () => {
    const quoted = (states: readonly string[]) => states.map((s) => `'${s}'`).join(', ');
    expect(ACTIONABLE_STATES_SQL).toBe(quoted(dossierStatesTagged('actionable')));
    expect(HOLDING_STATES_SQL).toBe(quoted(dossierStatesTagged('holding')));
  });
});
