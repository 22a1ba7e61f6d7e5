/**
 * What a node knows about the content of its files: name → size, mtime and SHA-256, persisted in the
 * root's internal folder (`.dsm/index.json`, written atomically) so a restart does not re-hash.
 * An entry is trusted only while the file's size and mtime still match it: a file replaced or
 * edited by hand gets a weak ETag until the background hasher has read it again.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface IndexEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

interface IndexFile {
  format: 1;
  files: Record<string, IndexEntry>;
}

export class HashIndex {
  private readonly entries = new Map<string, IndexEntry>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async load(internalDir: string): Promise<HashIndex> {
    await mkdir(internalDir, { recursive: true });
    const idx = new HashIndex(join(internalDir, 'index.json'));
    try {
      const data = JSON.parse(await readFile(idx.file, 'utf8')) as IndexFile;
      if (data.format === 1 && data.files && typeof data.files === 'object') {
        for (const [name, e] of Object.entries(data.files)) {
          if (typeof e?.sha256 === 'string' && typeof e.size === 'number' && typeof e.mtimeMs === 'number') {
            idx.entries.set(name, { size: e.size, mtimeMs: e.mtimeMs, sha256: e.sha256 });
          }
        }
      }
    } catch {
      // Missing or damaged index: start empty; the files are re-hashed in the background.
    }
    return idx;
  }

  /** The SHA-256 of `name` if the index has it for exactly this size and mtime. */
  lookup(name: string, size: number, mtimeMs: number): string | undefined {
    const e = this.entries.get(name);
    return e && e.size === size && e.mtimeMs === mtimeMs ? e.sha256 : undefined;
  }

  set(name: string, entry: IndexEntry): void {
    this.entries.set(name, entry);
    this.scheduleSave();
  }

  delete(name: string): void {
    if (this.entries.delete(name)) this.scheduleSave();
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.save()).catch(() => undefined);
    }, 200);
    this.saveTimer.unref();
  }

  /** Writes the index now (temp file + rename, so a crash never leaves half a file). */
  async save(): Promise<void> {
    const data: IndexFile = { format: 1, files: Object.fromEntries(this.entries) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, this.file);
  }

  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.save());
    }
    await this.saving;
  }
}
