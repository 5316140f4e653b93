import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore, type TempFile } from '../../src/files/file-store.ts';
import { receiveMultipart } from '../../src/files/multipart-upload.ts';
import { listStore, pdfWith, PNG } from '../support/papers.ts';

/**
 * receiveMultipart against a real store folder: the files come back in the order they were sent (the
 * API pairs the i-th `kind` with the i-th file), whatever order their writing finishes in; a page's empty
 * file input is skipped; the fields read before a refused file are kept for the form.
 */
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

/** A store whose first write finishes last. */
class SlowFirstStore extends FileStore {
  private writes = 0;
  override async writeTemp(source: Readable, maxBytes: number): Promise<TempFile> {
    const mine = this.writes++;
    const temp = await super.writeTemp(source, maxBytes);
    if (mine === 0) await sleep(300);
    return temp;
  }
}

async function multipart(parts: Array<{ name: string; value?: string; file?: { filename: string; bytes: Buffer } }>) {
  const form = new FormData();
  for (const p of parts) {
    if (p.file) form.append(p.name, new Blob([new Uint8Array(p.file.bytes)]), p.file.filename);
    else form.append(p.name, p.value ?? '');
  }
  const request = new Request('http://x/', { method: 'POST', body: form });
  const body = Buffer.from(await request.arrayBuffer());
  return { stream: Readable.from([body]), headers: { 'content-type': request.headers.get('content-type') ?? '' } };
}

function storeAt<T extends FileStore>(make: (root: string) => T): T {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-mp-'));
  roots.push(root);
  return make(root);
}

const LIMITS = { maxBytes: 1024 * 1024, maxFiles: 4, maxFields: 10 };

describe('receiveMultipart', () => {
  it('returns the files in the order they were sent, also when the first finishes writing last', async () => {
    const store = storeAt((r) => new SlowFirstStore(r));
    const req = await multipart([
      { name: 'kind', value: 'a' },
      { name: 'file', file: { filename: 'first.pdf', bytes: pdfWith('first') } },
      { name: 'kind', value: 'b' },
      { name: 'file', file: { filename: 'second.png', bytes: PNG } },
    ]);
    const body = await receiveMultipart(req.stream, req.headers, store, LIMITS);
    expect(body.files.map((f) => f.name)).toEqual(['first.pdf', 'second.png']);
    for (const f of body.files) await store.discard(f.temp);
  });

  it('skips a form’s empty file input when asked, and keeps the fields read before a refused file', async () => {
    const store = storeAt((r) => new FileStore(r));
    const empty = await multipart([
      { name: 'name', value: 'Công ty TNHH Rượu Bình Định' },
      { name: 'paper.a', file: { filename: '', bytes: Buffer.alloc(0) } },
      { name: 'paper.b', file: { filename: 'b.pdf', bytes: pdfWith('b') } },
    ]);
    const body = await receiveMultipart(empty.stream, empty.headers, store, LIMITS, { skipEmptyFileInputs: true });
    expect(body.files.map((f) => [f.field, f.name])).toEqual([['paper.b', 'b.pdf']]);
    for (const f of body.files) await store.discard(f.temp);

    const fields: Array<{ name: string; value: string }> = [];
    const refused = await multipart([
      { name: 'name', value: 'Công ty TNHH Rượu Bình Định' },
      { name: 'paper.a', file: { filename: 'a.pdf', bytes: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300, 1)]) } },
    ]);
    await expect(receiveMultipart(refused.stream, refused.headers, store, LIMITS, { skipEmptyFileInputs: true, fields })).rejects.toMatchObject({
      code: 'UNSUPPORTED_FILE_TYPE',
      details: { file: 'a.pdf', field: 'paper.a' },
    });
    expect(fields).toEqual([{ name: 'name', value: 'Công ty TNHH Rượu Bình Định' }]);
    expect(listStore(store.root)).toEqual([]);
  });
});
