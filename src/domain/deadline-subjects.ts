import { DOSSIER_DEADLINES, type DeadlineDeps } from './dossiers/dossier-deadline.service.ts';
import { DOCUMENT_DEADLINES } from './documents/document-deadline.service.ts';
import type { SubjectDeadlines } from './workflow/deadlines.ts';

/** Every subject whose deadline jobs the deadline worker runs and the sweep checks, by stream type. */
export const DEADLINE_SUBJECTS: Record<string, SubjectDeadlines<DeadlineDeps>> = {
  dossier: DOSSIER_DEADLINES,
  document: DOCUMENT_DEADLINES,
};
