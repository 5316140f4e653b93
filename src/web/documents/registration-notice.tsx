import type { DocumentView } from '../../domain/documents/document-presenter.ts';
import { Notice } from '../components/notice.tsx';

/**
 * Where a registration leads: the new document's page, telling it what the register warned about (a
 * possible duplicate, Phụ lục VI; a registration later than the next working day, Decree 30/2020 Art. 22).
 * Warnings, not refusals: the document is registered either way.
 */
export function registeredPath(d: Pick<DocumentView, 'id' | 'warnings'>): string {
  const params = new URLSearchParams({ moi: '1' });
  for (const w of d.warnings ?? []) {
    if (w.code === 'POSSIBLE_DUPLICATE') params.set('trung', ((w.details as { documentIds?: number[] }).documentIds ?? []).join('.'));
    if (w.code === 'REGISTERED_LATE') params.set('muon', '1');
  }
  return `/van-ban/${d.id}?${params.toString()}`;
}

/**
 * The notice the document's page shows after a registration (its query as registeredPath wrote it):
 * saved, and the earlier documents it may duplicate, each a link. Nothing for another query.
 */
export function RegistrationNotice({ query }: { query: Record<string, string> }) {
  if (query.moi !== '1') return null;
  const earlier = (query.trung ?? '')
    .split('.')
    .filter((id) => /^[1-9][0-9]{0,9}$/.test(id))
    .slice(0, 10);
  return (
    <>
      <Notice kind="ok">Đã lưu văn bản.</Notice>
      {earlier.length > 0 && (
        <Notice kind="info" title="Có thể trùng văn bản đã đăng ký">
          <p>
            Cùng cơ quan ban hành và số, ký hiệu với:{' '}
            {earlier.map((id, i) => (
              <>
                {i > 0 && ', '}
                <a href={`/van-ban/${id}`}>văn bản #{id}</a>
              </>
            ))}
            . Hãy kiểm tra trước khi trình.
          </p>
        </Notice>
      )}
      {query.muon === '1' && <Notice kind="info">Văn bản được đăng ký sau ngày làm việc tiếp theo kể từ khi đến (Nghị định 30/2020/NĐ-CP Điều 22).</Notice>}
    </>
  );
}
