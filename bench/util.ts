/**
 * Small helpers shared by the benchmarks: tool lookup, free ports, test files, child processes that are
 * always cleaned up (also on Ctrl+C), /proc sampling and plain-text tables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { accessSync, constants, createReadStream, createWriteStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
/** Throughput and memory are reported in MB = 10^6 bytes, like the reference figures. */
export const MB = 1_000_000;

/** What every benchmark module receives from `run.ts`. */
export interface BenchContext {
  rounds: number;
  seconds: number;
  /** Progress goes to stderr so that stdout holds only the final report. */
  log: (msg: string) => void;
  /** Options that only one module understands (e.g. `workloads`, `serverCmd`). */
  options: Record<string, string | boolean | undefined>;
}

export interface BenchOutcome {
  /** The human-readable report (a table and notes). */
  report: string;
  /** Everything measured, written to bench/results/<name>-<date>.json. */
  json: unknown;
  /** False when a target is missed. */
  passed: boolean;
  /** The module has no targets: its figures are for information (passed is then true). */
  informational?: boolean;
}

export interface BenchModule {
  name: string;
  description: string;
  run: (ctx: BenchContext) => Promise<BenchOutcome>;
}

/** Thrown when a required program is not installed; run.ts prints the message alone and exits 1. */
export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------
// Tools

/** Full path of an executable found on PATH (plus the sbin folders, where nginx lives), or undefined. */
export function findExecutable(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const full = join(dir, name);
    if (isExecutable(full)) return full;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves each program to its path, or throws one MissingToolError that names all missing ones. */
export function requireTools(names: string[], hint: string): Record<string, string> {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const path = findExecutable(name);
    if (path) found[name] = path;
    else missing.push(name);
  }
  if (missing.length > 0) throw new MissingToolError(`${missing.join(', ')} not found: ${hint}`);
  return found;
}

/** First line printed by `cmd args` (stdout or stderr), for recording tool versions in the results. */
export async function commandVersion(cmd: string, args: string[]): Promise<string> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await once(child, 'close');
  return out.split('\n')[0]?.trim() ?? '';
}

// ---------------------------------------------------------------------------------------------------------
// Ports

/** A port that was free a moment ago: bind port 0, read the port the kernel chose, close. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('Cannot pick a free port: no address');
  return address.port;
}

/** Resolves once something accepts TCP connections on host:port; rejects after timeoutMs. */
export async function waitForPort(host: string, port: number, timeoutMs: number, alive: () => boolean) {
  const started = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`Process exited before listening on ${host}:${port}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`Nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await sleep(25);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Test files

/** The folder where test files are kept between runs (they take a few seconds to create). */
export const filesDir = join(tmpdir(), 'dsm-bench-files');

/**
 * Makes `name` in filesDir with `size` random bytes, unless a file of exactly that size is already there.
 * World-readable (nginx's worker runs as `nobody` when started by root). Returns the full path.
 */
export async function ensureRandomFile(
  name: string,
  size: number,
  log: (msg: string) => void,
): Promise<string> {
  await mkdir(filesDir, { recursive: true });
  await chmod(filesDir, 0o755);
  const path = join(filesDir, name);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isFile() && existing.size === size) return path;
  log(`creating ${path} (${formatBytes(size)} of random bytes)`);
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { mode: 0o644 });
  const chunkSize = 4 * MiB;
  for (let written = 0; written < size; ) {
    const n = Math.min(chunkSize, size - written);
    // A fresh buffer per chunk: the stream keeps a reference until the bytes are written.
    const chunk = randomFillSync(Buffer.allocUnsafe(n));
    written += n;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await rename(partial, path);
  return path;
}

/** Reads a file once so that its pages are in the page cache before anyone measures. */
export async function warmPageCache(path: string): Promise<void> {
  const stream = createReadStream(path, { highWaterMark: 4 * MiB });
  for await (const _ of stream) {
    // discard
  }
}

/** Hard link (same inode, so the same page cache) or, failing that, a copy. */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup: child processes and temp folders are registered here and removed on exit, error or Ctrl+C.

const cleanups = new Set<() => Promise<void>>();

/** Registers an async cleanup; returns a function that runs it now and unregisters it. */
export function onCleanup(fn: () => Promise<void>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    await fn();
  };
  cleanups.add(once);
  return once;
}

/** Runs every registered cleanup (children first, since they were registered later). */
export async function runCleanups(): Promise<void> {
  for (const fn of [...cleanups].reverse()) {
    await fn().catch((err: unknown) => console.error(`cleanup failed: ${String(err)}`));
  }
}

let signalsInstalled = false;
let stopping = false;

/** True once Ctrl+C (or SIGTERM) was received: nothing new may start, and errors are not worth printing. */
export const isStopping = () => stopping;

/**
 * On SIGINT/SIGTERM: stop all children, remove temp folders, exit 130. Ctrl+C again after a second exits
 * at once; a repeat within the second is ignored, because `npm run` forwards the terminal's SIGINT to us
 * as well, so one Ctrl+C usually arrives twice.
 */
export function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  let firstAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) {
        if (Date.now() - firstAt > 1000) process.exit(130);
        return;
      }
      stopping = true;
      firstAt = Date.now();
      console.error(`\n${signal}: stopping servers and cleaning up...`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
}

/** A temp folder removed at cleanup. */
export async function tempDir(prefix: string): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  await chmod(path, 0o755);
  onCleanup(() => rm(path, { recursive: true, force: true }));
  return path;
}

export interface TrackedProcess {
  child: ChildProcess;
  pid: number;
  /** Everything printed so far (stdout and stderr interleaved, last 64 KiB). */
  output: () => string;
  alive: () => boolean;
  /** Resolves with the exit code or signal name. */
  exited: Promise<number | string>;
  /** SIGTERM by PID, SIGKILL after `graceMs`; resolves when the process is gone. */
  stop: (graceMs?: number) => Promise<void>;
}

/** Spawns a child that is killed (by its PID) at cleanup. */
export function spawnTracked(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? projectRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (d: Buffer) => {
    out = (out + d.toString()).slice(-65536);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // 'close', not 'exit': it comes after the last output, so `output()` is whole once this resolves
  // ('exit' can come first: a curl's `-w` line was sometimes missing, counted as a failed client).
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? signal ?? -1));
    child.on('error', () => resolve(-1));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = onCleanup(async () => {
    if (!alive() || child.pid === undefined) return;
    process.kill(child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (alive() && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(timer);
  });
  if (child.pid === undefined) throw new Error(`Cannot start ${cmd}`);
  const tracked: TrackedProcess = {
    child,
    pid: child.pid,
    output: () => out,
    alive,
    exited,
    stop: () => stop(),
  };
  return tracked;
}

/** Waits until `pattern` appears in the output of `p`; rejects if it exits first or after timeoutMs. */
export async function waitForOutput(p: TrackedProcess, pattern: RegExp, timeoutMs: number) {
  const started = Date.now();
  for (;;) {
    const m = p.output().match(pattern);
    if (m) return m;
    if (!p.alive()) throw new Error(`Process exited before printing ${pattern}:\n${p.output()}`);
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${pattern}:\n${p.output()}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------------------
// /proc

export interface ProcMemory {
  /** Resident set size now, bytes. */
  rss: number;
  /** The anonymous part of rss (heap, buffers), bytes; the rest is mapped files and shared memory. */
  rssAnon: number;
  /** Peak resident set size since the process started ("high water mark"), bytes. */
  hwm: number;
}

/** VmRSS and VmHWM of a Linux process, or undefined if it is gone (or this is not Linux). */
export async function readProcMemory(pid: number): Promise<ProcMemory | undefined> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') * 1024, rssAnon: kb('RssAnon') * 1024, hwm: kb('VmHWM') * 1024 };
}

/** Clock ticks of the whole machine from the first line of /proc/stat. */
async function machineTicks(): Promise<{ work: number; total: number; steal: number } | undefined> {
  const text = await readFile('/proc/stat', 'utf8').catch(() => undefined);
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is already in user)
  const f = text?.split('\n')[0]?.trim().split(/\s+/).slice(1, 9).map(Number);
  if (!f || f.length < 8 || f.some((n) => !Number.isFinite(n))) return undefined;
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = f;
  return { work: user + nice + system, total: f.reduce((x, y) => x + y, 0), steal };
}

/** utime + stime of a process, plus cutime + cstime (its children that exited and were waited for). */
async function processTicks(pid: number | 'self'): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return 0;
  // Fields after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime ...; comm may contain spaces, so split after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i] ?? 0), 0);
}

export interface ForeignLoad {
  /** Share of all cores (0..1) used by programs other than this one, its children and `pids`. */
  other: number;
  /** Share of all cores the hypervisor gave to someone else (steal). */
  steal: number;
}

/**
 * Runs `fn` and measures the CPU that other programs took meanwhile: the machine's user + system time
 * minus that of this process, its children that have exited (wrk, curl) and the live `pids` (the servers).
 * Interrupt time is left out (loopback networking runs in softirq, charged to no process). On a shared
 * machine this tells a clean figure from one taken while, say, a test suite was running.
 */
export async function measureForeignLoad<T>(
  pids: number[],
  fn: () => Promise<T>,
): Promise<{ result: T; load: ForeignLoad | undefined }> {
  const own = async () => {
    let sum = await processTicks('self');
    for (const pid of pids) sum += await processTicks(pid);
    return sum;
  };
  const m0 = await machineTicks();
  const o0 = await own();
  const result = await fn();
  const m1 = await machineTicks();
  const o1 = await own();
  if (!m0 || !m1 || m1.total === m0.total) return { result, load: undefined };
  const total = m1.total - m0.total;
  const other = Math.max(0, m1.work - m0.work - (o1 - o0)) / total;
  return { result, load: { other, steal: (m1.steal - m0.steal) / total } };
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(n % GiB === 0 ? 0 : 2)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 2)} MiB`;
  return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 2)} KiB`;
}

/** 1234.5 → "1,235"; small numbers keep `digits` decimals. */
export function formatNumber(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** (max − min) / mean: how far apart the rounds were. */
export function spread(values: number[]): number {
  if (values.length < 2) return 0;
  return (Math.max(...values) - Math.min(...values)) / mean(values);
}

/** A plain-text table; columns listed in `right` are right-aligned. */
export function table(header: string[], rows: string[][], right: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** "2026-11-25T15-45-03" (local time, safe in file names). */
export function fileTimestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}
