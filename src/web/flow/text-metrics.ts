/**
 * Text widths without a browser, for sizing the boxes ELK lays out. The drawing asks for Arial (or a
 * font with its metrics: Liberation Sans on Linux, Helvetica on macOS), so Arial's advance widths
 * (in thousandths of an em) give a close, slightly generous estimate. Vietnamese letters are measured
 * as their base letter: the diacritics sit above or below it and add no width.
 */
const WIDTHS: Record<string, number> = {
  ' ': 278, '.': 278, ',': 278, ':': 278, ';': 278, '!': 278, "'": 191, '"': 355, '(': 333, ')': 333, '[': 278, ']': 278,
  '-': 333, '–': 556, '—': 1000, '/': 278, '·': 278, '↻': 900, '→': 1000, '…': 1000, '&': 667, '<': 584, '>': 584,
  f: 278, i: 222, j: 222, l: 222, r: 333, t: 278, m: 833, w: 722, c: 500, k: 500, s: 500, v: 500, x: 500, y: 500, z: 500,
  I: 278, J: 500, M: 833, W: 944, L: 556, F: 611, T: 611, Z: 611, E: 667, K: 667, P: 667, S: 667, V: 667, X: 667, Y: 667,
  đ: 556, Đ: 722,
};
const UPPER = 722;
const DEFAULT = 556;
/** Bold glyphs are wider; a margin rather than a second table. */
const BOLD_FACTOR = 1.08;

function charWidth(ch: string): number {
  const known = WIDTHS[ch];
  if (known !== undefined) return known;
  const decomposed = ch.normalize('NFD');
  const base = decomposed.replace(/\p{M}/gu, '');
  // The horn of ư, ơ sticks out to the right of its letter.
  const horn = decomposed.includes('\u031B') ? 80 : 0;
  const baseKnown = WIDTHS[base];
  if (baseKnown !== undefined) return baseKnown + horn;
  if (base >= 'A' && base <= 'Z') return UPPER + horn;
  return DEFAULT + horn;
}

/** Estimated width in px of `text` set at `fontSize` px. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  // Precomposed Vietnamese letters (ư, ơ with tones) are one code point: measure per code point.
  for (const ch of text.normalize('NFC')) units += charWidth(ch);
  return (units / 1000) * fontSize * (bold ? BOLD_FACTOR : 1);
}

/** Breaks `text` into lines no wider than `maxWidth` px, at spaces (a longer word stands alone). */
export function wrapText(text: string, fontSize: number, maxWidth: number, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, fontSize, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

/**
 * Joins `items` with ", " into lines no wider than `maxWidth` px, breaking only between items (an item
 * too long for a line of its own is wrapped at spaces).
 */
export function wrapItems(items: readonly string[], fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? `${item},` : item;
    const candidate = line ? `${line} ${piece}` : piece;
    if (textWidth(candidate, fontSize) <= maxWidth) {
      line = candidate;
      return;
    }
    if (line) lines.push(line);
    const wrapped = wrapText(piece, fontSize, maxWidth);
    line = wrapped.pop() ?? '';
    lines.push(...wrapped);
  });
  if (line) lines.push(line);
  return lines;
}
