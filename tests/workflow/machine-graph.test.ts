import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { dossierMachine } from '../../machines/dossier/index.ts';
import { MACHINE_DEFINITIONS } from '../../src/domain/machines.ts';
import { finalStates, leafStates, statesTagged, statesThatCannotFinish, unreachableStates } from '../../src/domain/workflow/machine-graph.ts';
import { ticketMachine } from './toy-record.ts';

/**
 * No record can get stuck by design: in every registered machine, every version, each state is
 * reachable from the initial one and every non-final state can still reach a final one.
 */
describe('every registered machine, every version', () => {
  it.each(MACHINE_DEFINITIONS.map((d) => [`${d.id} v${d.version}`, d] as const))('%s: all states reachable, none a dead end', (_label, d) => {
    expect(leafStates(d.machine).length).toBeGreaterThan(1);
    expect(unreachableStates(d.machine)).toEqual([]);
    expect(statesThatCannotFinish(d.machine)).toEqual([]);
    expect(finalStates(d.machine).length).toBeGreaterThan(0);
  });
});

describe('the checks themselves', () => {
  const flawed = createMachine({
    id: 'flawed',
    initial: 'a',
    states: {
      a: { on: { GO: 'b', TRAP: 'loop' } },
      b: { on: { END: 'z' } },
      // Nothing leads here.
      orphan: { on: { END: 'z' } },
      // Once in, never out to a final state.
      loop: { initial: 'one', states: { one: { on: { NEXT: 'two' } }, two: { on: { BACK: 'one' } } } },
      z: { type: 'final' },
    },
  });

  it('find an unreachable state and states that can never finish', () => {
    expect(unreachableStates(flawed)).toEqual(['orphan']);
    expect(statesThatCannotFinish(flawed)).toEqual(['loop.one', 'loop.two']);
  });

  it('follow transitions inherited from a parent state and into a parent’s initial child', () => {
    // inDepartment.* reach `withdrawn` only through their parent's WITHDRAW.
    expect(statesThatCannotFinish(dossierMachine)).toEqual([]);
    expect(leafStates(ticketMachine)).toEqual(['open', 'working', 'done', 'cancelled']);
  });

  it('read state tags, inherited from a parent state', () => {
    expect(statesTagged(dossierMachine, 'waiting')).toEqual(['awaitingSupplement', 'awaitingPayment']);
    expect(statesTagged(dossierMachine, 'holding')).toEqual(['inDepartment.review', 'inDepartment.inspection', 'inDepartment.leadReview', 'leadershipApproval', 'returnedToOneStop']);
    expect(statesTagged(dossierMachine, 'actionable')).toEqual([
      'submitted',
      'inDepartment.review',
      'inDepartment.inspection',
      'inDepartment.leadReview',
      'leadershipApproval',
      'returnedToOneStop',
      'readyForReturn',
    ]);
    expect(finalStates(dossierMachine)).toEqual(['completed', 'refused', 'withdrawn', 'stopped']);
  });
});
