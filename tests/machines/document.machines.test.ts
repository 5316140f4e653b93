import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateMachine } from 'xstate';
import { INCOMING_DOCUMENT_EVENT_TYPES, INCOMING_DOCUMENT_STATES, incomingDocumentMachine } from '../../machines/incoming-document/index.ts';
import { OUTGOING_DOCUMENT_EVENT_TYPES, OUTGOING_DOCUMENT_STATES, outgoingDocumentMachine } from '../../machines/outgoing-document/index.ts';
import { statePath, stateValueOf } from '../../machines/state-path.ts';

/**
 * The two document machines against tables written from DESIGN §4 and Decree 30/2020 (not from the
 * machines): for every state and every event, where the event leads ('-' refused; '=' accepted and stays).
 * Each row is checked from a snapshot resolved at that state, so every transition is exercised; guards
 * are checked on both sides below.
 */
const AT = '2026-03-02T02:00:00.000Z';

type Table = Record<string, Record<string, string>>;

// Incoming (văn bản đến, Điều 6–7): registered → directed → distributed → inProgress → done | answered.
// Context for the table: no reply required, not yet overdue.
const INCOMING: Table = {
  registered: { DIRECT: 'directed', DISTRIBUTE: '-', ROUTE_INTERNAL: 'distributed', FORWARD: '-', COMPLETE: '-', ANSWER: '-', DEADLINE_PASSED: '-' },
  directed: { DIRECT: '-', DISTRIBUTE: 'distributed', ROUTE_INTERNAL: '-', FORWARD: '-', COMPLETE: '-', ANSWER: '-', DEADLINE_PASSED: '=' },
  distributed: { DIRECT: '-', DISTRIBUTE: '-', ROUTE_INTERNAL: '-', FORWARD: 'inProgress', COMPLETE: 'done', ANSWER: 'answered', DEADLINE_PASSED: '=' },
  inProgress: { DIRECT: '-', DISTRIBUTE: '-', ROUTE_INTERNAL: '-', FORWARD: '=', COMPLETE: 'done', ANSWER: 'answered', DEADLINE_PASSED: '=' },
  done: { DIRECT: '-', DISTRIBUTE: '-', ROUTE_INTERNAL: '-', FORWARD: '-', COMPLETE: '-', ANSWER: '-', DEADLINE_PASSED: '-' },
  answered: { DIRECT: '-', DISTRIBUTE: '-', ROUTE_INTERNAL: '-', FORWARD: '-', COMPLETE: '-', ANSWER: '-', DEADLINE_PASSED: '-' },
};

// Outgoing (văn bản đi, Điều 8): draft → underReview → awaitingSignature → awaitingIssue → issued; rejections back to draft.
const OUTGOING: Table = {
  draft: { SUBMIT: 'underReview', APPROVE: '-', REJECT: '-', SIGN: '-', REGISTER_SIGNED: 'awaitingIssue', ISSUE: '-' },
  underReview: { SUBMIT: '-', APPROVE: 'awaitingSignature', REJECT: 'draft', SIGN: '-', REGISTER_SIGNED: '-', ISSUE: '-' },
  awaitingSignature: { SUBMIT: '-', APPROVE: '-', REJECT: 'draft', SIGN: 'awaitingIssue', REGISTER_SIGNED: '-', ISSUE: '-' },
  awaitingIssue: { SUBMIT: '-', APPROVE: '-', REJECT: '-', SIGN: '-', REGISTER_SIGNED: '-', ISSUE: 'issued' },
  issued: { SUBMIT: '-', APPROVE: '-', REJECT: '-', SIGN: '-', REGISTER_SIGNED: '-', ISSUE: '-' },
};

const payload = (type: string) => ({ type, at: AT, ...(type === 'REJECT' ? { reason: 'Sửa trích yếu' } : {}) });

function at(machine: AnyStateMachine, state: string, context: Record<string, unknown>) {
  return machine.resolveState({ value: stateValueOf(state) as never, context });
}

function checkTable(machine: AnyStateMachine, table: Table, states: readonly string[], events: readonly string[], context: Record<string, unknown>) {
  expect(Object.keys(table).sort()).toEqual([...states].sort());
  for (const [state, row] of Object.entries(table)) {
    expect(Object.keys(row).sort(), state).toEqual([...events].sort());
    for (const [event, expected] of Object.entries(row)) {
      const s = at(machine, state, context);
      const e = payload(event);
      expect(s.can(e), `${state} × ${event}`).toBe(expected !== '-');
      if (expected === '-') continue;
      const [next] = transition(machine, s, e);
      expect(statePath(next.value as string), `${state} × ${event}`).toBe(expected === '=' ? state : expected);
    }
  }
}

describe('incoming-document machine', () => {
  const context = { replyRequired: false, overdue: false, forwards: 0 };

  it('matches the table for every state and event', () => {
    checkTable(incomingDocumentMachine, INCOMING, INCOMING_DOCUMENT_STATES, INCOMING_DOCUMENT_EVENT_TYPES, context);
  });

  it('starts registered, taking replyRequired from its input; a direction can set it', () => {
    const [plain] = initialTransition(incomingDocumentMachine, {});
    expect(statePath(plain.value as string)).toBe('registered');
    expect(plain.context).toEqual({ replyRequired: false, overdue: false, forwards: 0 });
    const [required] = initialTransition(incomingDocumentMachine, { replyRequired: true });
    expect(required.context.replyRequired).toBe(true);
    const [directed] = transition(incomingDocumentMachine, plain, { type: 'DIRECT', at: AT, replyRequired: true });
    expect(directed.context.replyRequired).toBe(true);
    const [kept] = transition(incomingDocumentMachine, required, { type: 'DIRECT', at: AT });
    expect(kept.context.replyRequired).toBe(true);
  });

  it('a document that requires a reply cannot simply be completed: it ends answered (Điều 7)', () => {
    for (const state of ['distributed', 'inProgress']) {
      const s = at(incomingDocumentMachine, state, { ...context, replyRequired: true });
      expect(s.can({ type: 'COMPLETE', at: AT })).toBe(false);
      expect(s.can({ type: 'ANSWER', at: AT })).toBe(true);
    }
  });

  it('marks overdue once; forwards are counted', () => {
    const s = at(incomingDocumentMachine, 'distributed', context);
    const [marked] = transition(incomingDocumentMachine, s, { type: 'DEADLINE_PASSED', at: AT });
    expect(marked.context.overdue).toBe(true);
    expect(marked.can({ type: 'DEADLINE_PASSED', at: AT })).toBe(false);
    const [one] = transition(incomingDocumentMachine, marked, { type: 'FORWARD', at: AT });
    const [two] = transition(incomingDocumentMachine, one, { type: 'FORWARD', at: AT });
    expect(statePath(two.value as string)).toBe('inProgress');
    expect(two.context.forwards).toBe(2);
  });
});

describe('outgoing-document machine', () => {
  const context = { rejections: 0, lastRejection: null };

  it('matches the table for every state and event', () => {
    checkTable(outgoingDocumentMachine, OUTGOING, OUTGOING_DOCUMENT_STATES, OUTGOING_DOCUMENT_EVENT_TYPES, context);
  });

  it('a rejection records its reason and returns the document to its drafter', () => {
    const [start] = initialTransition(outgoingDocumentMachine, undefined);
    expect(statePath(start.value as string)).toBe('draft');
    const [review] = transition(outgoingDocumentMachine, start, { type: 'SUBMIT', at: AT });
    const [back] = transition(outgoingDocumentMachine, review, { type: 'REJECT', at: AT, reason: 'Sửa trích yếu' });
    expect(statePath(back.value as string)).toBe('draft');
    expect(back.context).toEqual({ rejections: 1, lastRejection: 'Sửa trích yếu' });
  });
});
