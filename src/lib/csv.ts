/** A CSV record as read: its cells and the line of the file it starts on (1-based). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A CSV text that is not RFC 4180: where it breaks. */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/**
 * Reads RFC 4180 CSV (commas, double quotes doubled inside quoted fields, CRLF or LF lines, a leading
 * byte-order mark skipped), keeping the line each record starts on, so that a refusal names the line an
 * officer sees in the file. Blank lines are skipped. A cell a spreadsheet-safe writer prefixed with an
 * apostrophe (`'=…`, csvField in src/domain/documents/document-registers.ts) reads back without it.
 * @throws CsvSyntaxError for a quote left open or text after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let blank = true;
    for (;;) {
      const c = s[i];
      if (c === undefined) {
        cells.push(cell);
        break;
      }
      if (quoted) {
        if (c === '"') {
          if (s[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          const next = s[i];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw new CsvSyntaxError(line, 'Text after a closing quote');
          continue;
        }
        if (c === '\n') line++;
        cell += c;
        i++;
        continue;
      }
      if (c === '"' && cell === '') {
        quoted = true;
        blank = false;
        i++;
        continue;
      }
      if (c === ',') {
        cells.push(cell);
        cell = '';
        blank = false;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        cells.push(cell);
        i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      }
      cell += c;
      blank = false;
      i++;
    }
    if (quoted) throw new CsvSyntaxError(start, 'A quoted field is not closed');
    if (blank && cells.length === 1 && cells[0] === '') continue;
    records.push({ line: start, cells: cells.map((v) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v)) });
  }
  return records;
}
