/**
 * Entity tags (RFC 9110 §8.8.3).
 *
 * A strong ETag is derived from the SHA-256 of the content, so every replica of the same bytes carries
 * the same tag on every node: that is what lets a client or the gateway resume a download on another
 * replica with `If-Range` / `If-Match`. Mainstream static servers (nginx, `send`, Deno's file_server)
 * derive theirs from mtime and size, which differ between copies.
 * Until a file's hash is known (a file dropped into the folder by hand) it carries a weak tag.
 *
 * | input                                   | output                          |
 * |-----------------------------------------|---------------------------------|
 * | strongEtag('9f86d0…(64 hex)')           | `"sha256-9f86d0…"`              |
 * | weakEtag(1234, 1700000000123.4)         | `W/"4d2-18bcfe5687b"`           |
 * | parseEtagList('"a", W/"b"')             | [{weak:false,tag:'a'},{weak:true,tag:'b'}] |
 * | parseEtagList('*')                      | '*'                             |
 */

export interface EntityTag {
  weak: boolean;
  /** The opaque-tag without quotes. */
  tag: string;
}

export function strongEtag(sha256Hex: string): string {
  return `"sha256-${sha256Hex}"`;
}

export function weakEtag(size: number, mtimeMs: number): string {
  return `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** Parses one ETag value such as `"abc"` or `W/"abc"`; undefined when malformed. */
export function parseEtag(value: string): EntityTag | undefined {
  const v = value.trim();
  const weak = v.startsWith('W/');
  const quoted = weak ? v.slice(2) : v;
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return undefined;
  const tag = quoted.slice(1, -1);
  if (tag.includes('"')) return undefined;
  return { weak, tag };
}

/** Parses an `If-Match` / `If-None-Match` list; `'*'` for the wildcard. Malformed members are skipped. */
export function parseEtagList(header: string): EntityTag[] | '*' {
  if (header.trim() === '*') return '*';
  const out: EntityTag[] = [];
  // Tags cannot contain '"', so splitting on commas outside quotes is enough.
  for (const m of header.matchAll(/(W\/)?"[^"]*"/g)) {
    const e = parseEtag(m[0]);
    if (e) out.push(e);
  }
  return out;
}

/** Strong comparison (RFC 9110 §8.8.3.2): both strong and identical. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.tag === b.tag;
}

/** Weak comparison: identical opaque tags, weak or not. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.tag === b.tag;
}
