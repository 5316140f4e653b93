export * from './dossier.machine.ts';
export * from './dossier.types.ts';
export * from '../state-path.ts';
