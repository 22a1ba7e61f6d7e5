/**
 * What a node knows about its files, persisted in the root's internal folder (`.dsm/manifest.json`,
 * written to a temp file and renamed, so a crash never leaves half of it):
 *
 *   name → { size, mtimeMs, sha256, version, updatedAt }     a stored file
 *   name → { version, deletedAt }                             a tombstone: deleted at that version
 *   name → { version, sha256, actualSha256, at }              quarantined: the copy of that version was
 *                                                             corrupt and moved to .dsm/quarantine/
 *
 * A file entry is trusted only while the file's size and mtime still match it: a file replaced or
 * edited by hand gets a weak ETag until the background hasher has read it again. Tombstones make a
 * delete win over older copies, so a later sync cannot bring a deleted file back.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestEntry } from '../shared/manifest-digest.js';

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

/**
 * A copy found corrupt by the scrub: no longer a stored file (not served, not listed), but the node
 * remembers which version it held, so that a pull of that same version from a healthy peer is accepted
 * and anything older is still refused.
 */
export interface Quarantined {
  version: number;
  /** What the bytes should have hashed to. */
  sha256: string;
  /** What they hashed to. */
  actualSha256: string;
  /** ISO 8601 time it was found. */
  at: string;
}

interface ManifestFile {
  format: 2;
  files: Record<string, FileEntry>;
  tombstones: Record<string, Tombstone>;
  /** Added with anti-entropy; absent in older manifests. */
  quarantined?: Record<string, Quarantined>;
}

export class Manifest {
  private readonly files = new Map<string, FileEntry>();
  private readonly tombs = new Map<string, Tombstone>();
  private readonly lost = new Map<string, Quarantined>();
  /** Grows on every change of files or tombstones (the manifest digest is cached per revision). */
  private rev = 0;
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
      for (const [name, q] of Object.entries(data.quarantined ?? {})) {
        if (typeof q?.version === 'number' && typeof q.sha256 === 'string') m.lost.set(name, q);
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

  /** The quarantine record of `name`, while no healthy copy has replaced it. */
  quarantined(name: string): Quarantined | undefined {
    return this.lost.get(name);
  }

  setFile(name: string, entry: FileEntry): void {
    this.files.set(name, entry);
    this.tombs.delete(name);
    this.lost.delete(name);
    this.changed();
  }

  setTombstone(name: string, t: Tombstone): void {
    this.tombs.set(name, t);
    this.files.delete(name);
    this.lost.delete(name);
    this.changed();
  }

  /** The stored copy of `name` was corrupt: it is no longer a file of this node. */
  setQuarantined(name: string, q: Quarantined): void {
    this.files.delete(name);
    this.lost.set(name, q);
    this.changed();
  }

  forget(name: string): void {
    if (this.files.delete(name)) this.changed();
  }

  /** Drops the tombstone of `name` if it is still the one at `version`. */
  purgeTombstone(name: string, version: number): boolean {
    if (this.tombs.get(name)?.version !== version) return false;
    this.tombs.delete(name);
    this.changed();
    return true;
  }

  /** Files and tombstones as nodes exchange them (see shared/manifest-digest.ts). */
  entries(): ManifestEntry[] {
    const out: ManifestEntry[] = [];
    for (const [name, f] of this.files)
      out.push({ name, version: f.version, sha256: f.sha256, size: f.size });
    for (const [name, t] of this.tombs) out.push({ name, version: t.version, deleted: true });
    return out;
  }

  get revision(): number {
    return this.rev;
  }

  private changed(): void {
    this.rev++;
    this.scheduleSave();
  }

  names(): string[] {
    return [...this.files.keys()];
  }

  tombstones(): Array<[string, Tombstone]> {
    return [...this.tombs.entries()];
  }

  /** Quarantine records of copies found corrupt and not yet replaced by a healthy one. */
  quarantinedAll(): Array<[string, Quarantined]> {
    return [...this.lost.entries()];
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
      quarantined: Object.fromEntries(this.lost),
    };
    // Unique per write: two stores on one root (tests, a restart overlapping a shutdown) must not
    // rename each other's temp file away.
    const tmp = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
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
