import { Field } from '../components/field.tsx';

/** The form's names of the proxy's fields, in the order they are shown (`proxy.<field>`). */
const PROXY_FIELDS = ['name', 'idNumber', 'phone', 'email', 'address', 'authorisation'] as const;

/**
 * The person handing the dossier in for the applicant (người được ủy quyền), as the intake form reads
 * them: nothing when every field is blank (the applicant came in person), else a `proxy` object with the
 * fields typed, for NewDossierBody to check (name, identity number and the authorisation paper required).
 */
export function proxyBody(form: Record<string, string>): { proxy?: Record<string, string> } {
  const proxy: Record<string, string> = {};
  for (const f of PROXY_FIELDS) {
    const v = (form[`proxy.${f}`] ?? '').trim();
    if (v !== '') proxy[f] = v;
  }
  return Object.keys(proxy).length === 0 ? {} : { proxy };
}

/**
 * The proxy's fields on the counter's intake form (Mẫu 01 prints them): filled only when someone acts for
 * the applicant, who then shows their identity paper and the authorisation (giấy ủy quyền).
 */
/*
 * The labels name the proxy in each field and never repeat an applicant's label word for word (a label is
 * found by its words, by people and by tests alike): "Nơi cư trú", not a second "Địa chỉ".
 */
export function ProxyFields({ v, e }: { v: (name: string) => string; e: (name: string) => string | undefined }) {
  // A problem with the object as a whole (`proxy`) is shown on its first field.
  const nameError = e('proxy.name') ?? e('proxy');
  return (
    <fieldset class="proxy-fields" aria-describedby="proxy-hint">
      <legend>Người được ủy quyền (nếu có người nộp thay)</legend>
      <p class="hint muted" id="proxy-hint">
        Để trống nếu tổ chức, cá nhân tự nộp. Khi có người nộp thay: ghi họ tên, số định danh cá nhân theo giấy tờ tùy thân họ xuất trình và văn bản ủy quyền.
      </p>
      <Field name="proxy.name" label="Họ tên người được ủy quyền" value={v('proxy.name')} error={nameError} maxLength={200} />
      <Field name="proxy.idNumber" label="Số định danh cá nhân của người được ủy quyền" value={v('proxy.idNumber')} error={e('proxy.idNumber')} hint="Số căn cước hoặc hộ chiếu, 6 đến 20 chữ số hoặc chữ cái." />
      <Field name="proxy.phone" label="Điện thoại liên hệ của người được ủy quyền" type="tel" value={v('proxy.phone')} error={e('proxy.phone')} />
      <Field name="proxy.email" label="Email của người được ủy quyền" type="email" value={v('proxy.email')} error={e('proxy.email')} />
      <Field name="proxy.address" label="Nơi cư trú của người được ủy quyền" value={v('proxy.address')} error={e('proxy.address')} maxLength={500} />
      <Field name="proxy.authorisation" label="Văn bản ủy quyền" value={v('proxy.authorisation')} error={e('proxy.authorisation')} maxLength={500} hint="Loại, số và ngày của văn bản, ví dụ: Giấy ủy quyền số 12/GUQ ngày 01/12/2026." />
    </fieldset>
  );
}
