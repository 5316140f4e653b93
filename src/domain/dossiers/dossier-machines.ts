import { DOSSIER_MACHINE_VERSION, dossierMachine, dossierMachineV1 } from '../../../machines/dossier/index.ts';
import { MachineRegistry } from '../workflow/machine-registry.ts';

/**
 * Published dossier machine definitions. When the machine changes: keep the old definition here (or
 * write a tested, audited migration of old snapshots) and bump DOSSIER_MACHINE_VERSION.
 */
export function createMachineRegistry(): MachineRegistry {
  return new MachineRegistry([
    { id: dossierMachine.id, version: 1, machine: dossierMachineV1 },
    { id: dossierMachine.id, version: DOSSIER_MACHINE_VERSION, machine: dossierMachine },
  ]);
}
