/**
 * A node's files: a folder on disk (the root) plus what the node knows about their content.
 *
 * - Names are `/`-separated paths under the root (`films/a.mp4`); dotfiles and the internal folder
 *   `.dsm/` are never listed or served.
 * - A file is opened once per request and streamed from that handle, so a file replaced while it
 *   is being read keeps sending its old bytes to the end.
 * - Nothing outside the root is served: the real path (symlinks resolved) must stay inside the
 *   real root.
 * - Files without a known SHA-256 (dropped in by hand) are hashed in the background, one at a time.
 */
import type { Stats } from 'node:fs';
import { access, constants, type FileHandle, mkdir, open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { sha256File } from '../shared/checksum.js';
import { DsmError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { HashIndex } from './hash-index.js';

/** The node's hidden internal folder inside its root (index, temp files, quarantine). */
export const INTERNAL_DIR = '.dsm';

export interface FileInfo {
  name: string;
  size: number;
  /** Hex SHA-256, null until the background hasher has read the file. */
  sha256: string | null;
  /** ISO 8601 modification time. */
  mtime: string;
}

export type OpenResult =
  | { kind: 'file'; handle: FileHandle; name: string; stats: Stats; sha256: string | undefined }
  | { kind: 'missing' }
  | { kind: 'outside' };

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG';
}

export class FileStore {
  private readonly hashQueue = new Set<string>();
  private hashing = false;
  private stopped = false;
  private cachedCount = 0;
  private scanning: Promise<void> | undefined;
  private countedAt = 0;

  private constructor(
    /** The root as configured (absolute). */
    readonly root: string,
    /** The root with symlinks resolved: every served file's real path starts with it. */
    readonly realRoot: string,
    private readonly index: HashIndex,
    private readonly log: Logger,
  ) {}

  /** Creates the root if missing, checks it can be used, loads the index and starts hashing unknown files. */
  static async open(root: string, log: Logger): Promise<FileStore> {
    try {
      await mkdir(root, { recursive: true });
      await access(root, constants.R_OK | constants.W_OK | constants.X_OK);
      const s = await stat(root);
      if (!s.isDirectory()) throw new Error('not a folder');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const detail =
        e.code === 'EACCES' || e.code === 'EPERM'
          ? 'permission denied (the node must be able to read and write it)'
          : e.code === 'EEXIST' || e.code === 'ENOTDIR' || e.message === 'not a folder'
            ? 'it is a file, not a folder'
            : e.message;
      throw new DsmError('DSM_ROOT_UNUSABLE', { root, detail });
    }
    const realRoot = await realpath(root);
    const index = await HashIndex.load(join(realRoot, INTERNAL_DIR));
    const store = new FileStore(root, realRoot, index, log);
    return store;
  }

  /** True when `real` (a resolved path) is inside the root and not hidden. */
  private isServable(real: string): boolean {
    if (real !== this.realRoot && !real.startsWith(this.realRoot + sep)) return false;
    const rel = relative(this.realRoot, real);
    return rel !== '' && !rel.split(sep).some((s) => s.startsWith('.'));
  }

  /** Opens a stored file for reading. The caller owns the handle and must close it. */
  async openFile(segments: string[]): Promise<OpenResult> {
    const name = segments.join('/');
    let real: string;
    try {
      real = await realpath(join(this.realRoot, ...segments));
    } catch (err) {
      if (isNotFound(err)) return { kind: 'missing' };
      throw err;
    }
    if (!this.isServable(real)) return { kind: 'outside' };
    let handle: FileHandle;
    try {
      handle = await open(real, 'r');
    } catch (err) {
      if (isNotFound(err)) return { kind: 'missing' };
      throw err;
    }
    let stats: Stats;
    try {
      stats = await handle.stat();
    } catch (err) {
      await handle.close();
      throw err;
    }
    if (!stats.isFile()) {
      await handle.close();
      return { kind: 'missing' };
    }
    const sha256 = this.index.lookup(name, stats.size, stats.mtimeMs);
    if (sha256 === undefined) this.enqueueHash(name);
    return { kind: 'file', handle, name, stats, sha256 };
  }

  /** Every servable file, sorted by name. */
  async list(): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const full = join(dir, entry.name);
        const name = prefix + entry.name;
        if (entry.isDirectory()) {
          await walk(full, `${name}/`);
          continue;
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) continue;
        try {
          if (entry.isSymbolicLink() && !this.isServable(await realpath(full))) continue;
          const s = await stat(full);
          if (!s.isFile()) continue;
          const sha256 = this.index.lookup(name, s.size, s.mtimeMs);
          if (sha256 === undefined) this.enqueueHash(name);
          out.push({ name, size: s.size, sha256: sha256 ?? null, mtime: s.mtime.toISOString() });
        } catch {
          // Vanished while listing, or a dangling symlink: not a file to list.
        }
      }
    };
    await walk(this.realRoot, '');
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.cachedCount = out.length;
    this.countedAt = Date.now();
    return out;
  }

  /** Number of files, re-counted at most once a second (health checks are frequent). */
  async fileCount(): Promise<number> {
    if (Date.now() - this.countedAt > 1000) await this.list();
    return this.cachedCount;
  }

  /** Lists everything once, so that files without a known hash get hashed; forgets vanished files. */
  scan(): Promise<void> {
    this.scanning = (async () => {
      const files = await this.list();
      const present = new Set(files.map((f) => f.name));
      for (const name of this.index.names()) if (!present.has(name)) this.index.delete(name);
    })();
    return this.scanning;
  }

  private enqueueHash(name: string): void {
    if (this.stopped || this.hashQueue.has(name)) return;
    this.hashQueue.add(name);
    if (!this.hashing) void this.runHashQueue();
  }

  /** Resolves when the background hasher has nothing left to do (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.scanning;
    while (this.hashing || this.hashQueue.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private async runHashQueue(): Promise<void> {
    this.hashing = true;
    try {
      for (;;) {
        const next = this.hashQueue.values().next();
        if (next.done || this.stopped) break;
        const name = next.value;
        this.hashQueue.delete(name);
        await this.hashOne(name).catch((err: Error) => this.log.warn(`cannot hash ${name}: ${err.message}`));
      }
    } finally {
      this.hashing = false;
    }
  }

  private async hashOne(name: string): Promise<void> {
    const full = join(this.realRoot, ...name.split('/'));
    const before = await stat(full).catch(() => undefined);
    if (!before?.isFile()) return;
    if (this.index.lookup(name, before.size, before.mtimeMs)) return;
    const started = Date.now();
    const { sha256, size } = await sha256File(full);
    const after = await stat(full).catch(() => undefined);
    // Only record a hash for bytes that did not change while being read.
    if (!after || after.size !== size || after.mtimeMs !== before.mtimeMs || after.size !== before.size) {
      this.enqueueHash(name);
      return;
    }
    this.index.set(name, { size, mtimeMs: after.mtimeMs, sha256 });
    this.log.info(
      `hashed ${name} (${size} bytes) in ${Date.now() - started} ms: sha256 ${sha256.slice(0, 12)}…`,
    );
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.hashQueue.clear();
    await this.index.flush();
  }
}
