/**
 * Reads and validates `nodes.json` once, at start, and resolves each node's root against the folder
 * of the file. Errors name the bad field: `Invalid nodes.json: nodes[1].port: must be a whole number`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { type ClusterConfig, clusterConfigSchema, type NodeConfig } from './config-schema.js';
import { DsmError } from './errors.js';

export interface LoadedConfig {
  /** Absolute path of the file read. */
  file: string;
  /** Folder of the file: roots and `.dsm/` are relative to it. */
  dir: string;
  /** Nodes with `root` made absolute. */
  nodes: NodeConfig[];
  /** Token from the file, if any (see `token.ts` for the full lookup order). */
  token: string | undefined;
  supervisor: ClusterConfig['supervisor'];
  /** Anti-entropy period, ms (0 = off). */
  antiEntropyIntervalMs: number;
  /** Pause between scrub passes, ms (0 = off). */
  scrubIntervalMs: number;
  /** Scrub read rate, MB/s. */
  scrubMBps: number;
}

/** `nodes[1].port` from a zod issue path. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(top level)';
}

/** One line describing the first problem of a failed validation. */
export function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((i) => {
    if (i.code === 'unrecognized_keys') {
      return `${fieldPath(i.path)}: unknown field ${i.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
    }
    return `${fieldPath(i.path)}: ${i.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return issues.join('; ') + more;
}

/** Why nodes.json cannot be read, in words, by error code (others keep the system's message). */
const UNREADABLE: Record<string, string> = {
  EISDIR: 'it is a folder: pass the nodes.json file inside it',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EACCES: 'no permission to read it',
  EPERM: 'no permission to read it',
};

/** Validates an already-parsed value; `file` is only used in messages and to resolve roots. */
export function validateClusterConfig(value: unknown, file: string): LoadedConfig {
  const parsed = clusterConfigSchema.safeParse(value);
  if (!parsed.success)
    throw new DsmError('DSM_CONFIG_INVALID', { file, detail: describeIssues(parsed.error) });
  const cfg: ClusterConfig = parsed.data;
  const dir = dirname(resolve(file));
  return {
    file: resolve(file),
    dir,
    nodes: cfg.nodes.map((n) => ({ ...n, root: resolve(dir, n.root) })),
    token: cfg.token,
    supervisor: cfg.supervisor,
    antiEntropyIntervalMs: cfg.antiEntropyIntervalMs,
    scrubIntervalMs: cfg.scrubIntervalMs,
    scrubMBps: cfg.scrubMBps,
  };
}

export async function loadClusterConfig(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DsmError('DSM_CONFIG_NOT_FOUND', { file });
    throw new DsmError('DSM_CONFIG_INVALID', {
      file,
      detail: (code ? UNREADABLE[code] : undefined) ?? (err as Error).message,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DsmError('DSM_CONFIG_INVALID', { file, detail: `not valid JSON (${(err as Error).message})` });
  }
  return validateClusterConfig(value, file);
}

export function findNode(cfg: LoadedConfig, name: string): NodeConfig {
  const node = cfg.nodes.find((n) => n.name === name);
  if (!node) {
    throw new DsmError('DSM_NODE_NOT_IN_CONFIG', {
      name,
      file: cfg.file,
      names: cfg.nodes.map((n) => n.name).join(', '),
    });
  }
  return node;
}
