/**
 * One storage node of `dsm cluster` as its own OS process (so that killing it is a real failure):
 * started, watched and stopped by the supervisor.
 *
 *            start()              "listening on …" line
 *   down ─────────────► starting ──────────────────────► up
 *   crashed ──┘             │ exits by itself             │ exits by itself
 *                           └──────────► crashed ◄────────┘
 *   starting, up ── stop() ──► stopping ── exits ──► down     (SIGTERM, then SIGKILL after the grace)
 *
 * The child's stdout and stderr are read line by line and handed to `onLine` (the supervisor prefixes
 * them with the node's name). Its real port is learnt from its "listening on" line: with port 0 in
 * nodes.json only the child knows it.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Clock } from '../shared/random.js';
import { parseListeningLine } from './listening-line.js';

export type NodeState = 'starting' | 'up' | 'stopping' | 'down' | 'crashed';

/** `child_process.spawn`, passed in so that tests can give a fake child. */
export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface NodeSnapshot {
  name: string;
  state: NodeState;
  /** Process id while a process exists (starting, up, stopping). */
  pid: number | null;
  /** The port it listens on; the last known one when down; null when only "any free port" is known. */
  port: number | null;
  /** Where it answers, while up. */
  url: string | null;
  /** How the last run ended (null while running, or never run). */
  exitCode: number | null;
  signal: string | null;
  /** The last line the node wrote to stderr: usually why it did not start. */
  lastError: string | null;
  /** Automatic restarts so far (`--restart`). */
  restarts: number;
}

export interface NodeExit {
  state: 'down' | 'crashed';
  code: number | null;
  signal: NodeJS.Signals | null;
  /** How long the process ran. */
  upForMs: number;
}

/**
 * What an ended process means, from the state it was in:
 *
 * | state when it ended | new state                                   |
 * |---------------------|---------------------------------------------|
 * | stopping            | down (it was asked to)                      |
 * | starting            | crashed (it never became ready)             |
 * | up                  | crashed (killed from outside, or a bug)     |
 */
export function stateAfterExit(state: NodeState): 'down' | 'crashed' {
  return state === 'stopping' ? 'down' : 'crashed';
}

export interface NodeProcessOptions {
  name: string;
  /** From nodes.json; 0 = any free port, learnt from the child. */
  configuredPort: number;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  spawn: SpawnFn;
  platform: NodeJS.Platform;
  clock: Clock;
  /** Time between the polite stop request and SIGKILL. */
  stopGraceMs: number;
  /** `start()` returns after this long even if the node has not said it listens yet. */
  startTimeoutMs: number;
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  onUp: (node: NodeSnapshot) => void;
  /** A message the node sent over the IPC channel (its request records: shared/request-feed.ts). */
  onMessage?: (message: unknown) => void;
  onExit: (exit: NodeExit, node: NodeSnapshot) => void;
}

export class NodeProcess {
  readonly name: string;
  restarts = 0;
  #state: NodeState = 'down';
  #child: ChildProcess | undefined;
  #port: number | null;
  #url: string | null = null;
  #exitCode: number | null = null;
  #signal: string | null = null;
  #lastError: string | null = null;
  #startedAt = 0;
  #ended: Promise<void> = Promise.resolve();
  #readyWaiters: Array<() => void> = [];
  readonly #o: NodeProcessOptions;

  constructor(opts: NodeProcessOptions) {
    this.#o = opts;
    this.name = opts.name;
    this.#port = opts.configuredPort || null;
  }

  get state(): NodeState {
    return this.#state;
  }

  snapshot(): NodeSnapshot {
    return {
      name: this.name,
      state: this.#state,
      pid: this.#child?.pid ?? null,
      port: this.#port,
      url: this.#state === 'up' ? this.#url : null,
      exitCode: this.#exitCode,
      signal: this.#signal,
      lastError: this.#lastError,
      restarts: this.restarts,
    };
  }

  /**
   * Starts the process unless it runs already; resolves once it listens, has ended, or the start
   * timeout has passed. Returns whether this call started it.
   */
  async start(): Promise<boolean> {
    if (this.#state === 'stopping') await this.#ended;
    if (this.#state === 'starting' || this.#state === 'up') return false;
    this.#spawn();
    await this.#ready();
    return true;
  }

  /** Stops the process (SIGTERM, SIGKILL after the grace) and resolves once it has ended. */
  async stop(): Promise<boolean> {
    const child = this.#child;
    if (!child || this.#state === 'down' || this.#state === 'crashed') return false;
    if (this.#state === 'stopping') {
      await this.#ended;
      return false;
    }
    this.#state = 'stopping';
    this.#wakeReady();
    if (this.#o.platform === 'win32') {
      // Windows delivers no SIGTERM: child.kill('SIGTERM') would terminate the node at once. Closing the
      // IPC channel asks it to stop gracefully instead (`dsm node` stops when its parent disconnects).
      if (child.connected) child.disconnect();
      else child.kill();
    } else {
      child.kill('SIGTERM');
    }
    // SIGKILL is TerminateProcess on Windows; a no-op if the process has ended meanwhile.
    const kill = setTimeout(() => child.kill('SIGKILL'), this.#o.stopGraceMs);
    await this.#ended;
    clearTimeout(kill);
    return true;
  }

  #spawn(): void {
    const o = this.#o;
    this.#state = 'starting';
    this.#exitCode = null;
    this.#signal = null;
    this.#lastError = null;
    this.#url = null;
    this.#startedAt = o.clock.now();
    const child = o.spawn(o.command, o.args, {
      cwd: o.cwd,
      env: o.env,
      // 'ipc': the node stops when this channel closes, so that it never outlives the supervisor, even
      // one killed with SIGKILL (see `dsm node`). stdin is not needed.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // POSIX: a process group of its own, so that Ctrl+C in the terminal reaches the supervisor only,
      // which then stops the nodes in order. On Windows `detached` would open a console per node.
      detached: o.platform !== 'win32',
      windowsHide: true,
    });
    this.#child = child;
    let ended: () => void = () => undefined;
    this.#ended = new Promise<void>((resolve) => {
      ended = resolve;
    });
    if (o.onMessage) child.on('message', o.onMessage);
    this.#readLines(child.stdout, 'stdout');
    this.#readLines(child.stderr, 'stderr');

    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      const exit: NodeExit = {
        state: stateAfterExit(this.#state),
        code,
        signal,
        upForMs: o.clock.now() - this.#startedAt,
      };
      this.#state = exit.state;
      this.#child = undefined;
      this.#exitCode = code;
      this.#signal = signal;
      this.#url = null;
      ended();
      this.#wakeReady();
      o.onExit(exit, this.snapshot());
    };
    child.on('error', (err) => {
      // Could not be spawned at all: no 'close' may follow. Other errors (a failed kill) change nothing.
      this.#lastError = err.message;
      if (child.pid === undefined) finish(null, null);
    });
    // 'close' rather than 'exit': it comes after the last output line, so a crash is reported after
    // the node's own last words.
    child.on('close', (code, signal) => finish(code, signal));
  }

  #readLines(stream: Readable | null, which: 'stdout' | 'stderr'): void {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      if (which === 'stderr' && line.trim() !== '') {
        const own = `${this.name}  `;
        this.#lastError = line.startsWith(own) ? line.slice(own.length) : line;
      }
      this.#o.onLine(which, line);
      if (this.#state !== 'starting' || which !== 'stdout') return;
      const address = parseListeningLine(line);
      if (!address) return;
      this.#port = address.port;
      this.#url = address.url;
      this.#state = 'up';
      this.#wakeReady();
      this.#o.onUp(this.snapshot());
    });
  }

  #ready(): Promise<void> {
    if (this.#state !== 'starting') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, this.#o.startTimeoutMs);
      this.#readyWaiters.push(done);
    });
  }

  #wakeReady(): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const w of waiters) w();
  }
}
