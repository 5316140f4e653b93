import type { DossierFormName } from '../../domain/dossiers/dossier-forms.ts';
import { DOSSIER_FORMS } from '../../domain/dossiers/dossier-forms.ts';
import type { ChecklistItem, PaperView } from '../../domain/dossiers/dossier-papers.ts';
import { Badge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import { formatDateTime } from '../format.ts';
import type { PageContext } from '../page-context.ts';

/** The upload form's state after a refusal: the kind chosen stays, the reason shows beside the file input. */
export interface PaperUploadFailure {
  kind: string;
  fileError?: string;
  kindError?: string;
  formError?: string;
}

export interface PapersPanelProps {
  page: PageContext;
  dossierId: number;
  papers: PaperView[];
  checklist: ChecklistItem[];
  /** The kinds this user may attach now (prepareAttach); empty: no upload form. */
  kinds: string[];
  /** The forms the dossier has, to print. */
  forms: DossierFormName[];
  failed?: PaperUploadFailure;
  maxBytes: number;
}

/** What a paper's kind is called: the checklist's name, "giấy tờ khác", or the result document. */
export function kindLabel(kind: string, checklist: ChecklistItem[]): string {
  if (kind === 'result') return 'Kết quả giải quyết (giấy phép)';
  if (kind === 'other') return 'Giấy tờ khác';
  return checklist.find((c) => c.code === kind)?.name ?? kind;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${Math.round(bytes / (1024 * 104.8576)) / 10} MB`;
}

const ACCEPT = '.pdf,.jpg,.jpeg,.png,.tif,.tiff,.doc,.docx,.xls,.xlsx,.odt,.ods,application/pdf,image/jpeg,image/png,image/tiff';

/**
 * The papers of a dossier: the procedure's checklist (received or not), every paper with a download link,
 * the upload form for those who may attach now (the result document once it is decided), and the forms
 * to print.
 */
export function PapersPanel(props: PapersPanelProps) {
  const { page, dossierId, papers, checklist, kinds, forms, failed } = props;
  const result = papers.filter((p) => p.kind === 'result');
  return (
    <>
      {failed && (
        <Notice kind="error" title="Chưa đính kèm được giấy tờ">
          <p>{failed.formError ?? 'Hãy xem lý do bên dưới và chọn lại tệp.'}</p>
        </Notice>
      )}
      {checklist.length > 0 && (
        <>
          <h3>Thành phần hồ sơ theo quy định</h3>
          <ul class="form-list">
            {checklist.map((c) => (
              <li>
                {c.received ? <Badge tone="ok">Đã nhận</Badge> : <Badge tone="warn">Chưa có</Badge>} {c.name}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Tệp đính kèm</h3>
      <Table
        rows={papers}
        rowKey={(p) => p.id}
        empty="Hồ sơ chưa có tệp đính kèm."
        columns={[
          {
            header: 'Tệp',
            cell: (p) => (
              <a href={`/api/dossiers/${dossierId}/papers/${p.id}/content`} download>
                {p.name}
              </a>
            ),
          },
          { header: 'Loại giấy tờ', cell: (p) => kindLabel(p.kind, checklist) },
          { header: 'Kích thước', cell: (p) => size(p.size), class: 'nowrap' },
          { header: 'Đính kèm', cell: (p) => <>{formatDateTime(p.attachedAt)}<br /><span class="muted">{p.attachedBy.kind === 'applicant' ? 'Người nộp hồ sơ' : (p.attachedBy.name ?? '')}</span></> },
        ]}
      />
      {kinds.includes('result') && result.length === 0 && (
        <Notice kind="info">
          <p>Đính kèm kết quả giải quyết (giấy phép) trước khi trả kết quả cho người nộp.</p>
        </Notice>
      )}
      {kinds.length > 0 && (
        <form method="post" action={`/dossiers/${dossierId}/papers`} enctype="multipart/form-data" novalidate class="upload-form" aria-labelledby="tai-len">
          <h3 id="tai-len">{kinds.length === 1 && kinds[0] === 'result' ? 'Đính kèm kết quả giải quyết' : 'Đính kèm giấy tờ'}</h3>
          <CsrfField token={page.csrf} />
          <Field
            name="kind"
            label="Loại giấy tờ"
            type="select"
            required
            idPrefix="upload"
            value={failed?.kind ?? (kinds.length === 1 ? kinds[0] : undefined)}
            error={failed?.kindError}
            options={kinds.map((k) => ({ value: k, label: kindLabel(k, checklist) }))}
          />
          <div class="field">
            <label for="upload-file">Tệp (có thể chọn nhiều)</label>
            <span class="hint" id="upload-file-hint">Mỗi tệp tối đa {Math.floor(props.maxBytes / (1024 * 1024))} MB: PDF, ảnh JPEG/PNG/TIFF hoặc văn bản Office.</span>
            <input
              id="upload-file"
              type="file"
              name="file"
              multiple
              accept={ACCEPT}
              aria-invalid={failed?.fileError ? 'true' : undefined}
              aria-describedby={failed?.fileError ? 'upload-file-hint upload-file-error' : 'upload-file-hint'}
            />
            {failed?.fileError && <span class="error" id="upload-file-error">{failed.fileError}</span>}
          </div>
          <button type="submit">Tải lên</button>
        </form>
      )}
      <h3>Phiếu, biểu mẫu để in</h3>
      <ul class="form-list">
        {forms.map((f) => (
          <li>
            <a href={`/dossiers/${dossierId}/forms/${f}`}>
              {DOSSIER_FORMS[f].title}
            </a>{' '}
            <span class="muted">({DOSSIER_FORMS[f].template})</span>
          </li>
        ))}
      </ul>
    </>
  );
}
