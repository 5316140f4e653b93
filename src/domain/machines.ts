import { DOSSIER_MACHINE_ID, DOSSIER_MACHINE_VERSION, dossierMachine, dossierMachineV1, dossierMachineV2, dossierMachineV3 } from '../../machines/dossier/index.ts';
import { INCOMING_DOCUMENT_MACHINE_ID, INCOMING_DOCUMENT_MACHINE_VERSION, incomingDocumentMachine } from '../../machines/incoming-document/index.ts';
import { OUTGOING_DOCUMENT_MACHINE_ID, OUTGOING_DOCUMENT_MACHINE_VERSION, outgoingDocumentMachine } from '../../machines/outgoing-document/index.ts';
import { MachineRegistry, type MachineDefinition } from './workflow/machine-registry.ts';

/**
 * Every published machine definition, all versions: a stored record names the id, version and hash
 * it was created under and is always restored with that definition. When a machine changes, keep
 * the old definition here (or write a tested, audited migration of old snapshots) and bump its
 * version; tests/domain/machine-versions.test.ts pins each definition's hash.
 */
export const MACHINE_DEFINITIONS: readonly MachineDefinition[] = [
  { id: DOSSIER_MACHINE_ID, version: 1, machine: dossierMachineV1 },
  { id: DOSSIER_MACHINE_ID, version: 2, machine: dossierMachineV2 },
  { id: DOSSIER_MACHINE_ID, version: 3, machine: dossierMachineV3 },
  { id: DOSSIER_MACHINE_ID, version: DOSSIER_MACHINE_VERSION, machine: dossierMachine },
  { id: INCOMING_DOCUMENT_MACHINE_ID, version: INCOMING_DOCUMENT_MACHINE_VERSION, machine: incomingDocumentMachine },
  { id: OUTGOING_DOCUMENT_MACHINE_ID, version: OUTGOING_DOCUMENT_MACHINE_VERSION, machine: outgoingDocumentMachine },
];

export function createMachineRegistry(): MachineRegistry {
  return new MachineRegistry([...MACHINE_DEFINITIONS]);
}
