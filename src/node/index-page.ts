/**
 * The HTML index at `/`: every file with a link, its size and a short hash. Pure.
 */
import { escapeHtml, formatBytes } from '../shared/format.js';
import { urlPathOf } from '../shared/safe-path.js';
import type { FileInfo } from './file-store.js';

export function indexPage(nodeName: string, files: FileInfo[]): string {
  const rows = files
    .map(
      (f) =>
        `<tr><td><a href="${escapeHtml(urlPathOf(f.name))}">${escapeHtml(f.name)}</a></td>` +
        `<td class="n">${formatBytes(f.size)}</td>` +
        `<td><code>${f.sha256 ? f.sha256.slice(0, 12) : '(hashing…)'}</code></td>` +
        `<td>${escapeHtml(f.mtime.replace('T', ' ').slice(0, 19))}</td></tr>`,
    )
    .join('\n');
  const name = escapeHtml(nodeName);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${name} · distributed-streaming-mini</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}
td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right}
code{color:#666}</style></head>
<body><h1>${name}</h1>
<p>${files.length} file${files.length === 1 ? '' : 's'} · <a href="/health">health</a> · <a href="/_dsm/files">JSON</a></p>
<table><thead><tr><th>name</th><th class="n">size</th><th>sha256</th><th>modified (UTC)</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}
