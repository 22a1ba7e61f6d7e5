/**
 * Node selection benchmark: how long `dsm pick` takes to decide, with the classroom's nodes at
 * 50 / 150 / 300 ms plus a fourth node that is hung (SIGSTOP: it accepts connections, never answers).
 *
 *   target     the decision takes at most samples × 50 ms + 100 ms (3 samples: 250 ms)
 *   measured   the `decisionMs` that `dsm pick demo.mp4 --no-open --json` reports (first request to
 *              decision, process start-up excluded), over `rounds` runs (at least 5); the whole
 *              process's wall time is reported beside it
 *   baseline   the original's way: GET /health on each node in turn, with the same 2 s timeout, so
 *              the sum of the latencies plus the hung node's timeout (model: 50 + 150 + 300 + 2000 ms),
 *              measured too
 *
 * Every node serves a copy of samples/demo.mp4 with the same mtime, hashed before measuring, so all
 * hold the same version and the pick is about latency alone.
 */
import { copyFile, mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHttpFetch } from '../src/client/http-fetch.js';
import { createNodeClient } from '../src/client/node-client.js';
import {
  type BenchContext,
  type BenchModule,
  type BenchOutcome,
  formatNumber,
  mean,
  onCleanup,
  projectRoot,
  spawnTracked,
  type TrackedProcess,
  table,
  tempDir,
  waitForOutput,
} from './util.js';

const LATENCIES_MS = [50, 150, 300];
const SAMPLES = 3;
const TIMEOUT_MS = 2000;
const MTIME = new Date('2026-01-01T00:00:00Z');

export interface PickBenchResult {
  /** `decisionMs` reported by each `dsm pick --json` run. */
  decisionMs: number[];
  /** Wall time of each whole `dsm pick` process (Node start-up, config, probing, output). */
  wallMs: number[];
  /** The node each run chose (node1 every time, or something is wrong). */
  chosen: string[];
  /** samples × 50 ms + 100 ms. */
  targetMs: number;
  medianDecisionMs: number;
  maxDecisionMs: number;
  /** The original's sequential probe, measured: each node in turn, the hung one until the timeout. */
  sequentialMs: number[];
  /** The same, as a model: the sum of the latencies plus the timeout. */
  sequentialModelMs: number;
  /** Every run decided within the target, and chose node1. */
  passed: boolean;
  /** A plain-text table of the above. */
  report: string;
}

interface StartedNode {
  name: string;
  port: number;
  process: TrackedProcess;
}

async function startNode(name: string, root: string, latencyMs: number): Promise<StartedNode> {
  const p = spawnTracked(process.execPath, [
    join(projectRoot, 'bin', 'dsm.js'),
    'node',
    '--name',
    name,
    '--port',
    '0',
    '--root',
    root,
    '--latency-ms',
    String(latencyMs),
    '--quiet',
  ]);
  const m = await waitForOutput(p, /listening on http:\/\/[^\s]+:(\d+)/, 15_000);
  return { name, port: Number(m[1]), process: p };
}

/** Waits until the node has hashed demo.mp4, so that its version is known and equal to the others'. */
async function waitHashed(port: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/demo.mp4`, { method: 'HEAD' });
    if (res.headers.get('etag')?.startsWith('"sha256-')) return;
    if (Date.now() - started > 15_000) throw new Error(`node on port ${port} never hashed demo.mp4`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `dsm pick` once; returns what it reported and how long the whole process took. */
async function runPick(config: string): Promise<{ decisionMs: number; wallMs: number; chosen: string }> {
  const started = performance.now();
  const p = spawnTracked(process.execPath, [
    join(projectRoot, 'bin', 'dsm.js'),
    'pick',
    'demo.mp4',
    '--config',
    config,
    '--no-open',
    '--json',
  ]);
  const code = await p.exited;
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`dsm pick exited with ${code}:\n${p.output()}`);
  const json = JSON.parse(p.output()) as { decisionMs: number; chosen: { node: string } | null };
  return { decisionMs: json.decisionMs, wallMs, chosen: json.chosen?.node ?? '(none)' };
}

/** The original's probe: GET /health on each node in turn, each with the timeout. */
async function sequentialProbe(nodes: StartedNode[]): Promise<number> {
  const http = createHttpFetch();
  const started = performance.now();
  for (const n of nodes) {
    const client = createNodeClient(`http://127.0.0.1:${n.port}`, http.fetch);
    await client.health(AbortSignal.timeout(TIMEOUT_MS)).catch(() => undefined);
  }
  const ms = performance.now() - started;
  http.close();
  return ms;
}

export async function benchPick(
  opts: { rounds?: number; sequentialRounds?: number; log?: (msg: string) => void } = {},
): Promise<PickBenchResult> {
  const rounds = Math.max(5, opts.rounds ?? 5);
  const log = opts.log ?? (() => undefined);
  const dir = await tempDir('dsm-bench-pick-');
  const names = ['node1', 'node2', 'node3', 'node4'];
  for (const name of names) {
    await mkdir(join(dir, name), { recursive: true });
    await copyFile(join(projectRoot, 'samples', 'demo.mp4'), join(dir, name, 'demo.mp4'));
    await utimes(join(dir, name, 'demo.mp4'), MTIME, MTIME);
  }
  log(`starting nodes at ${LATENCIES_MS.join(' / ')} ms and a fourth one to hang`);
  const nodes = await Promise.all(
    names.map((name, i) => startNode(name, join(dir, name), LATENCIES_MS[i] ?? 0)),
  );
  await Promise.all(nodes.map((n) => waitHashed(n.port)));
  const hung = nodes[3] as StartedNode;
  // Registered after the node's own cleanup, so it runs first: a stopped process cannot act on SIGTERM.
  const resume = onCleanup(async () => {
    if (hung.process.alive()) process.kill(hung.process.pid, 'SIGCONT');
  });
  const config = join(dir, 'nodes.json');
  await writeFile(
    config,
    JSON.stringify({ nodes: nodes.map((n) => ({ name: n.name, port: n.port, root: n.name })) }, null, 2),
  );

  try {
    process.kill(hung.process.pid, 'SIGSTOP');
    const decisionMs: number[] = [];
    const wallMs: number[] = [];
    const chosen: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await runPick(config);
      log(
        `run ${i + 1}/${rounds}: decided in ${r.decisionMs} ms (process ${Math.round(r.wallMs)} ms), chose ${r.chosen}`,
      );
      decisionMs.push(r.decisionMs);
      wallMs.push(r.wallMs);
      chosen.push(r.chosen);
    }
    const sequentialMs: number[] = [];
    for (let i = 0; i < (opts.sequentialRounds ?? 2); i++) {
      const ms = await sequentialProbe(nodes);
      log(`sequential probe ${i + 1}: ${Math.round(ms)} ms`);
      sequentialMs.push(ms);
    }

    const targetMs = SAMPLES * 50 + 100;
    const sorted = [...decisionMs].sort((a, b) => a - b);
    const medianDecisionMs = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    const maxDecisionMs = Math.max(...decisionMs);
    const sequentialModelMs = LATENCIES_MS.reduce((a, b) => a + b, 0) + TIMEOUT_MS;
    const passed = maxDecisionMs <= targetMs && chosen.every((c) => c === 'node1');
    const f = (v: number) => formatNumber(v, 0);
    const report = [
      `Node selection: dsm pick, nodes at ${LATENCIES_MS.join(' / ')} ms + one hung (SIGSTOP), ${SAMPLES} samples, ${rounds} runs`,
      '',
      table(
        ['figure', 'ms', 'target', 'ok'],
        [
          [
            'decision, median',
            f(medianDecisionMs),
            `≤ ${targetMs}`,
            medianDecisionMs <= targetMs ? 'yes' : 'NO',
          ],
          ['decision, max', f(maxDecisionMs), `≤ ${targetMs}`, maxDecisionMs <= targetMs ? 'yes' : 'NO'],
          ['decision, each run', decisionMs.map(f).join(' '), '', ''],
          ['whole process, mean', f(mean(wallMs)), '', ''],
          ['sequential probe (original), measured', sequentialMs.map(f).join(' '), '', ''],
          ['sequential probe (original), model', f(sequentialModelMs), '', ''],
        ],
        new Set([1]),
      ),
      '',
      `Chosen: ${chosen.join(', ')}.`,
    ].join('\n');
    return {
      decisionMs,
      wallMs,
      chosen,
      targetMs,
      medianDecisionMs,
      maxDecisionMs,
      sequentialMs,
      sequentialModelMs,
      passed,
      report,
    };
  } finally {
    await resume();
    await Promise.all(nodes.map((n) => n.process.stop()));
  }
}

/** For bench/run.ts: `modules = [servingBench, pickBench]`. */
export const pickBench: BenchModule = {
  name: 'pick',
  description: 'dsm pick decision time: nodes at 50/150/300 ms + a hung one (target samples × 50 + 100 ms)',
  run: async (ctx: BenchContext): Promise<BenchOutcome> => {
    const r = await benchPick({ rounds: ctx.rounds, log: ctx.log });
    const { report, ...json } = r;
    return { report, json, passed: r.passed };
  },
};
