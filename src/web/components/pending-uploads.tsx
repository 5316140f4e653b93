import { DROP_PREFIX, PENDING_FIELD, type PendingUpload } from '../../domain/forms/pending-uploads.ts';

/**
 * The files a refused form already sent (pending-uploads.ts), for the form to send them again without the
 * person choosing them: a hidden field with their ids, and under the file input “Đã tải lên: <tên> (bỏ)”,
 * a box to tick to drop one.
 */
export function PendingUploads({ pending, field }: { pending: PendingUpload[]; field?: string }) {
  const shown = field === undefined ? pending : pending.filter((p) => p.field === field);
  if (shown.length === 0) return null;
  return (
    <ul class="pending-uploads">
      {shown.map((p) => (
        <li>
          Đã tải lên: <strong>{p.name}</strong>{' '}
          <label class="inline">
            (<input type="checkbox" name={`${DROP_PREFIX}${p.id}`} value="1" /> bỏ)
          </label>
        </li>
      ))}
    </ul>
  );
}

/** The hidden field naming every pending upload of the form (once per form, whichever inputs they belong to). */
export function PendingUploadsField({ pending }: { pending: PendingUpload[] }) {
  if (pending.length === 0) return null;
  return <input type="hidden" name={PENDING_FIELD} value={pending.map((p) => p.id).join(',')} />;
}
