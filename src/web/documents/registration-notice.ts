import type { DocumentView } from '../../domain/documents/document-presenter.ts';

/**
 * Where a registration leads: the new document's page, telling it what the register warned about (shown by
 * registrationNotice in document-detail.pages.tsx) (a
 * possible duplicate, Phụ lục VI; a registration later than the next working day, Decree 30/2020 Art. 22).
 * Warnings, not refusals: the document is registered either way.
 */
export function registeredPath(d: Pick<DocumentView, 'id' | 'warnings'>): string {
  const params = new URLSearchParams({ moi: '1' });
  for (const w of d.warnings ?? []) {
    if (w.code === 'POSSIBLE_DUPLICATE') params.set('trung', ((w.details as { documentIds?: number[] }).documentIds ?? []).join(','));
    if (w.code === 'REGISTERED_LATE') params.set('muon', '1');
  }
  return `/van-ban/${d.id}?${params.toString()}`;
}
