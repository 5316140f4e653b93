import type { AnyStateMachine } from 'xstate';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { sha256Hex } from '../../lib/crypto.ts';

/** One published definition of a machine. */
export interface MachineDefinition {
  id: string;
  version: number;
  machine: AnyStateMachine;
}

export interface RegisteredMachine extends MachineDefinition {
  hash: string;
}

/**
 * The hash of a machine's structure: states, transitions, guard and action names. It does not see the
 * code inside guards and actions, so a change of their behaviour must bump the version by hand; a test
 * pins the current hash so that a structural change without a version bump fails CI.
 */
export function definitionHash(machine: AnyStateMachine): string {
  return sha256Hex(canonicalJson(JSON.parse(JSON.stringify(machine.definition))));
}

export class UnknownMachineError extends Error {}

/**
 * Every definition a persisted record may name. A record keeps the machine id, version and hash it
 * was created under and is always restored with that definition, so records in flight keep working
 * when a newer definition is published.
 */
export class MachineRegistry {
  private readonly byKey = new Map<string, RegisteredMachine>();
  private readonly latest = new Map<string, RegisteredMachine>();

  constructor(definitions: MachineDefinition[]) {
    for (const def of definitions) {
      const registered = { ...def, hash: definitionHash(def.machine) };
      this.byKey.set(`${def.id}@${def.version}`, registered);
      const current = this.latest.get(def.id);
      if (!current || current.version < def.version) this.latest.set(def.id, registered);
    }
  }

  /** The definition new records are created with. */
  current(id: string): RegisteredMachine {
    const def = this.latest.get(id);
    if (!def) throw new UnknownMachineError(`no machine "${id}" is registered`);
    return def;
  }

  /**
   * The definition a stored record was created with.
   * @throws UnknownMachineError when that version is not registered or its structure changed.
   */
  resolve(id: string, version: number, hash: string): RegisteredMachine {
    const def = this.byKey.get(`${id}@${version}`);
    if (!def) throw new UnknownMachineError(`machine ${id} version ${version} is not registered`);
    if (def.hash !== hash) {
      throw new UnknownMachineError(`machine ${id} version ${version} changed since the record was written (hash ${hash.slice(0, 12)}…)`);
    }
    return def;
  }
}
