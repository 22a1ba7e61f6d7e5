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
