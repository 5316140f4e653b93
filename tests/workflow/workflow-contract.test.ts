import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/actor.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { migrateLatest } from '../../src/db/db.ts';
import { verifyEventLog } from '../../src/domain/audit/event-log.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { requestHash } from '../../src/domain/idempotency/idempotency.ts';
import { outboxJobs } from '../../src/domain/outbox/outbox.ts';
import { createRecord } from '../../src/domain/workflow/create-record.ts';
import { allowedEvents, fireEvent, type TransitionNotice, type WorkflowEnv } from '../../src/domain/workflow/fire-event.ts';
import { timelineOf } from '../../src/domain/workflow/timeline.ts';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../support/test-db.ts';
import { createTicketTable, findTicket, TICKET_AGGREGATE, ticketRecordType, type TicketRow } from './toy-record.ts';

/**
 * The workflow kit's contract, on a machine that is not the dossier's (tests/workflow/toy-record.ts):
 * creation with its first chained event, firing (200), stale version (409), a refused state (422), a
 * refused payload (422 with its own code), a forbidden actor (403), idempotent replay, the outbox diff,
 * the timeline, and audit verify over the new aggregate type — everything a second record type gets
 * without copying anything.
 */
let t: TestDatabase;
let now = new Date('2026-03-02T02:00:00.000Z');
const notices: TransitionNotice[] = [];
let env: WorkflowEnv;
const record = ticketRecordType();
let owner: Actor;
let stranger: Actor;
let ticketId: number;

function principal(userId: number, fullName: string): Principal {
  return { userId, username: `u${userId}`, fullName, departmentId: null, roles: ['staff'], mustChangePassword: false, via: 'token', expiresAt: null };
}

async function addUser(name: string): Promise<number> {
  const at = now.toISOString();
  const [row] = await t.db('users').insert({ username: name, full_name: `Chị ${name}`, password_hash: 'x', created_at: at, updated_at: at }).returning('id');
  return typeof row === 'object' ? row.id : row;
}

/** Every row an event may touch, to prove that a refusal changed nothing. */
async function snapshotOfStore() {
  return {
    tickets: await t.db('contract_tickets').orderBy('id'),
    events: await t.db('events').orderBy('id'),
    outbox: await t.db('outbox').orderBy('id'),
    keys: await t.db('idempotency_keys').orderBy('key'),
  };
}

function fire(actor: Actor, body: { type: string; version: number } & Record<string, unknown>, key?: string) {
  return fireEvent(env, record, {
    actor,
    body,
    notFound: 'No such ticket',
    idempotency: key ? { scope: 'contract', key, requestHash: requestHash('POST', `/tickets/${ticketId}/events`, body) } : undefined,
    find: (db) => findTicket(db, ticketId),
    present: (_trx, row: TicketRow, at) => ({ id: row.id, state: row.state, version: row.version, allowedEvents: allowedEvents(record, row, actor, at) }),
  });
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await migrateLatest(t.db);
  await createTicketTable(t.db);
  env = { db: t.db, clock: () => now, onTransition: (n) => notices.push(n) };
  owner = { kind: 'user', principal: principal(await addUser('lan'), 'Chị lan') };
  stranger = { kind: 'user', principal: principal(await addUser('hoa'), 'Chị hoa') };
});
afterAll(() => t.drop());

describe(`the workflow kit with a record type of its own (${TEST_DB})`, () => {
  it('creates a record at its initial state with its first chained event', async () => {
    const at = now.toISOString();
    const created = await t.db.transaction((trx) =>
      createRecord(trx, TICKET_AGGREGATE, {
        machine: record.machines.current('contract-ticket'),
        columns: () => ({ title: 'Máy in tầng 2 hỏng', owner_id: (owner as { principal: Principal }).principal.userId, created_at: at, updated_at: at }),
        event: { type: 'OPEN', actor: { kind: 'user', id: (owner as { principal: Principal }).principal.userId }, at, payload: { title: 'Máy in tầng 2 hỏng' } },
      }),
    );
    ticketId = created.id;
    const row = (await findTicket(t.db, ticketId)) as TicketRow;
    expect(row).toMatchObject({ state: 'open', version: 1, machine_id: 'contract-ticket', machine_version: 1 });
    const [event] = await t.db('events').where({ stream_type: 'contract_test_ticket', stream_id: String(ticketId) });
    expect(event).toMatchObject({ seq: 1, type: 'OPEN', to_state: 'open', hash: row.chain_head });
    expect(allowedEvents(record, row, owner, now.toISOString())).toEqual(['START', 'CANCEL']);
    expect(allowedEvents(record, row, stranger, now.toISOString())).toEqual([]);
  });

  it('fires an event: new state and version, the event chained to the last, the jobs it implies in the outbox', async () => {
    now = new Date('2026-03-02T03:00:00.000Z');
    const answer = await fire(owner, { type: 'START', version: 1 });
    expect(answer).toEqual({ status: 200, body: { id: ticketId, state: 'working', version: 2, allowedEvents: ['NOTE', 'CANCEL'] } });
    const events = await t.db('events').where({ stream_type: 'contract_test_ticket' }).orderBy('seq');
    expect(events.map((e) => [e.seq, e.type, e.from_state, e.to_state])).toEqual([
      [1, 'OPEN', null, 'open'],
      [2, 'START', 'open', 'working'],
    ]);
    expect(events[1].prev_hash).toBe(events[0].hash);
    const jobs = await outboxJobs(t.db);
    expect(jobs.map((j) => [j.action, j.jobId])).toEqual([['add', `ticket-${ticketId}-due-20260302T040000000Z`]]);
    expect(notices).toEqual([{ subject: 'contract_test_ticket', type: 'START', from: 'open', to: 'working' }]);
  });

  it('refuses a stale version (409), an event the state does not take (422), a payload the plan refuses (422) and a stranger (403), changing nothing', async () => {
    const before = await snapshotOfStore();
    const stale = await refusal(fire(owner, { type: 'NOTE', version: 1, text: 'Đã kiểm tra' }));
    expect([stale.status, stale.code]).toEqual([409, 'STALE_VERSION']);
    const early = await refusal(fire(owner, { type: 'FINISH', version: 2 }));
    expect([early.status, early.code, early.details]).toEqual([422, 'INVALID_TRANSITION', { state: 'working', event: 'FINISH', allowedEvents: ['NOTE', 'CANCEL'] }]);
    const empty = await refusal(fire(owner, { type: 'NOTE', version: 2, text: '  ' }));
    expect([empty.status, empty.code]).toEqual([422, 'EMPTY_NOTE']);
    const forbidden = await refusal(fire(stranger, { type: 'NOTE', version: 2, text: 'Không phải việc của tôi' }));
    expect([forbidden.status, forbidden.code]).toEqual([403, 'FORBIDDEN']);
    const missing = await refusal(
      fireEvent(env, record, { actor: owner, body: { type: 'NOTE', version: 2 }, notFound: 'No such ticket', find: (db) => findTicket(db, ticketId + 100), present: () => null }),
    );
    expect([missing.status, missing.code]).toEqual([404, 'NOT_FOUND']);
    expect(await snapshotOfStore()).toEqual(before);
    expect(notices).toHaveLength(1);
  });

  it('replays an answer for the same Idempotency-Key and request, once, and refuses the key for another request', async () => {
    const first = await fire(owner, { type: 'NOTE', version: 2, text: 'Thay hộp mực' }, 'k-1');
    expect(first).toMatchObject({ status: 200, body: { state: 'working', version: 3 } });
    const before = await snapshotOfStore();
    const again = await fire(owner, { type: 'NOTE', version: 2, text: 'Thay hộp mực' }, 'k-1');
    expect(again).toEqual({ ...first, replayed: true });
    const reused = await refusal(fire(owner, { type: 'NOTE', version: 3, text: 'Khác' }, 'k-1'));
    expect([reused.status, reused.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    // A replay is only for whoever may still act on the record.
    const foreign = await refusal(fire(stranger, { type: 'NOTE', version: 2, text: 'Thay hộp mực' }, 'k-1'));
    expect(foreign.status).toBe(403);
    expect(await snapshotOfStore()).toEqual(before);
    expect(notices.map((n) => n.type)).toEqual(['START', 'NOTE']);
  });

  it('ends at a final state, removing the jobs that became stale', async () => {
    now = new Date('2026-03-02T03:30:00.000Z');
    const done = await fire(owner, { type: 'FINISH', version: 3 });
    expect(done.body).toEqual({ id: ticketId, state: 'done', version: 4, allowedEvents: [] });
    const jobs = await outboxJobs(t.db);
    expect(jobs.map((j) => [j.action, j.jobId])).toEqual([
      ['add', `ticket-${ticketId}-due-20260302T040000000Z`],
      ['remove', `ticket-${ticketId}-due-20260302T040000000Z`],
    ]);
  });

  it('reads the timeline with who did what', async () => {
    const timeline = await timelineOf(t.db, 'contract_test_ticket', ticketId);
    expect(timeline.map((e) => [e.seq, e.type, e.actor.name, e.fromState, e.toState])).toEqual([
      [1, 'OPEN', 'Chị lan', null, 'open'],
      [2, 'START', 'Chị lan', 'open', 'working'],
      [3, 'NOTE', 'Chị lan', 'working', 'working'],
      [4, 'FINISH', 'Chị lan', 'working', 'done'],
    ]);
    expect(timeline[2]?.payload).toEqual({ text: 'Thay hộp mực', notes: 1 });
  });

  it('is verified by audit verify: intact, then an altered event and a deleted tail are found', async () => {
    expect((await verifyEventLog(t.db, [TICKET_AGGREGATE])).ok).toBe(true);
    const last = await t.db('events').where({ stream_type: 'contract_test_ticket', stream_id: String(ticketId), seq: 4 }).first();
    await t.db('events').where({ id: last.id }).delete();
    const tail = await verifyEventLog(t.db, [TICKET_AGGREGATE]);
    expect(tail.firstBroken).toMatchObject({ problem: 'missing-tail', streamType: 'contract_test_ticket', streamId: String(ticketId) });
    await t.db('events').insert(last);
    await t.db('events').where({ stream_type: 'contract_test_ticket', stream_id: String(ticketId), seq: 2 }).update({ payload: JSON.stringify({ forged: true }) });
    const altered = await verifyEventLog(t.db, [TICKET_AGGREGATE]);
    expect(altered.firstBroken).toMatchObject({ problem: 'hash-mismatch', streamType: 'contract_test_ticket', seq: 2 });
  });
});
