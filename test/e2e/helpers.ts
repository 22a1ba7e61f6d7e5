/**
 * Helpers for multi-process tests: start real `dsm` processes on port 0 and learn their ports
 * from the "listening on http://HOST:PORT" line they print when ready.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const dsmBin = join(projectRoot, 'bin', 'dsm.js');

export interface DsmProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output: () => string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/** Runs `dsm <args>` as a child process and collects its output; `nodeArgs` go to node itself. */
export function spawnDsm(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): DsmProcess {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), dsmBin, ...args], {
    cwd: opts.cwd ?? projectRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return { child, output: () => out, exited };
}

/** Runs `dsm <args>` to completion; returns exit code and output. */
export async function runDsm(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [dsmBin, ...args], {
    cwd: opts.cwd ?? projectRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | string>((resolve) => {
    child.on('exit', (c, s) => resolve(c ?? s ?? -1));
  });
  return { code, stdout, stderr };
}

/** Waits until `pattern` appears in the process output; rejects on exit or timeout. */
export async function waitForOutput(
  p: DsmProcess,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<RegExpMatchArray> {
  const started = Date.now();
  for (;;) {
    const m = p.output().match(pattern);
    if (m) return m;
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      throw new Error(`process exited before printing ${pattern}:\n${p.output()}`);
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RunningNode extends DsmProcess {
  port: number;
  url: string;
  stop: () => Promise<void>;
}

/** Starts `dsm node` on port 0 (extra flags appended) and waits until it listens. */
export async function startNode(opts: {
  name?: string;
  root: string;
  latencyMs?: number;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Flags for node itself (e.g. `--trace-gc`). */
  nodeArgs?: string[];
}): Promise<RunningNode> {
  const args = [
    'node',
    '--name',
    opts.name ?? 'node1',
    '--port',
    '0',
    '--root',
    opts.root,
    '--latency-ms',
    String(opts.latencyMs ?? 0),
    ...(opts.args ?? []),
  ];
  const p = spawnDsm(args, { env: opts.env, nodeArgs: opts.nodeArgs });
  const m = await waitForOutput(p, /listening on http:\/\/([^\s:]+|\[[^\]]+\]):(\d+)/);
  const port = Number(m[2]);
  return {
    ...p,
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await p.exited;
    },
  };
}

/** A fresh temporary folder, removed by the returned cleanup function. */
export async function tempDir(prefix = 'dsm-test-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Stops a `dsm` process as Ctrl+C would (SIGTERM), and SIGKILLs it if it has not ended after
 * `killAfterMs`; resolves when it has ended. A no-op for a process that has ended already.
 */
export async function stopDsm(p: DsmProcess, killAfterMs = 10_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const killer = setTimeout(() => p.child.kill('SIGKILL'), killAfterMs);
  await p.exited;
  clearTimeout(killer);
}

/**
 * `n` ports free right now on 127.0.0.1 (all held open together, so they differ), for a nodes.json whose
 * nodes must know each other's ports (anti-entropy): port 0 would not tell them.
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  await Promise.all(
    servers.map((srv) => new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()))),
  );
  const ports = servers.map((srv) => (srv.address() as { port: number }).port);
  await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  return ports;
}
