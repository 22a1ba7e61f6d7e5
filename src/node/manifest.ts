/**
 * What a node knows about its files, persisted in the root's internal folder (`.dsm/manifest.json`,
 * written to a temp file and renamed, so a crash never leaves half of it):
 *
 *   name → { size, mtimeMs, sha256, version, updatedAt }     a stored file
 *   name → { version, deletedAt }                             a tombstone: deleted at that version
 *
 * A file entry is trusted only while the file's size and mtime still match it: a file replaced or
 * edited by hand gets a weak ETag until the background hasher has read it again. Tombstones make a
 * delete win over older copies, so a later sync cannot bring a deleted file back.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
  version: number;
  /** ISO 8601 time of the write that made this version. */
  updatedAt: string;
}

export interface Tombstone {
  version: number;
  deletedAt: string;
}

interface ManifestFile {
  format: 2;
  files: Record<string, FileEntry>;
  tombstones: Record<string, Tombstone>;
}

export class Manifest {
  private readonly files = new Map<string, FileEntry>();
  private readonly tombs = new Map<string, Tombstone>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async load(internalDir: string): Promise<Manifest> {
    await mkdir(internalDir, { recursive: true });
    const m = new Manifest(join(internalDir, 'manifest.json'));
    try {
      const data = JSON.parse(await readFile(m.file, 'utf8')) as ManifestFile;
      for (const [name, e] of Object.entries(data.files ?? {})) {
        if (typeof e?.sha256 === 'string' && typeof e.size === 'number' && typeof e.version === 'number')
          m.files.set(name, e);
      }
      for (const [name, t] of Object.entries(data.tombstones ?? {})) {
        if (typeof t?.version === 'number') m.tombs.set(name, t);
      }
    } catch {
      // Missing or damaged: start empty; files on disk are re-hashed in the background.
    }
    return m;
  }

  /** The entry of `name` if it describes exactly this size and mtime. */
  lookup(name: string, size: number, mtimeMs: number): FileEntry | undefined {
    const e = this.files.get(name);
    return e && e.size === size && e.mtimeMs === mtimeMs ? e : undefined;
  }

  get(name: string): FileEntry | undefined {
    return this.files.get(name);
  }

  tombstone(name: string): Tombstone | undefined {
    return this.tombs.get(name);
  }

  /** The newest version this node has seen for `name`, stored or deleted. */
  heldVersion(name: string): number {
    return Math.max(this.files.get(name)?.version ?? 0, this.tombs.get(name)?.version ?? 0);
  }

  setFile(name: string, entry: FileEntry): void {
    this.files.set(name, entry);
    this.tombs.delete(name);
    this.scheduleSave();
  }

  setTombstone(name: string, t: Tombstone): void {
    this.tombs.set(name, t);
    this.files.delete(name);
    this.scheduleSave();
  }

  forget(name: string): void {
    if (this.files.delete(name)) this.scheduleSave();
  }

  names(): string[] {
    return [...this.files.keys()];
  }

  tombstones(): Array<[string, Tombstone]> {
    return [...this.tombs.entries()];
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.write()).catch(() => undefined);
    }, 200);
    this.saveTimer.unref();
  }

  private async write(): Promise<void> {
    const data: ManifestFile = {
      format: 2,
      files: Object.fromEntries(this.files),
      tombstones: Object.fromEntries(this.tombs),
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, this.file);
  }

  /** Writes now and waits (after a PUT or DELETE, before answering). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    this.saving = this.saving.then(() => this.write());
    await this.saving;
  }
}
