import type { TObject } from '@sinclair/typebox';

/**
 * The search fields of the staff pages carry no `maxlength`: a browser cuts a pasted text to it without
 * a word, and the cut query then finds nothing ("0 kết quả" for a summary pasted whole). The field takes
 * what is typed and the page refuses a text over the API's own limit (read from its query schema, so the
 * page and the API never disagree) with this message, keeping the text in the field to be shortened.
 */
export function searchTooLong<T extends object>(filters: T, schema: TObject, names: ReadonlyArray<keyof T & string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = filters[name] as string | undefined;
    const max = searchMaxLength(schema, name);
    // Characters as the API counts them (JSON Schema's maxLength counts code points).
    const length = value === undefined ? 0 : [...value].length;
    if (length > max) out[name] = `Nội dung tìm kiếm dài ${length} ký tự, quá giới hạn ${max} ký tự: hãy rút ngắn rồi tìm lại.`;
  }
  return out;
}

/** The API's limit for a search field of a query schema. */
export function searchMaxLength(schema: TObject, name: string): number {
  const max = (schema.properties[name] as { maxLength?: number } | undefined)?.maxLength;
  if (typeof max !== 'number') throw new Error(`The query schema gives ${name} no maxLength`);
  return max;
}
