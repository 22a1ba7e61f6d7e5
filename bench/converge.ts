/**
 * Convergence benchmark: how long the cluster takes to heal a replica, with three local nodes (latency 0)
 * started from a nodes.json with the default anti-entropy period (3 s).
 *
 *   restart      node3 is stopped, `dsm replicate` stores a 100 MiB random file on node1 and node2
 *                (--min-copies 2, a new version each round), node3 is started again: the time from its
 *                spawn until its `GET /_dsm/files` lists that version with the right sha256. Process
 *                start-up is included. Target: under 5 s.
 *   corruption   node2 is restarted with `--scrub-interval-ms 500`; each round flips one byte of its copy
 *                in place, keeping size and modification time (bit rot; `touch -d @sec.nsec` puts the
 *                nanoseconds back): the time until node2 logs "found … corrupt" (detection) and until it
 *                lists the right sha256 again (repair). Detection is bounded by the scrub's read rate
 *                (50 MB/s by default: 2 s for 100 MiB) plus the pause between passes; no target.
 *
 * Each figure is taken `rounds` times (at least 3).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BenchContext,
  type BenchModule,
  type BenchOutcome,
  ensureRandomFile,
  formatNumber,
  freePort,
  MiB,
  MissingToolError,
  projectRoot,
  requireTools,
  sleep,
  spawnTracked,
  type TrackedProcess,
  table,
  tempDir,
  waitForOutput,
} from './util.js';

const FILE = { name: 'converge-100MiB.bin', size: 100 * MiB } as const;
const STORED_AS = 'converge.bin';
const NODES = ['node1', 'node2', 'node3'] as const;
type NodeName = (typeof NODES)[number];
const TOKEN = 'bench-converge-token-0123456789';
const ENV = { DSM_TOKEN: '' };
export const TARGETS = { restartMs: 5_000 } as const;
const SCRUB_INTERVAL_MS = 500;
const POLL_MS = 20;

export interface ConvergeBenchResult {
  fileBytes: number;
  /** Spawn of node3 to its listing of the new version, per round. */
  restartMs: number[];
  /** Spawn of node3 to its "listening on" line (Node start-up, store scan), per round. */
  listeningMs: number[];
  /** Byte flipped to the "found … corrupt" log line, per round. */
  detectMs: number[];
  /** Byte flipped to node2 listing the right sha256 again, per round. */
  repairMs: number[];
  targetRestartMs: number;
  passed: boolean;
  report: string;
}

const dsmArgs = (...args: string[]) => [join(projectRoot, 'bin', 'dsm.js'), ...args];

async function requireBuiltDsm(): Promise<void> {
  const main = join(projectRoot, 'dist', 'cli', 'main.js');
  const ok = await access(main).then(
    () => true,
    () => false,
  );
  if (!ok) throw new MissingToolError(`dsm is not built (${main} missing): run "npm run build" first`);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** The listed sha256 and version of the stored file on a node, or undefined. */
async function listed(port: number): Promise<{ sha256: string | null; version: number | null } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_dsm/files`, { signal: AbortSignal.timeout(2000) });
    const list = (await res.json()) as Array<{
      name: string;
      sha256?: string | null;
      version?: number | null;
    }>;
    const f = list.find((x) => x.name === STORED_AS);
    return f ? { sha256: f.sha256 ?? null, version: f.version ?? null } : undefined;
  } catch {
    return undefined;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(POLL_MS);
  }
}

/** One byte flipped in place; size and modification time (to the nanosecond) put back. */
async function rot(path: string, at: number): Promise<void> {
  const before = await stat(path, { bigint: true });
  const fh = await open(path, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, at);
  b[0] = (b[0] ?? 0) ^ 0x55;
  await fh.write(b, 0, 1, at);
  await fh.close();
  const sec = before.mtimeNs / 1_000_000_000n;
  const nsec = String(before.mtimeNs % 1_000_000_000n).padStart(9, '0');
  execFileSync('touch', ['-m', '-d', `@${sec}.${nsec}`, path]);
  if ((await stat(path, { bigint: true })).mtimeNs !== before.mtimeNs) {
    throw new Error('cannot put the modification time back (needs GNU touch)');
  }
}

export async function benchConverge(
  opts: { rounds?: number; log?: (msg: string) => void } = {},
): Promise<ConvergeBenchResult> {
  const rounds = Math.max(3, opts.rounds ?? 3);
  const log = opts.log ?? (() => undefined);
  requireTools(['touch'], 'touch (GNU coreutils) puts a nanosecond modification time back');
  await requireBuiltDsm();
  const source = await ensureRandomFile(FILE.name, FILE.size, log);
  const sha = await sha256Of(source);
  const dir = await tempDir('dsm-bench-converge-');
  const ports = new Map<NodeName, number>();
  while (new Set(ports.values()).size < NODES.length) {
    for (const n of NODES) ports.set(n, await freePort());
  }
  const config = join(dir, 'nodes.json');
  await writeFile(
    config,
    JSON.stringify({
      token: TOKEN,
      scrubIntervalMs: 0,
      nodes: NODES.map((n) => ({ name: n, port: ports.get(n), root: n })),
    }),
  );
  const running = new Map<NodeName, TrackedProcess>();
  const start = async (n: NodeName, extra: string[] = []) => {
    const p = spawnTracked(
      process.execPath,
      dsmArgs('node', '--config', config, '--name', n, '--quiet', ...extra),
      {
        env: ENV,
      },
    );
    running.set(n, p);
    await waitForOutput(p, /listening on http:\/\/\S+:\d+/, 15_000);
    return p;
  };
  const stop = async (n: NodeName) => {
    await running.get(n)?.stop();
    running.delete(n);
  };

  try {
    await Promise.all(NODES.map((n) => start(n)));
    const restartMs: number[] = [];
    const listeningMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await stop('node3');
      const r = spawnTracked(
        process.execPath,
        dsmArgs('replicate', source, '--as', STORED_AS, '--config', config, '--min-copies', '2', '--json'),
        { env: ENV },
      );
      const code = await r.exited;
      if (code !== 0) throw new Error(`dsm replicate exited with ${code}:\n${r.output()}`);
      const version = (JSON.parse(r.output()) as { version: number }).version;
      const started = performance.now();
      const node3 = start('node3').then((p) => {
        listeningMs.push(performance.now() - started);
        return p;
      });
      const port = ports.get('node3') as number;
      await until(
        'node3 lists the new version',
        async () => {
          const f = await listed(port);
          return f?.version === version && f.sha256 === sha;
        },
        60_000,
      );
      const ms = performance.now() - started;
      await node3;
      restartMs.push(ms);
      log(`restart ${i + 1}/${rounds}: node3 holds the new version ${Math.round(ms)} ms after its spawn`);
    }

    await stop('node2');
    const node2 = await start('node2', ['--scrub-interval-ms', String(SCRUB_INTERVAL_MS)]);
    const port2 = ports.get('node2') as number;
    const copy = join(dir, 'node2', STORED_AS);
    const detectMs: number[] = [];
    const repairMs: number[] = [];
    const count = (re: RegExp) => (node2.output().match(re) ?? []).length;
    for (let i = 0; i < rounds; i++) {
      await until('node2 holds a good copy', async () => (await listed(port2))?.sha256 === sha, 60_000);
      const found = count(/found converge\.bin v\d+ corrupt/g);
      const repaired = count(/repaired converge\.bin v\d+/g);
      await rot(copy, Math.floor(((i + 1) * FILE.size) / (rounds + 2)));
      const started = performance.now();
      let detected = Number.NaN;
      await until(
        'node2 found and repaired its copy',
        async () => {
          if (Number.isNaN(detected) && count(/found converge\.bin v\d+ corrupt/g) > found) {
            detected = performance.now() - started;
          }
          return count(/repaired converge\.bin v\d+/g) > repaired && (await listed(port2))?.sha256 === sha;
        },
        60_000,
      );
      const ms = performance.now() - started;
      detectMs.push(detected);
      repairMs.push(ms);
      log(
        `corruption ${i + 1}/${rounds}: found in ${Math.round(detected)} ms, repaired in ${Math.round(ms)} ms`,
      );
    }

    const f = (v: number) => formatNumber(v, 0);
    const passed = restartMs.every((ms) => ms < TARGETS.restartMs);
    const report = [
      `Convergence: 3 local nodes, a ${FILE.size / MiB} MiB file, anti-entropy every 3 s, ${rounds} rounds`,
      '',
      table(
        ['figure', 'median ms', 'each round, ms', 'target', 'ok'],
        [
          [
            'restart: spawn of node3 to the right sha256',
            f(median(restartMs)),
            restartMs.map(f).join(' '),
            `< ${TARGETS.restartMs}`,
            passed ? 'yes' : 'NO',
          ],
          [
            'restart: spawn of node3 to "listening on"',
            f(median(listeningMs)),
            listeningMs.map(f).join(' '),
            '',
            '',
          ],
          [
            `corruption: byte flipped to "found corrupt" (scrub every ${SCRUB_INTERVAL_MS} ms)`,
            f(median(detectMs)),
            detectMs.map(f).join(' '),
            '',
            '',
          ],
          ['corruption: byte flipped to repaired', f(median(repairMs)), repairMs.map(f).join(' '), '', ''],
        ],
        new Set([1]),
      ),
      '',
      'Detection waits for the scrub to reach the byte: up to the pause between passes plus the file read at',
      'the scrub rate limit (50 MB/s: about 2 s for 100 MiB). The repair is one pull of the whole file.',
    ].join('\n');
    return {
      fileBytes: FILE.size,
      restartMs,
      listeningMs,
      detectMs,
      repairMs,
      targetRestartMs: TARGETS.restartMs,
      passed,
      report,
    };
  } finally {
    await Promise.all(NODES.map(stop));
  }
}

export const convergeBench: BenchModule = {
  name: 'converge',
  description: 'anti-entropy: 100 MiB restart catch-up (target < 5 s) and bit-rot repair time',
  run: async (ctx: BenchContext): Promise<BenchOutcome> => {
    const r = await benchConverge({ rounds: ctx.rounds, log: ctx.log });
    const { report, ...json } = r;
    return { report, json, passed: r.passed };
  },
};
