/**
 * The token that every write and admin call needs. Looked up in this order:
 *   1. `DSM_TOKEN` in the environment (passed in by the CLI);
 *   2. `token` in nodes.json;
 *   3. `.dsm/token` beside nodes.json — created once, with random bytes and owner-only permissions,
 *      by the first `dsm` command that needs it, so that nodes and CLI on one machine share it.
 * A node with no token at all is read-only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type TokenSource = 'env' | 'config' | 'file';

export interface ResolvedToken {
  token: string;
  source: TokenSource;
  /** The token file, when that is where it came from. */
  file?: string;
}

export function tokenFileFor(configDir: string): string {
  return join(configDir, '.dsm', 'token');
}

export async function resolveToken(opts: {
  envToken: string | undefined;
  configToken: string | undefined;
  /** Folder of nodes.json; undefined when no config file is in use. */
  configDir: string | undefined;
  /** Create `.dsm/token` when nothing else gives a token. */
  create: boolean;
}): Promise<ResolvedToken | undefined> {
  if (opts.envToken) return { token: opts.envToken, source: 'env' };
  if (opts.configToken) return { token: opts.configToken, source: 'config' };
  if (opts.configDir === undefined) return undefined;
  const file = tokenFileFor(opts.configDir);
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token) return { token, source: 'file', file };
  } catch {
    // No token file yet.
  }
  if (!opts.create) return undefined;
  await mkdir(dirname(file), { recursive: true });
  const token = randomBytes(24).toString('base64url');
  try {
    // 'wx': if another dsm process created it a moment ago, keep theirs.
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    await writeFile(join(dirname(file), '.gitignore'), '*\n').catch(() => undefined);
    return { token, source: 'file', file };
  } catch {
    const existing = (await readFile(file, 'utf8')).trim();
    return { token: existing, source: 'file', file };
  }
}

/**
 * Checks an `Authorization: Bearer <token>` header in constant time (no early exit on the first
 * differing byte, so response timing does not reveal how much of a guess was right).
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const expected = Buffer.from(token);
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time anyway.
  if (given.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(given, expected);
}
