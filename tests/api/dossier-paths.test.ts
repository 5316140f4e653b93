import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIONAL_STATUS, dossierMachine, type DossierEvent, type DossierState } from '../../machines/dossier/index.ts';
import { dossierDeps } from '../../src/api/deps.ts';
import { fireDossierEvent } from '../../src/domain/dossiers/dossier.service.ts';
import { APPLICANT, buildWorld, type TestUser, type World } from '../support/factories.ts';
import { transitionPaths, VARIANTS, MODEL_AT } from '../support/dossier-model.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { attachResult } from '../support/papers.ts';
import { verifyEventLog } from '../../src/domain/audit/event-log.ts';

/**
 * Model-based tests: every transition of the dossier machine, under each procedure variation, driven over
 * HTTP by the people the policy says act on it (the applicant through the public API, the system
 * through the domain as the deadline worker does). After each step the API must report the state,
 * version and national status the model predicts.
 */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp();
  app.clock.set(MODEL_AT);
  w = await buildWorld(app);
});
afterAll(() => app.close());

interface Tracked {
  /** The state the dossier is in before the next step. */
  state: string;
  id: number;
  code: string;
  secret: string;
  version: number;
  assigneeId: number | null;
  dueAt: string | null;
}

/**
 * What the one-stop clerk may do in each state, written out from DESIGN §3 and the policy (not computed
 * by the machine or the service): the flow's own steps of the one-stop unit, a withdrawal it records for
 * the applicant and a stop, until a result exists. A supplement may be asked for once in all, at the
 * online check or after receipt (Decree 118/2025).
 */
function oneStopEvents(state: string, supplementAsked: boolean): string[] {
  const stopping = ['WITHDRAW', 'STOP'];
  switch (state) {
    case 'submitted':
      return ['RECEIVE', ...(supplementAsked ? [] : ['REQUEST_SUPPLEMENT']), 'REFUSE', ...stopping];
    case 'awaitingSupplement':
      return ['SUPPLEMENT', ...stopping];
    case 'returnedToOneStop':
      return [...(supplementAsked ? [] : ['REQUEST_SUPPLEMENT']), 'REFUSE', ...stopping];
    case 'inDepartment.review':
    case 'inDepartment.inspection':
    case 'inDepartment.leadReview':
    case 'leadershipApproval':
      return stopping;
    case 'awaitingPayment':
      return ['PAYMENT_RECEIVED'];
    case 'readyForReturn':
      return ['RETURN_RESULT'];
    default:
      return [];
  }
}

function staffFor(type: DossierEvent['type'], d: Tracked): TestUser {
  // During the department's review the department asks for the supplement itself: the lead (who may also
  // before assigning); at the one-stop's check and after an invalid finding, the one-stop clerk.
  if (type === 'REQUEST_SUPPLEMENT' && d.state === 'inDepartment.review') return w.lead;
  switch (type) {
    case 'ASSIGN':
    case 'REASSIGN':
    case 'PROPOSE':
    case 'SEND_BACK':
    case 'ISSUE_APOLOGY':
      return w.lead;
    case 'VERIFY':
    case 'INVALID':
    case 'INSPECT':
      return d.assigneeId === w.specialist2.id ? w.specialist2 : w.specialist;
    case 'APPROVE':
    case 'DISAGREE':
      return w.director;
    default:
      return w.onestop;
  }
}

/** The event as an API client sends it: the model's sample payload without the fields the service computes. */
function bodyOf(event: DossierEvent, d: Tracked): Record<string, unknown> {
  const { at: _at, ...rest } = event as DossierEvent & Record<string, unknown>;
  // The service computes these on RECEIVE and SUPPLEMENT; the deadline events carry their own.
  if (event.type !== 'STEP_OVERDUE' && event.type !== 'APPOINTMENT_PASSED') delete rest.dueAt;
  delete rest.apologyBy;
  if (event.type === 'ASSIGN') rest.assigneeId = w.specialist.id;
  if (event.type === 'REASSIGN') rest.assigneeId = w.specialist2.id;
  if (event.type === 'ISSUE_APOLOGY') rest.newDueAt = new Date(Date.parse(d.dueAt as string) + 3 * 86_400_000).toISOString();
  return { ...rest, version: d.version };
}

async function fire(event: DossierEvent, d: Tracked) {
  const body = bodyOf(event, d);
  if (event.type === 'SUPPLEMENT_EXPIRED' || event.type === 'STEP_OVERDUE' || event.type === 'APPOINTMENT_PASSED') {
    // The system's events, sent by the deadline worker through the domain.
    const answer = await fireDossierEvent(dossierDeps(app.deps), { kind: 'system' }, d.id, body as never);
    return { status: answer.status, body: answer.body };
  }
  if (event.type === 'SUPPLEMENT' || event.type === 'WITHDRAW') {
    return w.http.post(`/api/public/dossiers/${d.code}/events`, body, { headers: { 'x-tracking-secret': d.secret } });
  }
  // An approval is handed back with its document (giấy phép), which the clerk attaches first.
  if (event.type === 'RETURN_RESULT') await attachResult(w.http.baseUrl, d.id, w.onestop.token);
  return w.http.post(`/api/dossiers/${d.id}/events`, body, { token: staffFor(event.type, d).token });
}

describe.each(VARIANTS)('dossier flow, $name procedure', ({ name, rules }) => {
  const paths = transitionPaths(rules);

  it('covers every state the variation can reach', () => {
    const reached = new Set(paths.flatMap((p) => p.steps.map((s) => s.state)));
    const expected = name === 'standard' ? 12 : name === 'noLead' ? 10 : 13;
    // Version 4 adds one transition to each variation: the department's own supplement request from review.
    expect(paths.length).toBe(name === 'standard' ? 45 : name === 'noLead' ? 37 : 51);
    expect(reached.size).toBe(expected);
  });

  it.each(paths.map((p) => [p.transition, p] as const))('%s', async (_label, path) => {
    const procedure = w.procedures[name];
    const created = await w.http.post('/api/public/dossiers', { procedureId: procedure.id, applicant: APPLICANT, subject: 'Cấp phép' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ state: 'submitted', version: 1, nationalStatus: 1 });
    const d: Tracked = { state: 'submitted', id: created.body.id, code: created.body.code, secret: created.body.trackingSecret, version: 1, assigneeId: null, dueAt: null };

    let supplementAsked = false;
    for (const step of path.steps) {
      if (step.event.type === 'REQUEST_SUPPLEMENT') supplementAsked = true;
      const res = await fire(step.event, d);
      expect(res.status, `${step.event.type}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.state).toBe(step.state);
      expect(res.body.version).toBe(d.version + 1);
      expect(res.body.nationalStatus).toBe(NATIONAL_STATUS[step.state as DossierState]);
      d.version = res.body.version;
      d.state = res.body.state;
      const staffView = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
      d.assigneeId = staffView.body.assigneeId;
      d.dueAt = staffView.body.dueAt;
      // The events the API offers the one-stop clerk, as the flow's table says.
      const expected = oneStopEvents(step.state, supplementAsked);
      expect(staffView.body.allowedEvents).toEqual(expected);
    }

    const final = await w.http.get(`/api/dossiers/${d.id}`, { token: w.director.token });
    expect(final.body.timeline.map((e: { type: string }) => e.type)).toEqual(['SUBMIT', ...path.steps.map((s) => s.event.type)]);
    expect(final.body.timeline.at(-1).toState).toBe(path.steps.at(-1)?.state);
  });
});

describe('after every path', () => {
  it('left an intact hash chain', async () => {
    const report = await verifyEventLog(app.deps.db);
    expect(report.firstBroken).toBeNull();
    expect(report.ok).toBe(true);
  });

  it('drove the same machine definition the model used', () => {
    expect(app.deps.machines.current('dossier').machine).toBe(dossierMachine);
  });
});
