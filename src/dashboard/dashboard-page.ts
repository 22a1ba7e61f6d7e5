/**
 * The dashboard's built files (Vite's output in dist/dashboard-ui/: index.html and hashed assets/) and the
 * one thing the server changes in them: the two `<meta>` placeholders of index.html.
 *
 * | placeholder in index.html              | filled with                              |
 * |----------------------------------------|------------------------------------------|
 * | `<meta name="dsm-token" content="">`   | the token, when the page may act         |
 * | `<meta name="dsm-lang" content="en">`  | the cluster's language (`--lang`)        |
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../shared/format.js';
import type { Lang } from '../shared/i18n.js';
import { LANG_META, TOKEN_META } from './protocol.js';

/** Files the page may load besides index.html: Vite's hashed assets, and images at the root (favicon). */
export const ASSET_PATH =
  /^\/(assets\/[A-Za-z0-9][A-Za-z0-9._-]*\.(?:js|css|svg|png|woff2)|[A-Za-z0-9][A-Za-z0-9._-]*\.(?:svg|png|ico))$/;

export function renderIndex(html: string, o: { token: string | undefined; lang: Lang }): string {
  return html
    .replace(
      `<meta name="${TOKEN_META}" content="">`,
      `<meta name="${TOKEN_META}" content="${escapeHtml(o.token ?? '')}">`,
    )
    .replace(
      `<meta name="${LANG_META}" content="en">`,
      `<meta name="${LANG_META}" content="${escapeHtml(o.lang)}">`,
    );
}

/** index.html of a built dashboard, or undefined when `npm run build` has not built it. */
export async function loadIndex(dir: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, 'index.html'), 'utf8');
  } catch {
    return undefined;
  }
}
