/**
 * Test helpers beside helpers.ts, for tests that must never leave a process behind:
 *
 * - `ProcessPool` spawns `dsm` like `spawnDsm`, but keeps stdout and stderr apart, bounds every wait
 *   with a timeout, and remembers every child so that `stopAll()` (called in `after`) can kill whatever
 *   is still running, even when a test failed half-way or a node never printed "listening on".
 * - `rawHttp` sends bytes exactly as given over a TCP socket: `fetch` and `new URL()` normalise `..`
 *   and percent-escapes away, an attacker does not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { dsmBin, projectRoot } from './helpers.js';

export interface TrackedProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** `Date.now()` when the process ended, undefined while it runs. */
  exitedAt: () => number | undefined;
}

export interface TrackedNode extends TrackedProcess {
  port: number;
  /** `http://127.0.0.1:<port>`, whatever address the node bound. */
  url: string;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const LISTENING = /listening on http:\/\/([^\s:/]+|\[[^\]]+\]):(\d+)/;

function running(p: TrackedProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

export class ProcessPool {
  private readonly all: TrackedProcess[] = [];

  /** Starts `dsm <args>` (English messages, no colours) and collects its output. */
  spawn(args: string[], opts: SpawnOptions = {}): TrackedProcess {
    const child = spawn(process.execPath, [dsmBin, ...args], {
      cwd: opts.cwd ?? projectRoot,
      env: { ...process.env, NO_COLOR: '1', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let endedAt: number | undefined;
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    // 'close' rather than 'exit': by then every byte the process printed has been read.
    const exited = new Promise<number | string>((resolve) => {
      child.on('close', (code, signal) => {
        endedAt = Date.now();
        resolve(code ?? signal ?? -1);
      });
    });
    const p: TrackedProcess = {
      child,
      stdout: () => out,
      stderr: () => err,
      exited,
      exitedAt: () => endedAt,
    };
    this.all.push(p);
    return p;
  }

  /**
   * Runs `dsm <args>` to its end. Kills it and throws if it is still running after `timeoutMs`, or as
   * soon as its output matches `failOn` (e.g. /listening on/ for a command that should have refused
   * to start).
   */
  async run(
    args: string[],
    opts: SpawnOptions & { timeoutMs?: number; failOn?: RegExp } = {},
  ): Promise<{ code: number | string; stdout: string; stderr: string }> {
    const p = this.spawn(args, opts);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const started = Date.now();
    let problem: string | undefined;
    while (running(p)) {
      if (opts.failOn && (opts.failOn.test(p.stdout()) || opts.failOn.test(p.stderr()))) {
        problem = `printed ${opts.failOn}`;
      } else if (Date.now() - started > timeoutMs) {
        problem = `was still running after ${timeoutMs} ms`;
      }
      if (problem) {
        p.child.kill('SIGKILL');
        await p.exited;
        throw new Error(
          `dsm ${args.join(' ')} ${problem} (killed)\nstdout: ${p.stdout()}\nstderr: ${p.stderr()}`,
        );
      }
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 20))]);
    }
    return { code: await p.exited, stdout: p.stdout(), stderr: p.stderr() };
  }

  /** Waits until `pattern` appears on stdout or stderr; throws on exit or timeout. */
  async waitFor(p: TrackedProcess, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const started = Date.now();
    for (;;) {
      const m = p.stdout().match(pattern) ?? p.stderr().match(pattern);
      if (m) return m;
      if (!running(p)) {
        throw new Error(`process exited before printing ${pattern}:\n${p.stdout()}${p.stderr()}`);
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`timed out waiting for ${pattern}:\n${p.stdout()}${p.stderr()}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Starts `dsm <args>` (a `dsm node …` command line) and waits until it listens. */
  async startNode(args: string[], opts: SpawnOptions = {}): Promise<TrackedNode> {
    const p = this.spawn(args, opts);
    const m = await this.waitFor(p, LISTENING);
    const port = Number(m[2]);
    return { ...p, port, url: `http://127.0.0.1:${port}` };
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has ended. */
  async stop(p: TrackedProcess, graceMs = 5_000): Promise<number | string> {
    if (running(p)) p.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (running(p)) p.child.kill('SIGKILL');
    }, graceMs);
    const code = await p.exited;
    clearTimeout(timer);
    return code;
  }

  /** Ends every process this pool started (for `after`). */
  async stopAll(): Promise<void> {
    await Promise.all(this.all.map((p) => this.stop(p, 2_000)));
  }
}

export interface RawResponse {
  /** Every byte received until the server closed the connection (or the timeout). */
  raw: Buffer;
  /** Status code of the first status line; 0 when there was none. */
  status: number;
  /** The header block of the first response, as text. */
  head: string;
  body: Buffer;
  /** The server closed the connection (as opposed to the timeout firing). */
  closedByServer: boolean;
}

/**
 * Sends `request` (a whole HTTP/1.1 request, exactly as given) over a new TCP connection and collects
 * the answer until the server closes the connection. Use `Connection: close` in the request.
 */
export function rawHttp(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByServer = true;
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after a complete answer is still an answer; before any byte it is a failure.
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const end = raw.indexOf('\r\n\r\n');
      const head = (end < 0 ? raw : raw.subarray(0, end)).toString('latin1');
      const body = end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4);
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(head);
      resolve({ raw, status: m ? Number(m[1]) : 0, head, body, closedByServer });
    });
  });
}

/** A header's value from a raw header block (first occurrence, case-insensitive). */
export function headerOf(head: string, name: string): string | undefined {
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === name.toLowerCase())
      return line.slice(i + 1).trim();
  }
  return undefined;
}
