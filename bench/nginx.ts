/**
 * The reference nginx of serving-baseline.md: 1 worker, sendfile on, tcp_nopush off, in the foreground
 * (daemon off), stopped by its PID. The config is the reference's, word for word; only the port, the root
 * and the pid file (in our temp folder, so parallel runs do not collide) are filled in.
 *
 * nginx prints nothing when it is ready, so readiness is "the port accepts connections". The port must be
 * concrete (no port 0), so a free one is picked first; if nginx still loses the race for it, another one
 * is tried.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, spawnTracked, type TrackedProcess, waitForPort } from './util.js';

export interface NginxConfig {
  port: number;
  root: string;
  pidFile: string;
}

/** The reference config (serving-baseline.md). `tcp_nopush on` would add a ~41 ms p99 on ranges. */
export function nginxConfig({ port, root, pidFile }: NginxConfig): string {
  return `worker_processes 1; daemon off; pid ${pidFile}; error_log stderr;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush off; keepalive_requests 100000;
  server { listen 127.0.0.1:${port}; root ${root}; } }
`;
}

export interface RunningNginx {
  process: TrackedProcess;
  port: number;
  url: string;
  /** The worker's PID (the master only supervises; the worker serves). */
  workerPid: number | undefined;
  stop: () => Promise<void>;
}

/** Starts nginx serving `root`; `dir` holds the config and pid file. */
export async function startNginx(opts: { nginx: string; root: string; dir: string }): Promise<RunningNginx> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const conf = join(opts.dir, 'nginx.conf');
    await writeFile(conf, nginxConfig({ port, root: opts.root, pidFile: join(opts.dir, 'nginx.pid') }));
    // -p: a prefix of our own, so nothing relative resolves into /usr/share/nginx.
    const p = spawnTracked(opts.nginx, ['-p', opts.dir, '-c', conf]);
    try {
      await waitForPort('127.0.0.1', port, 10_000, p.alive);
      const workerPid = await findChildPid(p.pid);
      // If nginx is SIGKILLed its worker would live on: make sure the worker goes too.
      const stop = async () => {
        await p.stop();
        if (workerPid !== undefined) await killOrphanWorker(workerPid);
      };
      return { process: p, port, url: `http://127.0.0.1:${port}`, workerPid, stop };
    } catch (err) {
      lastError = new Error(
        `${err instanceof Error ? err.message : String(err)}\nnginx said:\n${p.output()}`,
      );
      await p.stop();
    }
  }
  throw lastError;
}

async function findChildPid(pid: number): Promise<number | undefined> {
  for (let i = 0; i < 50; i++) {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    const first = text.trim().split(/\s+/)[0];
    if (first) return Number(first);
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/** Kills `pid` only if it is still an nginx worker (it normally exits with its master). */
async function killOrphanWorker(pid: number): Promise<void> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.startsWith('nginx: worker')) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
