/**
 * A fake child process for the supervisor's unit tests: it prints, ends and reacts to signals when
 * the test says so, so that crashes, slow stops and spawn failures are exact and fast.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { SpawnFn } from '../../src/supervisor/node-process.js';

/** A child process that does what the test tells it to. */
export class FakeChild extends EventEmitter {
  stdout = new PassThrough();
  stderr = new PassThrough();
  pid: number | undefined;
  connected = true;
  signals: string[] = [];
  disconnected = false;
  /** What a signal does: end the process (as a node does on SIGTERM) or nothing (a stuck node). */
  onSignal: (sig: string) => void = (sig) => this.exit(null, sig as NodeJS.Signals);

  constructor(pid: number | undefined) {
    super();
    this.pid = pid;
  }

  say(line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this[stream].write(`${line}\n`);
  }

  kill(sig: string = 'SIGTERM'): boolean {
    this.signals.push(sig);
    this.onSignal(sig);
    return true;
  }

  disconnect(): void {
    this.disconnected = true;
    this.connected = false;
    this.exit(0, null);
  }

  exit(code: number | null, signal: NodeJS.Signals | null): void {
    this.stdout.end();
    this.stderr.end();
    // 'close' comes once the streams have ended, as with a real child.
    setImmediate(() => this.emit('close', code, signal));
  }
}

export function fakeSpawn() {
  const children: FakeChild[] = [];
  const calls: Array<{ command: string; args: readonly string[]; options: SpawnOptions }> = [];
  let nextPid = 1000;
  const spawn: SpawnFn = (command, args, options) => {
    calls.push({ command, args, options });
    const child = new FakeChild(nextPid++);
    children.push(child);
    return child as unknown as ChildProcess;
  };
  return { spawn, children, calls };
}
