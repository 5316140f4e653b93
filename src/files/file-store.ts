import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A sha256 digest as the store names files: 64 lower-case hex digits, nothing else. */
const DIGEST = /^[0-9a-f]{64}$/;

/** The store's folder for files being written; never a name a digest can take (two hex digits). */
export const TMP_DIR = 'tmp';

/** A file longer than the limit: the temporary copy is already gone when this is thrown. */
export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the file is larger than ${limit} bytes`);
  }
}

/** A file written to the store's tmp folder, hashed, not yet under its real name. */
export interface TempFile {
  /** Absolute path of the temporary copy. */
  path: string;
  sha256: string;
  size: number;
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

async function fsyncPath(target: string, flags: string): Promise<void> {
  const handle = await fs.promises.open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The content-addressed file store (DESIGN §6, §11): every file lives at `<root>/<sha256[0..2]>/<sha256>`,
 * a path derived only from the digest of its bytes, so a client's filename (metadata only) can never
 * name a place in the store, and the same content is stored once. A file is written under `tmp/` while
 * its digest is computed, fsync'd, then renamed into place: a crash leaves at most a temporary file,
 * never a half file under a real name.
 */
export class FileStore {
  readonly tmpDir: string;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, TMP_DIR);
  }

  /**
   * Where a digest's file lives.
   * @throws Error for anything but 64 lower-case hex digits (never a path built from other text).
   */
  pathOf(sha256: string): string {
    if (!isDigest(sha256)) throw new Error(`not a sha256 digest: ${JSON.stringify(sha256).slice(0, 80)}`);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Streams `source` into a new temporary file, hashing it on the way; never holds the whole file in
   * memory. More than `maxBytes` bytes: the temporary file is removed and FileTooLargeError thrown.
   * @throws FileTooLargeError; the source's own error (the temporary file removed either way).
   */
  async writeTemp(source: Readable, maxBytes: number): Promise<TempFile> {
    await fs.promises.mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) {
          done(new FileTooLargeError(maxBytes));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      await fsyncPath(tmp, 'r');
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    return { path: tmp, sha256: hash.digest('hex'), size };
  }

  /**
   * Puts a temporary file under its real name. When that content is stored already the rename replaces
   * it with the same bytes (one file still): the file's time becomes now, so the orphan collector, which
   * takes only files an hour old, leaves it alone while the row about to reference it commits.
   * @returns whether the content was new to the store.
   */
  async promote(temp: TempFile): Promise<boolean> {
    const target = this.pathOf(temp.sha256);
    const existed = await this.has(temp.sha256);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.rename(temp.path, target);
    // The rename itself survives a crash only once the directory is on disk.
    await fsyncPath(path.dirname(target), 'r').catch(() => undefined);
    return !existed;
  }

  /** Removes a temporary file (nothing when it is gone already). */
  async discard(temp: TempFile): Promise<void> {
    await fs.promises.rm(temp.path, { force: true });
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await fs.promises.stat(this.pathOf(sha256))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** A stream of a stored file's bytes. @throws Error ENOENT when it is missing. */
  async open(sha256: string): Promise<{ stream: Readable; size: number }> {
    const file = this.pathOf(sha256);
    const handle = await fs.promises.open(file, 'r');
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  }

  /** Every stored file (its digest and modification time), for the orphan collector. */
  async *storedFiles(): AsyncGenerator<{ sha256: string; mtimeMs: number }> {
    let dirs: fs.Dirent[];
    try {
      dirs = await fs.promises.readdir(this.root, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const dir of dirs) {
      if (!dir.isDirectory() || !/^[0-9a-f]{2}$/.test(dir.name)) continue;
      for (const entry of await fs.promises.readdir(path.join(this.root, dir.name), { withFileTypes: true })) {
        if (!entry.isFile() || !isDigest(entry.name) || !entry.name.startsWith(dir.name)) continue;
        const stat = await fs.promises.stat(path.join(this.root, dir.name, entry.name)).catch(() => null);
        if (stat) yield { sha256: entry.name, mtimeMs: stat.mtimeMs };
      }
    }
  }

  /**
   * Removes orphans older than `olderThanMs` before `now`: stored files no row references (written by a
   * transaction that rolled back) and temporary files left by a request or a process that died. A file
   * younger than that may belong to a request still in flight, and is left alone.
   * @param isReferenced tells, for a batch of digests, which some row references.
   * @returns the digests and temporary files removed.
   */
  async collectOrphans(
    isReferenced: (digests: string[]) => Promise<Set<string>>,
    now: Date,
    olderThanMs: number,
  ): Promise<{ removed: string[]; temporary: number }> {
    const cutoff = now.getTime() - olderThanMs;
    const removed: string[] = [];
    let batch: string[] = [];
    const sweep = async () => {
      const referenced = await isReferenced(batch);
      for (const sha256 of batch) {
        if (referenced.has(sha256)) continue;
        // Stored again meanwhile (promote renews the time): a row may be about to reference it.
        const stat = await fs.promises.stat(this.pathOf(sha256)).catch(() => null);
        if (!stat || stat.mtimeMs >= cutoff) continue;
        await fs.promises.rm(this.pathOf(sha256), { force: true });
        removed.push(sha256);
      }
      batch = [];
    };
    for await (const file of this.storedFiles()) {
      if (file.mtimeMs >= cutoff) continue;
      batch.push(file.sha256);
      if (batch.length >= 500) await sweep();
    }
    if (batch.length > 0) await sweep();
    let temporary = 0;
    try {
      for (const entry of await fs.promises.readdir(this.tmpDir, { withFileTypes: true })) {
        const full = path.join(this.tmpDir, entry.name);
        const stat = await fs.promises.lstat(full).catch(() => null);
        if (stat && stat.isFile() && stat.mtimeMs < cutoff) {
          await fs.promises.rm(full, { force: true });
          temporary++;
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return { removed, temporary };
  }
}

const stores = new Map<string, FileStore>();

/** The store rooted at `root` (one object per folder). */
export function fileStoreAt(root: string): FileStore {
  let store = stores.get(root);
  if (!store) stores.set(root, (store = new FileStore(root)));
  return store;
}
