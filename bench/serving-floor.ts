/**
 * Serving floor (for information, no target): random 64 KiB ranges and a 16 KiB file, 32 connections,
 * from nginx, from a bare Node.js server (bench/serving-floor/server.mjs: readSync + res.end with dsm's
 * header set, nothing else) and from `dsm node`, interleaved per round (nginx, floor, ours; nginx…).
 * Reported as ratios to nginx and as ours / floor: how much of what Node itself reaches on this machine
 * our node keeps, next to the serving targets of `--only serving`.
 *
 *   npm run bench -- --only serving-floor --rounds 3
 */
import { join } from 'node:path';
import { startNginx } from './nginx.js';
import { FILES, type FileKey, prepareOursRoot, RANGE_BLOCK, startOurs } from './serving.js';
import {
  type BenchContext,
  type BenchModule,
  type BenchOutcome,
  ensureRandomFile,
  formatNumber,
  freePort,
  mean,
  projectRoot,
  requireTools,
  spawnTracked,
  type TrackedProcess,
  table,
  tempDir,
  waitForOutput,
  warmPageCache,
} from './util.js';
import { plainScript, rangeScript, runWrk, writeScript } from './wrk.js';

const SERVERS = ['nginx', 'floor', 'ours'] as const;
type Server = (typeof SERVERS)[number];
const CONNECTIONS = 32;

interface Row {
  workload: string;
  /** req/s of each round, per server. */
  rounds: Record<Server, number[]>;
  p99Ms: Record<Server, number[]>;
}

async function startFloor(root: string, names: string[]): Promise<{ url: string; process: TrackedProcess }> {
  const port = await freePort();
  const p = spawnTracked(process.execPath, [
    join(projectRoot, 'bench', 'serving-floor', 'server.mjs'),
    String(port),
    root,
    ...names,
  ]);
  await waitForOutput(p, /listening \d+/, 15_000);
  return { url: `http://127.0.0.1:${port}`, process: p };
}

/** One range from each server: a 206 with RANGE_BLOCK bytes, so that req/s means the same thing. */
async function checkServers(urls: Record<Server, (file: FileKey) => string>): Promise<void> {
  for (const server of SERVERS) {
    const range = `bytes=${RANGE_BLOCK}-${2 * RANGE_BLOCK - 1}`;
    const res = await fetch(urls[server]('big'), { headers: { Range: range } });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 206 || body.length !== RANGE_BLOCK) {
      throw new Error(`${server} answered Range: ${range} with ${res.status} and ${body.length} bytes`);
    }
  }
}

async function runServingFloor(ctx: BenchContext): Promise<BenchOutcome> {
  const { log, rounds, seconds } = ctx;
  const tools = requireTools(['wrk', 'nginx'], 'apt-get install -y nginx-light wrk');
  const big = await ensureRandomFile(FILES.big.name, FILES.big.size, log);
  const small = await ensureRandomFile(FILES.small.name, FILES.small.size, log);
  const filesRoot = join(big, '..');
  const work = await tempDir('dsm-bench-floor-');
  const oursRoot = join(work, 'ours-root');
  await prepareOursRoot(oursRoot, [big, small]);
  await warmPageCache(big);
  await warmPageCache(small);
  const scripts = {
    range: await writeScript(work, 'range.lua', rangeScript(FILES.big.size, RANGE_BLOCK)),
    plain: await writeScript(work, 'plain.lua', plainScript()),
  };

  log('starting nginx, the bare Node server and our node');
  /** Stops of the servers started so far: whatever happens next, each one is stopped. */
  const stops: Array<() => Promise<void>> = [];
  try {
    const nginx = await startNginx({ nginx: tools.nginx ?? 'nginx', root: filesRoot, dir: work });
    stops.push(nginx.stop);
    const floor = await startFloor(filesRoot, [FILES.big.name, FILES.small.name]);
    stops.push(floor.process.stop);
    const ours = await startOurs({
      root: oursRoot,
      cwd: work,
      serverCmd: undefined,
      pathTemplate: undefined,
      log,
    });
    stops.push(ours.stop);
    const byName = (base: string) => (file: FileKey) => `${base}/${FILES[file].name}`;
    const urls: Record<Server, (file: FileKey) => string> = {
      nginx: byName(nginx.url),
      floor: byName(floor.url),
      ours: ours.url,
    };
    await checkServers(urls);
    const workloads: Array<{ workload: string; file: FileKey; script: string }> = [
      { workload: 'range64k_c32', file: 'big', script: scripts.range },
      { workload: 'small_c32', file: 'small', script: scripts.plain },
    ];
    const rows: Row[] = [];
    for (const w of workloads) {
      const row: Row = {
        workload: w.workload,
        rounds: { nginx: [], floor: [], ours: [] },
        p99Ms: { nginx: [], floor: [], ours: [] },
      };
      for (let round = 1; round <= rounds; round++) {
        for (const server of SERVERS) {
          const r = await runWrk({
            wrk: tools.wrk ?? 'wrk',
            url: urls[server](w.file),
            connections: CONNECTIONS,
            seconds,
            script: w.script,
          });
          if (r.non2xx3xx > 0 || r.errors.read + r.errors.connect + r.errors.write > 0) {
            throw new Error(`${server} had errors on ${w.workload}:\n${r.raw}`);
          }
          row.rounds[server].push(r.reqPerSec);
          row.p99Ms[server].push(r.p99Ms);
          log(
            `${w.workload} round ${round}/${rounds} ${server.padEnd(5)} ${formatNumber(r.reqPerSec)} req/s`,
          );
        }
      }
      rows.push(row);
    }
    const json = { bench: 'serving-floor', date: new Date().toISOString(), rounds, seconds, rows };
    return { report: renderReport(rows, rounds, seconds), json, passed: true, informational: true };
  } finally {
    await Promise.all(stops.map((stop) => stop()));
  }
}

function renderReport(rows: Row[], rounds: number, seconds: number): string {
  const x = (a: number, b: number) => formatNumber(a / b, 2);
  const body = rows.map((r) => {
    const m = { nginx: mean(r.rounds.nginx), floor: mean(r.rounds.floor), ours: mean(r.rounds.ours) };
    const each = (s: Server) => r.rounds[s].map((v) => formatNumber(v)).join(' ');
    return [
      r.workload,
      formatNumber(m.nginx),
      `${formatNumber(m.floor)} (${each('floor')})`,
      x(m.floor, m.nginx),
      `${formatNumber(m.ours)} (${each('ours')})`,
      x(m.ours, m.nginx),
      x(m.ours, m.floor),
      `${formatNumber(mean(r.p99Ms.floor), 1)} / ${formatNumber(mean(r.p99Ms.ours), 1)}`,
    ];
  });
  return [
    `Serving floor: nginx, a bare Node.js server and dsm node, wrk ${CONNECTIONS} connections, ${rounds} interleaved rounds x ${seconds} s`,
    '',
    table(
      [
        'workload',
        'nginx req/s',
        'floor req/s (rounds)',
        'floor x nginx',
        'ours req/s (rounds)',
        'ours x nginx',
        'ours / floor',
        'p99 ms floor / ours',
      ],
      body,
      new Set([1, 3, 5, 6]),
    ),
    '',
    'floor: bench/serving-floor/server.mjs, node:http with one readSync and one res.end per request and',
    "dsm's header set; no path checks, conditional requests, multipart, faults or logging. For information:",
    'what Node itself reaches here; `--only serving` holds the targets (ours / nginx).',
  ].join('\n');
}

export const servingFloorBench: BenchModule = {
  name: 'serving-floor',
  description: 'ranges and a small file from nginx, a bare Node.js server and dsm node (for information)',
  run: runServingFloor,
};
