import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/** One file of a backup folder, as the manifest lists it. */
export interface ManifestFile {
  /** Relative to the backup folder, with `/` separators. */
  path: string;
  size: number;
  sha256: string;
}

/** `manifest.json`: what a backup folder holds, so that it can be checked before anyone trusts it. */
export interface BackupManifest {
  format: 'idesk-backup/1';
  name: string;
  backupId: number;
  kind: string;
  /** The instant the backup was requested to run (the database copy is taken just after). */
  createdAt: string;
  appVersion: string;
  database: {
    client: 'sqlite' | 'pg';
    /** Relative path of the database copy (a SQLite file, or a pg_dump custom-format archive). */
    file: string;
    /** Rows of every table in the copy, at the copy's own snapshot. */
    rowCounts: Record<string, number>;
  };
  /** Every file of the backup but the manifest itself: the database copy and `files/…`. */
  files: ManifestFile[];
  /** Entries of the file store that were not copied (symbolic links, sockets…), with why. */
  skipped: Array<{ path: string; reason: string }>;
}

export const MANIFEST = 'manifest.json';
export const FILES_DIR = 'files';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** Describes a file as it is now on disk (what the manifest records). */
export async function describeFile(root: string, relative: string): Promise<ManifestFile> {
  const full = path.join(root, ...relative.split('/'));
  const stat = await fs.promises.stat(full);
  return { path: relative, size: stat.size, sha256: await sha256File(full) };
}

/**
 * Copies a directory tree into `dest` and describes each copied file. Only regular files and
 * directories are copied: a symbolic link is never followed (it could lead out of the file store, to
 * anything the process may read), it is listed in `skipped` instead. The hash is taken of the copy, so
 * the manifest describes what the backup holds even if the source changes meanwhile.
 * `exclude` names paths not to copy (the backup directory, should it lie inside the store); `ignore`
 * names paths left out without a word (the store's tmp folder: uploads in flight are no files yet).
 * @returns the copied files (paths relative to `destRoot`) and the skipped entries; empty when `source` does not exist.
 */
export async function copyTree(
  source: string,
  destRoot: string,
  destPrefix: string,
  exclude: string[] = [],
  ignore: string[] = [],
): Promise<{ files: ManifestFile[]; skipped: BackupManifest['skipped'] }> {
  const excluded = new Set(exclude.map((p) => path.resolve(p)));
  const ignored = new Set(ignore.map((p) => path.resolve(p)));
  const files: ManifestFile[] = [];
  const skipped: BackupManifest['skipped'] = [];
  await fs.promises.mkdir(path.join(destRoot, destPrefix), { recursive: true });
  let rootStat: fs.Stats;
  try {
    // The store's root itself may be a link the operator set up (a mounted volume): that one is followed.
    rootStat = await fs.promises.stat(source);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files, skipped };
    throw err;
  }
  if (!rootStat.isDirectory()) throw new Error(`the file store ${source} is not a directory`);

  const walk = async (relative: string): Promise<void> => {
    const entries = await fs.promises.readdir(path.join(source, relative), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      const from = path.join(source, ...rel.split('/'));
      const to = path.join(destRoot, destPrefix, ...rel.split('/'));
      // Dirent types come from lstat: a link is reported as a link, never as what it points to.
      if (ignored.has(path.resolve(from))) continue;
      if (excluded.has(path.resolve(from))) skipped.push({ path: `${destPrefix}/${rel}`, reason: 'the backup directory itself' });
      else if (entry.isSymbolicLink()) skipped.push({ path: `${destPrefix}/${rel}`, reason: 'symbolic link (not followed)' });
      else if (entry.isDirectory()) {
        await fs.promises.mkdir(to);
        await walk(rel);
      } else if (entry.isFile()) {
        await fs.promises.copyFile(from, to, fs.constants.COPYFILE_EXCL);
        await fsyncFile(to);
        files.push(await describeFile(destRoot, `${destPrefix}/${rel}`));
      } else skipped.push({ path: `${destPrefix}/${rel}`, reason: 'not a regular file' });
    }
  };
  await walk('');
  return { files, skipped };
}

/** A manifest path that stays inside the backup folder: relative, `/`-separated, no `.` or `..` segments. */
export function isSafeRelativePath(relative: string): boolean {
  if (relative.length === 0 || relative.startsWith('/') || relative.includes('\\') || relative.includes('\0')) return false;
  return relative.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export interface FileCheck {
  ok: boolean;
  /** One line per problem, or a summary when all is well. */
  problems: string[];
  manifest: BackupManifest | null;
  manifestSha256: string | null;
  totalBytes: number;
}

/**
 * Reads a backup folder's manifest and re-hashes every file it lists. Any missing, resized, altered or
 * out-of-folder entry is a problem; so is a manifest whose own hash differs from `expectedManifestSha256`
 * (the one the catalog recorded when the backup was made).
 */
export async function checkBackupFiles(dir: string, expectedManifestSha256?: string | null): Promise<FileCheck> {
  const problems: string[] = [];
  const manifestPath = path.join(dir, MANIFEST);
  let manifest: BackupManifest;
  let manifestSha256: string;
  let totalBytes = 0;
  try {
    const text = await fs.promises.readFile(manifestPath);
    manifestSha256 = createHash('sha256').update(text).digest('hex');
    totalBytes += text.length;
    manifest = JSON.parse(text.toString('utf8')) as BackupManifest;
  } catch (err) {
    return { ok: false, problems: [`${MANIFEST}: cannot be read (${(err as Error).message})`], manifest: null, manifestSha256: null, totalBytes: 0 };
  }
  if (manifest.format !== 'idesk-backup/1' || !Array.isArray(manifest.files) || !manifest.database) {
    return { ok: false, problems: [`${MANIFEST}: not an idesk backup manifest`], manifest: null, manifestSha256, totalBytes };
  }
  if (expectedManifestSha256 && expectedManifestSha256 !== manifestSha256) {
    problems.push(`${MANIFEST}: sha256 ${manifestSha256} differs from the catalog's ${expectedManifestSha256}`);
  }
  if (!manifest.files.some((f) => f.path === manifest.database.file)) problems.push(`${MANIFEST}: the database copy ${manifest.database.file} is not listed`);
  for (const entry of manifest.files) {
    if (!isSafeRelativePath(entry.path)) {
      problems.push(`${entry.path}: not a path inside the backup folder`);
      continue;
    }
    try {
      const actual = await describeFile(dir, entry.path);
      totalBytes += actual.size;
      if (actual.size !== entry.size) problems.push(`${entry.path}: ${actual.size} bytes, the manifest says ${entry.size}`);
      else if (actual.sha256 !== entry.sha256) problems.push(`${entry.path}: sha256 ${actual.sha256} differs from the manifest's ${entry.sha256}`);
    } catch (err) {
      problems.push(`${entry.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`);
    }
  }
  return { ok: problems.length === 0, problems, manifest, manifestSha256, totalBytes };
}

/** Writes the manifest and returns its sha256 and size (the manifest's hash stands for the whole backup). */
export async function writeManifest(dir: string, manifest: BackupManifest): Promise<{ sha256: string; size: number }> {
  const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const file = path.join(dir, MANIFEST);
  const handle = await fs.promises.open(file, 'wx');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: createHash('sha256').update(text).digest('hex'), size: text.length };
}

/** Flushes a file to disk (a backup that a power cut can leave half-written is no backup). */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
