import type { ComponentChildren } from 'preact';

/** One line of the error summary: the field's id (the link's target) and what is wrong, said with the field's label. */
export interface SummaryItem {
  field: string;
  text: string;
}

/**
 * The error summary at the top of a refused form (the GOV.UK Design System's pattern): a banner with a
 * heading and one link per error to its field, announced at once (role="alert") and focused on load by
 * the site's own script (static/forms.js; no inline script under the page CSP), so that on a phone an
 * error far down the form is seen and reached in one tap. The errors beside the fields stay.
 */
export function ErrorSummary({ items, title = 'Chưa gửi được: hãy sửa các mục sau', children }: { items: SummaryItem[]; title?: string; children?: ComponentChildren }) {
  if (items.length === 0 && !children) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} data-error-summary>
      <h2 id="error-summary-title">{title}</h2>
      {children}
      {items.length > 0 && (
        <ul>
          {items.map((i) => (
            <li>
              <a href={`#${i.field}`}>{i.text}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The summary's lines for errors keyed by field name, in the form's order (`labels`' order), each with
 * its label: `Số điện thoại: Không đúng định dạng.`. `ids` maps a name to its element's id when it is not
 * the name itself (a prefixed field, a file input). Errors of fields without a label come last, unnamed.
 */
export function summaryItems(errors: Record<string, string | undefined>, labels: Record<string, string>, ids: Record<string, string> = {}): SummaryItem[] {
  const items: SummaryItem[] = [];
  const named = new Set(Object.keys(labels));
  for (const [name, label] of Object.entries(labels)) {
    const e = errors[name];
    if (e) items.push({ field: ids[name] ?? name, text: `${label}: ${e}` });
  }
  for (const [name, e] of Object.entries(errors)) if (e && !named.has(name)) items.push({ field: ids[name] ?? name, text: e });
  return items;
}
