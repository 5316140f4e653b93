/**
 * Every BullMQ queue idesk uses, in one list: producers (the outbox), workers and the ops console read
 * it here. Job ids never contain ':' (BullMQ reserves it).
 */
export const QUEUE_NAMES = ['deadlines', 'notifications', 'maintenance', 'applicant-notices'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
