import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Answer } from './http.ts';

/** A small but real PDF (file-type knows it by `%PDF-`). */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

/** A PDF whose bytes differ from PDF's, with `tag` inside. */
export function pdfWith(tag: string): Buffer {
  return Buffer.concat([PDF, Buffer.from(`% ${tag}\n`, 'utf8')]);
}

/** PNG: the signature and an IHDR chunk. */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001', 'hex');

export interface UploadPart {
  kind: string;
  name: string;
  bytes: Buffer;
  /** What the client claims; the service sniffs anyway. */
  type?: string;
}

/** POSTs papers as multipart/form-data: `kind` then `file` for each. */
export async function postPapers(baseUrl: string, urlPath: string, parts: UploadPart[], headers: Record<string, string> = {}): Promise<Answer> {
  const form = new FormData();
  for (const p of parts) {
    form.append('kind', p.kind);
    form.append('file', new Blob([new Uint8Array(p.bytes)], { type: p.type ?? 'application/pdf' }), p.name);
  }
  const res = await fetch(`${baseUrl}${urlPath}`, { method: 'POST', headers, body: form });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}

/** The one-stop clerk attaches the result document (giấy phép) before RETURN_RESULT. */
export async function attachResult(baseUrl: string, dossierId: number, token: string, bytes: Buffer = pdfWith(`giay-phep-${dossierId}`)): Promise<Answer> {
  const res = await postPapers(baseUrl, `/api/dossiers/${dossierId}/papers`, [{ kind: 'result', name: 'Giấy phép.pdf', bytes }], { authorization: `Bearer ${token}` });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res;
}

/** Every file under a folder (the file store, tmp included), relative paths, sorted. */
export function listStore(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((rel) => fs.statSync(path.join(root, rel)).isFile())
    .sort();
}

/**
 * A counter intake with its scans, as the API takes it (multipart): the dossier as JSON under `dossier`,
 * then `kind` and `file` for each paper — a receipt needs every required paper (Decree 118/2025).
 */
export async function postCounterIntake(baseUrl: string, token: string, dossier: Record<string, unknown>, kinds: string[]): Promise<Answer> {
  const form = new FormData();
  form.append('dossier', JSON.stringify(dossier));
  for (const kind of kinds) {
    form.append('kind', kind);
    form.append('file', new Blob([new Uint8Array(pdfWith(`${kind} ${Math.random()}`))], { type: 'application/pdf' }), `${kind}.pdf`);
  }
  const res = await fetch(`${baseUrl}/api/dossiers`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}
