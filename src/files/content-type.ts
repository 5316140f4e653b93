import fs from 'node:fs';
import { fileTypeFromFile } from 'file-type';

/**
 * What papers may be: scans (PDF, JPEG, PNG, TIFF) and office documents, new (OOXML, OpenDocument) and
 * old (Word and Excel 97–2003). Judged from the bytes only — never from the name or the type the
 * client claims — so an executable or a script renamed `.pdf` is what it is.
 */
export const ALLOWED_MEDIA_TYPES: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
};

export type SniffResult = { ok: true; mediaType: string; extension: string } | { ok: false; detected: string };

const CFB = 'application/x-cfb';

/**
 * An OLE2 compound file (Word 97 `.doc`, Excel 97 `.xls`, but also `.msi` installers) told apart by the
 * streams its directory names: `WordDocument` for Word, `Workbook` (or `Book`, Excel 5) for Excel.
 * Only the header and the first directory sector are read.
 */
async function compoundFileKind(file: string): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const header = Buffer.alloc(512);
    const { bytesRead } = await handle.read(header, 0, 512, 0);
    if (bytesRead < 512) return CFB;
    const sectorShift = header.readUInt16LE(0x1e);
    if (sectorShift !== 9 && sectorShift !== 12) return CFB;
    const sectorSize = 1 << sectorShift;
    const firstDirectorySector = header.readUInt32LE(0x30);
    if (firstDirectorySector >= 0xfffffffa) return CFB;
    const directory = Buffer.alloc(sectorSize);
    const read = await handle.read(directory, 0, sectorSize, (firstDirectorySector + 1) * sectorSize);
    const names = new Set<string>();
    for (let offset = 0; offset + 128 <= read.bytesRead; offset += 128) {
      const length = directory.readUInt16LE(offset + 0x40);
      if (length < 2 || length > 64) continue;
      names.add(directory.toString('utf16le', offset, offset + length - 2));
    }
    if (names.has('WordDocument')) return 'application/msword';
    if (names.has('Workbook') || names.has('Book')) return 'application/vnd.ms-excel';
    return CFB;
  } finally {
    await handle.close();
  }
}

/** A name for text file-type does not recognise, so that a refusal can say what was sent. */
async function textKind(file: string): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    const text = head.subarray(0, bytesRead).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
    if (bytesRead === 0) return 'application/x-empty';
    if (text.startsWith('#!')) return 'text/x-shellscript';
    if (/^<\?xml[^>]*>\s*(<!--[\s\S]*?-->\s*)*<svg|^<svg/.test(text)) return 'image/svg+xml';
    if (/^<!doctype html|^<html|^<head|^<body|^<script/.test(text)) return 'text/html';
    if (text.startsWith('<?xml')) return 'application/xml';
    return 'application/octet-stream';
  } finally {
    await handle.close();
  }
}

/**
 * Sniffs a stored (temporary) file's type from its content.
 * @returns the media type when papers may be of that type; otherwise what was detected.
 */
export async function sniffFile(file: string): Promise<SniffResult> {
  const detected = await fileTypeFromFile(file);
  // XML says little (an SVG with script is XML too): the text's own look names it better.
  let mediaType = detected && detected.mime !== 'application/xml' ? detected.mime : await textKind(file);
  if (mediaType === CFB) mediaType = await compoundFileKind(file);
  const extension = ALLOWED_MEDIA_TYPES[mediaType];
  return extension ? { ok: true, mediaType, extension } : { ok: false, detected: mediaType };
}
