import type { Role } from '../../auth/principal.ts';

/**
 * The roles with documents to work on: they open the registers and find the documents waiting for them in
 * their workspace. Which documents each sees is the search's business (document-visibility.ts); the IT
 * officer (`admin`) alone has none.
 */
export const DOCUMENT_ROLES: Role[] = ['clerk', 'director', 'dept_lead', 'specialist'];
