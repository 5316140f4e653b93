export * from './incoming-document.machine.ts';
export * from './incoming-document.types.ts';
