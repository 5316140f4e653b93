/** The longest name kept, in characters (code points); the extension is kept when a name is cut. */
export const MAX_FILE_NAME_LENGTH = 200;

/** What a paper is called when its name has nothing left once cleaned. */
export const FALLBACK_FILE_NAME = 'tep-dinh-kem';

/**
 * A client's filename made safe to keep as metadata (it never names a place in the store, which goes by
 * digest): the last segment of a path, in NFC (Vietnamese typed on macOS arrives decomposed), without
 * control and format characters (a right-to-left override turns `gpj.exe` into what reads as `exe.jpg`),
 * blanks collapsed, no leading or trailing dots, at most `maxLength` characters.
 */
export function cleanFileName(raw: string, maxLength = MAX_FILE_NAME_LENGTH): string {
  const segment = raw.split(/[/\\]/).pop() ?? '';
  let name = segment
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[.\s]+/u, '')
    // Windows drops trailing dots and blanks: `x.exe.` would open as `x.exe`.
    .replace(/[.\s]+$/u, '');
  const chars = [...name];
  if (chars.length > maxLength) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? [...name.slice(dot)] : [];
    const keep = ext.length > 0 && ext.length <= 16 ? ext : [];
    name = [...chars.slice(0, maxLength - keep.length), ...keep].join('');
  }
  return name === '' ? FALLBACK_FILE_NAME : name;
}

/** Other spellings of a sniffed type's extension that name the same type (content-type.ts gives the first). */
const SAME_TYPE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = { jpg: ['jpeg'], tif: ['tiff'] };

/**
 * The name a paper is stored under: the client's name cleaned, ending in the extension of the type
 * its bytes were sniffed as. Stripping a right-to-left override makes the name read as it really is,
 * but `invoice\u202Efdp.exe` (shown as `invoiceexe.pdf`) is then `invoicefdp.exe`, and a PDF sent as
 * `x.pdf.exe` or `scan` would be saved by whoever downloads it under an extension that opens another
 * program, or none. The sniffed extension is appended unless the name already ends in it (in any
 * case): `x.pdf.exe` → `x.pdf.exe.pdf`, `scan` → `scan.pdf`; the client's own name stays readable.
 */
export function storedFileName(raw: string, extension: string): string {
  const wanted = extension.toLowerCase();
  const suffix = `.${wanted}`;
  const name = cleanFileName(raw);
  const dot = name.lastIndexOf('.');
  const own = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (own === wanted || (SAME_TYPE_EXTENSIONS[wanted] ?? []).includes(own)) return name;
  // Room for the extension within the longest name kept.
  const base = [...name].length + suffix.length > MAX_FILE_NAME_LENGTH ? [...name].slice(0, MAX_FILE_NAME_LENGTH - suffix.length).join('').replace(/[.\s]+$/u, '') : name;
  return `${base}${suffix}`;
}

/** ASCII for the plain `filename=` of Content-Disposition: Vietnamese letters without their marks, `đ` as `d`. */
function asciiFallback(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
}

/** RFC 5987 value-chars: what encodeURIComponent leaves plus nothing it escapes that the grammar allows. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A Content-Disposition header for a download (RFC 6266): an ASCII `filename` for old clients and the
 * exact UTF-8 name in `filename*` (RFC 5987), which every current browser prefers.
 */
export function contentDisposition(name: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const clean = cleanFileName(name);
  return `${disposition}; filename="${asciiFallback(clean)}"; filename*=UTF-8''${rfc5987(clean)}`;
}
