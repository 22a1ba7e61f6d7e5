/**
 * The dashboard's routes on the supervisor's server (control-server.ts tries them before its own):
 *
 *   GET  /                                   → index.html, token embedded when dashboard-access allows;
 *                                              401 page otherwise (beyond loopback, without ?token=)
 *   GET  /assets/<file>, /<file>.svg          → the built page's files (immutable: their names are hashed)
 *   GET  /_dsm/dashboard/events              → Server-Sent Events (dashboard-hub.ts); same access rule
 *   PUT  /_dsm/cluster/nodes/<n>/faults      → the node's own answer to PUT /_dsm/faults        (token)
 *   GET  /_dsm/cluster/pick/<file>?exclude=a,b → PickAnswer
 *   PUT  /_dsm/cluster/files/<file>?upload=<id> → UploadAnswer, progress as `upload` events     (token)
 *
 * Handlers are thin: read the request, call the hub or cluster-actions.ts, write the answer.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import mime from 'mime-types';
import { DsmError } from '../shared/errors.js';
import { escapeHtml } from '../shared/format.js';
import type { Lang } from '../shared/i18n.js';
import { sendError, sendJson } from '../shared/json-response.js';
import type { Route } from '../supervisor/control-server.js';
import type { ClusterActions } from './cluster-actions.js';
import { dashboardAccess } from './dashboard-access.js';
import type { DashboardHub } from './dashboard-hub.js';
import { ASSET_PATH, renderIndex } from './dashboard-page.js';
import { EVENTS_PATH } from './protocol.js';

export interface DashboardRoutesOptions {
  hub: DashboardHub;
  actions: ClusterActions;
  token: string;
  /** The address the supervisor listens on (loopback or not decides the access rule). */
  boundHost: string;
  lang: Lang;
  /** dist/dashboard-ui/ (Vite's output) */
  dir: string;
  /** Its index.html; undefined when not built (the supervisor's plain page stays at `/` then). */
  index: string | undefined;
}

/** A fault list is a few hundred bytes: anything past this is not one. */
const MAX_FAULTS_BYTES = 64 * 1024;

function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

/**
 * The page's cookie: set once the page was opened with a right `?token=`, so that the page can drop the
 * token from the address bar (a projected screen shows it to the whole class) and still reload, as
 * Jupyter does. One per port: two clusters on one machine do not overwrite each other's. It only opens
 * the page and its event stream; every action still needs `Authorization: Bearer` (no CSRF through it).
 */
export function cookieName(hostHeader: string | undefined): string {
  const port = /:(\d+)$/.exec(hostHeader ?? '')?.[1] ?? '80';
  return `dsm_token_${port}`;
}

/**
 * A cookie's value from a Cookie header.
 *
 * | header                     | name | value     |
 * |----------------------------|------|-----------|
 * | `a=1; dsm_token_8000=xyz`  | dsm_token_8000 | 'xyz' |
 * | `dsm_token_8001=xyz`       | dsm_token_8000 | undefined |
 * | (none)                     | any  | undefined |
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function givenToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return (
    queryOf(req).get('token') ?? cookieValue(req.headers.cookie, cookieName(req.headers.host)) ?? undefined
  );
}

async function readSmallBody(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new DsmError('DSM_BAD_FAULTS', { detail: `the body is larger than ${max} bytes` });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The page shown instead of the dashboard without its token: one line, in both languages. */
function tokenPage(): string {
  const err = new DsmError('DSM_DASHBOARD_TOKEN');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dsm cluster</title>
<style>body{font:17px system-ui,sans-serif;margin:3rem;max-width:46rem}</style></head>
<body><h1>dsm cluster</h1><p>${escapeHtml(err.localized('en'))}</p><p lang="pt-BR">${escapeHtml(
    err.localized('pt-BR'),
  )}</p></body></html>
`;
}

export function dashboardRoutes(o: DashboardRoutesOptions): Route[] {
  const access = (req: IncomingMessage) =>
    dashboardAccess({
      boundHost: o.boundHost,
      hostHeader: req.headers.host,
      givenToken: givenToken(req),
      token: o.token,
    });
  const routes: Route[] = [
    {
      method: 'GET',
      path: new RegExp(`^${EVENTS_PATH.replaceAll('/', '\\/')}$`),
      handle: (req, res) => {
        if (access(req) === 'denied') {
          sendError(res, new DsmError('DSM_DASHBOARD_TOKEN'));
          return;
        }
        o.hub.subscribe(res);
      },
    },
    {
      method: 'PUT',
      path: /^\/_dsm\/cluster\/nodes\/([^/]+)\/faults$/,
      auth: true,
      body: true,
      handle: async (req, res, m) => {
        const answer = await o.actions.setFaults(m[1] ?? '', await readSmallBody(req, MAX_FAULTS_BYTES));
        o.hub.nudge();
        sendJson(res, answer.status, answer.body);
      },
    },
    {
      method: 'GET',
      path: /^\/_dsm\/cluster\/pick\/(.+)$/,
      handle: async (req, res, m) => {
        const exclude = (queryOf(req).get('exclude') ?? '').split(',').filter((s) => s !== '');
        sendJson(res, 200, await o.actions.pick(m[1] ?? '', exclude));
      },
    },
    {
      method: 'PUT',
      path: /^\/_dsm\/cluster\/files\/(.+)$/,
      auth: true,
      body: true,
      handle: async (req, res, m) => {
        const id = queryOf(req).get('upload') ?? '';
        const answer = await o.actions.upload(m[1] ?? '', req, /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : '');
        o.hub.nudge();
        sendJson(res, 200, answer);
      },
    },
  ];
  if (o.index === undefined) return routes;
  const index = o.index;
  return [
    {
      method: 'GET',
      path: /^\/$/,
      handle: (req, res) => {
        const granted = access(req) === 'granted';
        const body = Buffer.from(
          granted ? renderIndex(index, { token: o.token, lang: o.lang }) : tokenPage(),
        );
        const cookie: Record<string, string> =
          granted && queryOf(req).get('token') !== null
            ? {
                'Set-Cookie': `${cookieName(req.headers.host)}=${o.token}; HttpOnly; SameSite=Strict; Path=/`,
              }
            : {};
        res.writeHead(granted ? 200 : 401, {
          ...cookie,
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': body.length,
          'Cache-Control': 'no-store',
          // The page holds the token: no other site may frame it (clickjacking on the Stop buttons).
          'X-Frame-Options': 'DENY',
          'Content-Security-Policy': "frame-ancestors 'none'",
          'Referrer-Policy': 'no-referrer',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
    },
    {
      method: 'GET',
      path: ASSET_PATH,
      handle: (req, res, m) => serveAsset(o.dir, m[1] ?? '', req, res),
    },
    ...routes,
  ];
}

function serveAsset(dir: string, file: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const stream = createReadStream(join(dir, file));
    stream.once('error', () => {
      if (!res.headersSent)
        sendError(res, new DsmError('DSM_NO_ROUTE', { method: req.method ?? 'GET', path: `/${file}` }));
      else res.destroy();
      resolve();
    });
    stream.once('open', () => {
      res.writeHead(200, {
        // By its extension: mime-types takes any argument with a "/" for a whole type ("assets/x.js").
        'Content-Type': mime.contentType(extname(file)) || 'application/octet-stream',
        // Vite puts a content hash in every asset's name: a new build has new names.
        'Cache-Control': file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') {
        stream.destroy();
        res.end();
        resolve();
        return;
      }
      stream.pipe(res);
      res.once('close', () => {
        stream.destroy();
        resolve();
      });
    });
  });
}
