import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { DOSSIER_MACHINE_VERSION, dossierMachine, dossierMachineV1, dossierMachineV2, dossierMachineV3 } from '../../machines/dossier/index.ts';
import { INCOMING_DOCUMENT_MACHINE_VERSION, incomingDocumentMachine } from '../../machines/incoming-document/index.ts';
import { OUTGOING_DOCUMENT_MACHINE_VERSION, outgoingDocumentMachine } from '../../machines/outgoing-document/index.ts';
import { createMachineRegistry } from '../../src/domain/machines.ts';
import { MachineRegistry, UnknownMachineError, definitionHash } from '../../src/domain/workflow/machine-registry.ts';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { attachResult } from '../support/papers.ts';

/**
 * The hash of the published dossier machine. A test failure here means the machine's structure changed:
 * bump DOSSIER_MACHINE_VERSION, keep the previous definition registered in
 * src/domain/machines.ts (or write a tested migration of old snapshots), then update this hash.
 */
const PUBLISHED = {
  1: '0bf0adaa1e9109ccd9c30a0a5b9afd58693c837c518e9b052d51b24643b63766',
  2: '62ef19e526ff4a4dbdb92560a8481b78d07428f7f8322ee2ca80d219654b6159',
  3: 'b31d48c386242c504c93af4afec58ef9f0f107094ad54082c6bbe2ec21e2de73',
  4: '54692fa9adeca44d53cc83ca4eed8747c2908979f350f97f11fb4dbea1913421',
} as const;

/** An older definition, as it might have been published before the apology step existed. */
function withoutApology() {
  // The config as data (guards and actions are referenced by name), minus every ISSUE_APOLOGY transition.
  const config = JSON.parse(JSON.stringify(dossierMachine.config, (key, value) => (key === 'ISSUE_APOLOGY' ? undefined : value)));
  return createMachine({ ...config, context: (dossierMachine.config as { context: unknown }).context } as never, dossierMachine.implementations as never);
}

describe('machine definitions are versioned', () => {
  it('every published definition keeps its pinned hash, and the registry serves them all', () => {
    expect(DOSSIER_MACHINE_VERSION).toBe(4);
    expect(definitionHash(dossierMachineV1)).toBe(PUBLISHED[1]);
    expect(definitionHash(dossierMachineV2)).toBe(PUBLISHED[2]);
    expect(definitionHash(dossierMachineV3)).toBe(PUBLISHED[3]);
    expect(definitionHash(dossierMachine)).toBe(PUBLISHED[4]);
    const registry = createMachineRegistry();
    expect(registry.current('dossier').version).toBe(4);
    expect(registry.resolve('dossier', 1, PUBLISHED[1]).machine).toBe(dossierMachineV1);
    expect(registry.resolve('dossier', 2, PUBLISHED[2]).machine).toBe(dossierMachineV2);
    expect(registry.resolve('dossier', 3, PUBLISHED[3]).machine).toBe(dossierMachineV3);
    expect(registry.resolve('dossier', 4, PUBLISHED[4]).machine).toBe(dossierMachine);
  });

  it('the document machines keep their pinned hashes (bump their version and keep the old definition when they change)', () => {
    const published = {
      'incoming-document': { 1: '1708ab4eddaf4a54db630dc5c5b6f8e7cfc230e5770c2992d421be3e59023c64' },
      'outgoing-document': { 1: '69e1865eed0bdbbcb1c4ff0a27592bd4cca73242ba6889c8b6e3ddf8edf46017' },
    } as const;
    expect(INCOMING_DOCUMENT_MACHINE_VERSION).toBe(1);
    expect(OUTGOING_DOCUMENT_MACHINE_VERSION).toBe(1);
    expect(definitionHash(incomingDocumentMachine)).toBe(published['incoming-document'][1]);
    expect(definitionHash(outgoingDocumentMachine)).toBe(published['outgoing-document'][1]);
    const registry = createMachineRegistry();
    expect(registry.resolve('incoming-document', 1, published['incoming-document'][1]).machine).toBe(incomingDocumentMachine);
    expect(registry.resolve('outgoing-document', 1, published['outgoing-document'][1]).machine).toBe(outgoingDocumentMachine);
  });

  it('a structural change changes the hash', () => {
    expect(definitionHash(withoutApology())).not.toBe(PUBLISHED[4]);
  });

  it('refuses to restore a record under an unregistered or altered definition', () => {
    const registry = new MachineRegistry([{ id: 'dossier', version: 4, machine: dossierMachine }]);
    expect(() => registry.resolve('dossier', 1, PUBLISHED[1])).toThrow(UnknownMachineError);
    expect(() => registry.resolve('dossier', 4, 'f'.repeat(64))).toThrow(/changed since the record was written/);
    expect(registry.resolve('dossier', 4, PUBLISHED[4]).machine).toBe(dossierMachine);
  });
});

describe('a dossier persisted under an older definition', () => {
  let app: TestApp;
  let w: World;
  // Made up for this test: an older definition without the apology, registered as version 0.
  const legacy = withoutApology();

  beforeAll(async () => {
    app = await startTestApp({ overrides: { machines: new MachineRegistry([{ id: 'dossier', version: 0, machine: legacy }]) } });
    w = await buildWorld(app);
  });
  afterAll(() => app.close());

  it('still loads and moves on with its own definition after a release publishes a new one', async () => {
    const old = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(old.body.machine).toEqual({ id: 'dossier', version: 0 });
    expect(old.body.allowedEvents).not.toContain('ISSUE_APOLOGY');

    // The new release: both definitions registered, version 1 current.
    app.deps.machines = new MachineRegistry([
      { id: 'dossier', version: 0, machine: legacy },
      { id: 'dossier', version: 2, machine: dossierMachine },
    ]);

    const loaded = await w.http.get(`/api/dossiers/${old.body.id}`, { token: w.lead.token });
    expect(loaded.status).toBe(200);
    expect(loaded.body.machine).toEqual({ id: 'dossier', version: 0 });
    // The legacy definition is today's without the apology: the lead may also ask for the supplement in the review.
    expect(loaded.body.allowedEvents).toEqual(['REQUEST_SUPPLEMENT', 'ASSIGN']);

    const apology = await w.http.post(`/api/dossiers/${old.body.id}/events`, { type: 'ISSUE_APOLOGY', version: 2, reason: 'Chậm', newDueAt: '2026-04-30T09:00:00+07:00' }, { token: w.lead.token });
    expect(apology.status).toBe(422);

    let version = 2;
    for (const [type, token, extra] of [
      ['ASSIGN', w.lead.token, { assigneeId: w.specialist.id }],
      ['VERIFY', w.specialist.token, {}],
      ['PROPOSE', w.lead.token, { opinion: 'Đủ điều kiện', proposedResult: 'grant' }],
      ['APPROVE', w.director.token, {}],
      ['RETURN_RESULT', w.onestop.token, { method: 'counter' }],
    ] as const) {
      if (type === 'RETURN_RESULT') await attachResult(w.http.baseUrl, old.body.id, w.onestop.token);
      const res = await w.http.post(`/api/dossiers/${old.body.id}/events`, { type, version, ...extra }, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      version = res.body.version;
    }
    const done = await w.http.get(`/api/dossiers/${old.body.id}`, { token: w.onestop.token });
    expect(done.body).toMatchObject({ state: 'completed', machine: { version: 0 } });

    const fresh = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(fresh.body.machine).toEqual({ id: 'dossier', version: 2 });
    const freshForLead = await w.http.get(`/api/dossiers/${fresh.body.id}`, { token: w.lead.token });
    expect(freshForLead.body.allowedEvents).toContain('ISSUE_APOLOGY');
    const row = await app.deps.db('dossiers').where({ id: old.body.id }).first();
    expect(row.machine_hash).toBe(definitionHash(legacy));
  });
});
