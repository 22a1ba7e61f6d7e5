/**
 * Turns a raw HTTP request target into the relative path of a stored file, or says why it can't.
 * Pure: the file system check (symlinks that lead out of the root) happens later, in the node's
 * file store, on the resolved real path.
 *
 * The raw target is checked, not a URL-normalised one: `fetch` and `new URL()` collapse `..` before a
 * request leaves a client, but an attacker writes raw request lines.
 *
 * | raw target                       | result                                       |
 * |----------------------------------|----------------------------------------------|
 * | `/demo.mp4`                      | ok ['demo.mp4']                              |
 * | `/films/a%20b.mp4?x=1`           | ok ['films', 'a b.mp4']                      |
 * | `/`                              | ok []                                        |
 * | `/../etc/passwd`, `/a/%2e%2e/b`  | bad 'traversal'                              |
 * | `/a%5c..%5cb`, `/a\b`            | bad 'backslash'                              |
 * | `/a%00.mp4`                      | bad 'control-char'                           |
 * | `/C:/Windows`, `/a:stream`       | bad 'colon' (drive letters, NTFS streams)    |
 * | `//etc/passwd`, `/a//b`          | bad 'empty-segment'                          |
 * | `/%zz`                           | bad 'encoding'                               |
 * | `http://h/x`, `*`                | bad 'not-origin-form'                        |
 * | `/.env`, `/a/.dsm/index.json`    | hidden (dotfiles and internal files)         |
 * | `/CON`, `/aux.mp4`               | bad 'reserved-name' (Windows device names)   |
 */

import { DsmError } from './errors.js';

export type TargetPath =
  | { kind: 'ok'; segments: string[] }
  | { kind: 'hidden'; segments: string[] }
  | {
      kind: 'bad';
      reason:
        | 'not-origin-form'
        | 'encoding'
        | 'traversal'
        | 'backslash'
        | 'control-char'
        | 'colon'
        | 'empty-segment'
        | 'reserved-name'
        | 'trailing-dot-or-space';
    };

// Windows opens devices for these names in any folder, with or without an extension.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// C0 controls and DEL, after decoding.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Path part of a request target, before the query. */
export function pathOfTarget(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

export function parseTargetPath(rawTarget: string): TargetPath {
  // origin-form only (RFC 9112 §3.2.1); absolute-form is for proxies, asterisk-form for OPTIONS *.
  if (!rawTarget.startsWith('/')) return { kind: 'bad', reason: 'not-origin-form' };
  const raw = pathOfTarget(rawTarget);
  if (raw.includes('\\')) return { kind: 'bad', reason: 'backslash' };
  if (raw === '/') return { kind: 'ok', segments: [] };
  const parts = raw.slice(1).split('/');
  // A trailing slash names a folder; we have no folder pages, so treat it like the name without it.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const segments: string[] = [];
  let hidden = false;
  for (const part of parts) {
    let seg: string;
    try {
      // Decoded once: `%252e%252e` is the literal name `%2e%2e`, not a traversal.
      seg = decodeURIComponent(part);
    } catch {
      return { kind: 'bad', reason: 'encoding' };
    }
    if (seg === '') return { kind: 'bad', reason: 'empty-segment' };
    if (seg === '.' || seg === '..' || seg.includes('/')) return { kind: 'bad', reason: 'traversal' };
    if (seg.includes('\\')) return { kind: 'bad', reason: 'backslash' };
    if (CONTROL.test(seg)) return { kind: 'bad', reason: 'control-char' };
    if (seg.includes(':')) return { kind: 'bad', reason: 'colon' };
    if (RESERVED.test(seg)) return { kind: 'bad', reason: 'reserved-name' };
    // Windows silently drops trailing dots and spaces, so `demo.mp4.` would open `demo.mp4`.
    if (seg.endsWith('.') || seg.endsWith(' ')) return { kind: 'bad', reason: 'trailing-dot-or-space' };
    if (seg.startsWith('.')) hidden = true;
    segments.push(seg);
  }
  return hidden ? { kind: 'hidden', segments } : { kind: 'ok', segments };
}

/** The `/`-joined name of a stored file, as used in URLs and listings (`films/a b.mp4`). */
export function nameOf(segments: string[]): string {
  return segments.join('/');
}

/** A URL path for a stored name, each segment percent-encoded (`films/a b.mp4` → `/films/a%20b.mp4`). */
export function urlPathOf(name: string): string {
  return `/${name.split('/').map(encodeURIComponent).join('/')}`;
}

/** Names a node never stores, because routes or the internal folder use them. */
const RESERVED_FIRST_SEGMENTS = new Set(['health', '_dsm']);

export type StorableName = { kind: 'ok'; name: string; segments: string[] } | { kind: 'bad'; reason: string };

/** Why a path is refused, in words a user can act on (the codes of `parseTargetPath`). */
const REASON_WORDS: Record<Extract<TargetPath, { kind: 'bad' }>['reason'], string> = {
  'not-origin-form': 'a name is a path like films/a.mp4',
  encoding: 'it has a broken %-escape',
  traversal: '"." and ".." cannot be parts of a name',
  backslash: 'a backslash cannot be part of a name: use "/" between folders',
  'control-char': 'control characters cannot be part of a name',
  colon: '":" cannot be part of a name (Windows drive letters and streams)',
  'empty-segment': 'a name cannot start with "/" or hold "//"',
  'reserved-name': 'Windows device names (CON, NUL, COM1…) cannot be names',
  'trailing-dot-or-space': 'a part cannot end with "." or a space (Windows drops them)',
};

/**
 * Whether a request target may be written (PUT, DELETE): a valid path that is not hidden, not
 * reserved, and of sane length.
 *
 * | raw target         | result                                    |
 * |--------------------|-------------------------------------------|
 * | `/demo.mp4`        | ok 'demo.mp4'                             |
 * | `/films/a.mp4`     | ok 'films/a.mp4'                          |
 * | `/`                | bad 'a name is needed'                    |
 * | `/health`          | bad '"health" is reserved'                |
 * | `/_dsm/files`      | bad '"_dsm" is reserved'                  |
 * | `/.env`            | bad 'names starting with "." are hidden'  |
 * | `/../x`            | bad '"." and ".." cannot be parts of a name' |
 * | `/films/`          | bad 'a name cannot end with "/" …'        |
 */
export function storableName(rawTarget: string): StorableName {
  const t = parseTargetPath(rawTarget);
  if (t.kind === 'bad') return { kind: 'bad', reason: REASON_WORDS[t.reason] };
  // GET /films/ may name the file films; a write must say exactly what it stores.
  const path = pathOfTarget(rawTarget);
  if (path.length > 1 && path.endsWith('/'))
    return { kind: 'bad', reason: 'a name cannot end with "/": that names a folder' };
  if (t.kind === 'hidden') return { kind: 'bad', reason: 'names starting with "." are hidden' };
  const first = t.segments[0];
  if (first === undefined) return { kind: 'bad', reason: 'a name is needed' };
  if (RESERVED_FIRST_SEGMENTS.has(first.toLowerCase()))
    return { kind: 'bad', reason: `"${first}" is reserved` };
  if (t.segments.some((s) => Buffer.byteLength(s) > 255))
    return { kind: 'bad', reason: 'a part is longer than 255 bytes' };
  const name = nameOf(t.segments);
  if (Buffer.byteLength(name) > 1024) return { kind: 'bad', reason: 'the name is longer than 1024 bytes' };
  return { kind: 'ok', name, segments: t.segments };
}

/**
 * `storableName` for a name as a user types it (`films/a b.mp4`, not URL-encoded): what the CLI and the
 * dashboard check before they send anything, so that `../x` is refused here rather than normalised
 * away by a URL parser on the way.
 *
 * | name            | result                                        |
 * |-----------------|-----------------------------------------------|
 * | `films/a b.mp4` | ok 'films/a b.mp4'                            |
 * | `../etc/passwd` | bad '"." and ".." cannot be parts of a name'  |
 * | `/abs.mp4`      | bad 'a name cannot start with "/" or hold "//"' |
 */
export function storableNameOf(name: string): StorableName {
  if (name === '') return { kind: 'bad', reason: 'a name is needed' };
  return storableName(urlPathOf(name));
}

/** `storableNameOf`, or the DSM_BAD_NAME that says why not (the CLI's `replicate --as` and `rm`). */
export function checkedStorableName(name: string): string {
  const checked = storableNameOf(name);
  if (checked.kind === 'bad')
    throw new DsmError('DSM_BAD_NAME', { name: JSON.stringify(name), reason: checked.reason });
  return checked.name;
}
