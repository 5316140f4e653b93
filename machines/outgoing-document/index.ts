export * from './outgoing-document.machine.ts';
export * from './outgoing-document.types.ts';
