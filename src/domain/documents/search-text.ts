/**
 * Vietnamese text folded for search: `quyet dinh 80` finds `Quyết định 80/QĐ-SCT` (issue 8 §6), whether
 * the text was typed composed (NFC, what most keyboards send) or decomposed (NFD, what some macOS and
 * copy-pasted PDF text carry).
 */

// Combining diacritical marks (U+0300–U+036F): the tones and the vowel marks once decomposed.
const COMBINING = /[\u0300-\u036f]/g;

/**
 * Folds a text for search: decomposes it (NFC and NFD input alike), strips the combining marks, turns
 * `đ`/`Đ` (a letter of its own, not a d with a mark: NFD leaves it whole) into `d`, lower-cases it and
 * collapses runs of white space into one space.
 */
export function foldVietnamese(s: string): string {
  return s
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The fields of a document its search text is made of. */
export interface SearchableFields {
  /** Trích yếu. */
  summary: string;
  /** Our number and symbol (an issued outgoing document). */
  symbol?: string | null;
  /** The issuer's number and symbol (an incoming document). */
  sourceSymbol?: string | null;
  /** Tác giả: the issuing organisation. */
  issuerName?: string | null;
  /** Tên loại. */
  typeName: string;
  /** Người ký. */
  signerName?: string | null;
}

/** The names of the columns a change of which rewrites `search_text`. */
export const SEARCH_TEXT_COLUMNS = ['summary', 'symbol', 'source_symbol', 'issuer_name', 'type_name', 'signer_name'] as const;

/**
 * The `search_text` column of a document: its type name, symbols, summary, issuer and signer, folded,
 * in one line. The type name goes first, so `quyet dinh 80` reads as words of one text.
 */
export function documentSearchText(fields: SearchableFields): string {
  return foldVietnamese(
    [fields.typeName, fields.symbol, fields.sourceSymbol, fields.summary, fields.issuerName, fields.signerName]
      .filter((part): part is string => typeof part === 'string' && part.length > 0)
      .join(' '),
  );
}
