/**
 * Human formatting for logs and tables.
 *
 * | input                     | output      |
 * |---------------------------|-------------|
 * | formatBytes(512)          | `512 B`     |
 * | formatBytes(1048576)      | `1.0 MB`    |
 * | formatBytes(1536000)      | `1.5 MB`    |
 * | formatBytes(5 * 2 ** 30)  | `5.0 GB`    |
 *
 * Binary multiples with the familiar short labels, as `ls -h` and most file managers show them.
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/**
 * Keeps control characters out of log lines and messages (a request target is attacker-controlled),
 * and shortens long values.
 *
 * | input            | output         |
 * |------------------|----------------|
 * | `/a\r\nb`        | `/a\x0d\x0ab`  |
 */
export function printable(s: string, max = 300): string {
  const short = s.length > max ? `${s.slice(0, max)}…` : s;
  return short.replace(CONTROL_CHARS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A user-supplied value quoted for a message, shortened so a huge value cannot bloat a response. */
export function quoted(value: string, max = 200): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** | input | output | · | `a<b & "c"` | `a&lt;b &amp; &quot;c&quot;` | */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * One value of a request header: Node gives an array for an unknown header sent twice.
 *
 * | input            | output   |
 * |------------------|----------|
 * | `'a'`            | `'a'`    |
 * | `['a', 'b']`     | `'a, b'` |
 * | `undefined`      | undefined |
 */
export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}
