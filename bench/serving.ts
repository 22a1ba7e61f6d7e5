/**
 * Serving benchmark: our storage node against the reference nginx, measured in the same run and reported
 * as ratios (ours / nginx), following /work/shared/reference/serving-baseline.md:
 *
 *   seq_c1, seq_c4   full GET of a 256 MiB random file, 1 and 4 connections        MB/s (MB = 10^6 bytes)
 *   range64k_c32     Range: bytes=OFF-(OFF+65535), random 64 KiB-aligned OFF,     req/s and p99 ms
 *                    32 connections; all-206 checked in a separate 1 s pass
 *   small_c32        full GET of a 16 KiB file, 32 connections                      req/s
 *
 * wrk 4.1 with its default 2 threads (1 for one connection); each figure is the mean of `rounds`
 * interleaved rounds of `seconds` each, per workload: nginx, ours, nginx, ours...
 *
 * Then a streaming test: 50 concurrent curl clients each GET a 1 GiB file and discard it, against a fresh
 * server process whose VmRSS is sampled from /proc every 100 ms (peak = max of the samples and VmHWM);
 * the aggregate MB/s is reported for nginx and ours.
 *
 * Our server gets its own root folder with hard links to the test files: the same inodes, so both servers
 * read the same page cache, and whatever our node writes into its root does not touch the shared files.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { basename, join } from 'node:path';
import { startNginx } from './nginx.js';
import {
  type BenchContext,
  type BenchModule,
  type BenchOutcome,
  commandVersion,
  ensureRandomFile,
  type ForeignLoad,
  formatBytes,
  formatNumber,
  freePort,
  GiB,
  KiB,
  linkOrCopy,
  MB,
  MiB,
  MissingToolError,
  mean,
  measureForeignLoad,
  projectRoot,
  readProcMemory,
  requireTools,
  sleep,
  spawnTracked,
  spread,
  table,
  tempDir,
  waitForOutput,
  warmPageCache,
} from './util.js';
import { plainScript, rangeScript, rangeVerifyScript, runWrk, type WrkResult, writeScript } from './wrk.js';

const BIG_SIZE = 256 * MiB;
const SMALL_SIZE = 16 * KiB;
const HUGE_SIZE = 1 * GiB;
export const RANGE_BLOCK = 64 * KiB;
export const FILES = {
  big: { name: 'big-256MiB.bin', size: BIG_SIZE },
  small: { name: 'small-16KiB.bin', size: SMALL_SIZE },
  huge: { name: 'huge-1GiB.bin', size: HUGE_SIZE },
} as const;
export type FileKey = keyof typeof FILES;

/** Targets for ours / nginx (and for peak RSS). */
export const TARGETS = { largeFiles: 0.6, ranges: 0.4, smallFiles: 0.3, rssMB: 200 } as const;
const RSS_CLIENTS = 50;
const RANGE_CHECK_SECONDS = 1;
/** Share of the CPU taken by other programs during a run above which the report warns about noise. */
const BUSY_WARNING = 0.1;
const pct = (x: number) => `${Math.round(x * 100)}%`;

interface Workload {
  id: string;
  file: FileKey;
  connections: number;
  /** Which figure the ratio is computed on. */
  metric: 'mbPerSec' | 'reqPerSec';
  unit: string;
  ranges: boolean;
  target: number;
}

const workload = (
  id: string,
  file: FileKey,
  connections: number,
  metric: Workload['metric'],
  target: number,
  ranges = false,
): Workload => ({
  id,
  file,
  connections,
  metric,
  unit: metric === 'mbPerSec' ? 'MB/s' : 'req/s',
  ranges,
  target,
});

export const WORKLOADS: Workload[] = [
  workload('seq_c1', 'big', 1, 'mbPerSec', TARGETS.largeFiles),
  workload('seq_c4', 'big', 4, 'mbPerSec', TARGETS.largeFiles),
  workload('range64k_c32', 'big', 32, 'reqPerSec', TARGETS.ranges, true),
  workload('small_c32', 'small', 32, 'reqPerSec', TARGETS.smallFiles),
];

type ServerLabel = 'nginx' | 'ours';
const SERVERS: ServerLabel[] = ['nginx', 'ours'];

interface Target {
  label: ServerLabel;
  pid: number;
  /** Every process of the server (nginx: master and worker), so that their CPU is not counted as "other". */
  pids: number[];
  url: (file: FileKey) => string;
  stop: () => Promise<void>;
}

/** Where our node serves a file of its root (`GET /<path>`, src/node/handler.ts); --path-template changes it. */
const DEFAULT_PATH_TEMPLATE = '/{name}';

export const servingBench: BenchModule = {
  name: 'serving',
  description:
    'static-file serving vs reference nginx (wrk), plus peak RSS while streaming 1 GiB to 50 clients',
  run: runServing,
};

async function runServing(ctx: BenchContext): Promise<BenchOutcome> {
  const { log, rounds, seconds, options } = ctx;
  const skipRss = options.skipRss === true;
  const serverCmd = typeof options.serverCmd === 'string' ? options.serverCmd : undefined;
  const pathTemplate = typeof options.pathTemplate === 'string' ? options.pathTemplate : undefined;
  const workloads = selectWorkloads(options.workloads);
  const rssClients = Number(options.rssClients ?? RSS_CLIENTS);
  if (!Number.isInteger(rssClients) || rssClients < 1) {
    throw new Error(`Cannot parse --rss-clients ${options.rssClients}: expected a whole number >= 1`);
  }

  const found = requireTools(
    skipRss ? ['wrk', 'nginx'] : ['wrk', 'nginx', 'curl'],
    `apt-get install -y nginx-light wrk${skipRss ? '' : ' curl'}`,
  );
  const tools = { wrk: found.wrk ?? 'wrk', nginx: found.nginx ?? 'nginx', curl: found.curl };
  if (!serverCmd) await requireBuiltDsm();

  const versions = {
    node: process.version,
    wrk: await commandVersion(tools.wrk, ['-v']),
    nginx: await commandVersion(tools.nginx, ['-v']),
  };

  // Test files (kept in os.tmpdir() between runs), then one temp folder for this run.
  const paths = {} as Record<FileKey, string>;
  for (const key of ['big', 'small', ...(skipRss ? [] : ['huge'])] as FileKey[]) {
    paths[key] = await ensureRandomFile(FILES[key].name, FILES[key].size, log);
  }
  const work = await tempDir('dsm-bench-');
  const oursRoot = join(work, 'ours-root');
  await prepareOursRoot(oursRoot, Object.values(paths));
  const filesRoot = join(paths.big, '..');
  const scripts = {
    plain: await writeScript(work, 'plain.lua', plainScript()),
    range: await writeScript(work, 'range.lua', rangeScript(BIG_SIZE, RANGE_BLOCK)),
    rangeVerify: await writeScript(work, 'range-verify.lua', rangeVerifyScript(BIG_SIZE, RANGE_BLOCK)),
  };
  await warmPageCache(paths.big);
  await warmPageCache(paths.small);

  log('starting nginx and our server');
  const nginx = await startNginxTarget(tools.nginx, filesRoot, work);
  let ours = await startOurs({ root: oursRoot, cwd: work, serverCmd, pathTemplate, log });
  const targets: Record<ServerLabel, Target> = { nginx, ours };

  // Both servers must return the right bytes before their speed means anything.
  for (const label of SERVERS) await checkContent(targets[label], paths);

  // Range statuses, checked apart from the measured runs (counting in Lua costs ~20% of req/s).
  const rangeCheck = workloads.some((w) => w.ranges)
    ? await checkRanges(tools.wrk, targets, scripts.rangeVerify, log)
    : undefined;

  const measured: WorkloadResult[] = [];
  for (const w of workloads)
    measured.push(await measureWorkload(w, { wrk: tools.wrk, targets, scripts, rounds, seconds, log }));

  // Streaming many large files at once: aggregate throughput, and our server's peak memory.
  let stream: StreamResult | undefined;
  if (!skipRss && tools.curl) {
    await warmPageCache(paths.huge);
    // A fresh process, so that VmHWM is this test's peak and not the wrk runs' (32 connections of ranges).
    await ours.stop();
    stream = await streamingTest({
      curl: tools.curl,
      nginx,
      startOurs: async () => {
        ours = await startOurs({ root: oursRoot, cwd: work, serverCmd, pathTemplate, log });
        return ours;
      },
      clients: rssClients,
      log,
    });
  }

  await ours.stop();
  await nginx.stop();

  const rangeOk = rangeCheck === undefined || rangeCheck.ours.allOk;
  const passed =
    measured.every((m) => m.pass) &&
    rangeOk &&
    (stream === undefined || (stream.rssPass && stream.allComplete));
  const json = {
    bench: 'serving',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, kernel: release() },
    versions,
    method: {
      reference: '/work/shared/reference/serving-baseline.md',
      rounds,
      secondsPerRound: seconds,
      interleaving: 'per workload: nginx, ours, nginx, ours...',
      wrkThreads: 'min(2, connections)',
      rangeCheckSeconds: RANGE_CHECK_SECONDS,
      mb: 1_000_000,
      ours:
        serverCmd ??
        'node bin/dsm.js node --name bench --port <P> --host 127.0.0.1 --root <dir> --latency-ms 0 --quiet',
    },
    targets: TARGETS,
    workloads: measured,
    rangeCheck,
    stream,
    passed,
  };
  return {
    report: renderReport({ rounds, seconds, measured, rangeCheck, stream, versions }),
    json,
    passed,
  };
}

function selectWorkloads(option: string | boolean | undefined): Workload[] {
  if (typeof option !== 'string') return WORKLOADS;
  const ids = option.split(',').map((s) => s.trim());
  const unknown = ids.filter((id) => !WORKLOADS.some((w) => w.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown workload ${unknown.join(', ')}: choose from ${WORKLOADS.map((w) => w.id).join(', ')}`,
    );
  }
  return WORKLOADS.filter((w) => ids.includes(w.id));
}

// ---------------------------------------------------------------------------------------------------------
// Servers

async function requireBuiltDsm(): Promise<void> {
  const main = join(projectRoot, 'dist', 'cli', 'main.js');
  const ok = await open(main).then(
    (f) => f.close().then(() => true),
    () => false,
  );
  if (!ok) throw new MissingToolError(`our server is not built (${main} missing): run "npm run build" first`);
}

async function startNginxTarget(bin: string, root: string, dir: string): Promise<Target> {
  const n = await startNginx({ nginx: bin, root, dir });
  return {
    label: 'nginx',
    pid: n.process.pid,
    pids: n.workerPid === undefined ? [n.process.pid] : [n.process.pid, n.workerPid],
    url: (file) => `${n.url}/${FILES[file].name}`,
    stop: n.stop,
  };
}

/** Our node's root: hard links to the shared test files (same page cache, separate folder). */
export async function prepareOursRoot(root: string, files: string[]): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const file of files) await linkOrCopy(file, join(root, basename(file)));
}

/**
 * Starts our node (or the `--server-cmd` stand-in, with {port}, {host} and {root} filled in) and waits for
 * its "listening on http://127.0.0.1:PORT" line.
 */
export async function startOurs(opts: {
  root: string;
  /** Not the project folder, so that a nodes.json there is not picked up. */
  cwd: string;
  serverCmd: string | undefined;
  pathTemplate: string | undefined;
  log: (msg: string) => void;
}): Promise<Target> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  let cmd: string;
  let args: string[];
  if (opts.serverCmd) {
    const fill = (s: string) =>
      s.replaceAll('{port}', String(port)).replaceAll('{host}', host).replaceAll('{root}', opts.root);
    [cmd = '', ...args] = opts.serverCmd.trim().split(/\s+/).map(fill);
    if (cmd === 'node') cmd = process.execPath;
  } else {
    cmd = process.execPath;
    args = [
      join(projectRoot, 'bin', 'dsm.js'),
      'node',
      '--name',
      'bench',
      '--port',
      String(port),
      '--host',
      host,
      '--root',
      opts.root,
      '--latency-ms',
      '0',
      '--quiet',
    ];
  }
  const p = spawnTracked(cmd, args, { cwd: opts.cwd });
  const m = await waitForOutput(p, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 60_000);
  const base = `http://${host}:${m[1]}`;
  const template = opts.pathTemplate ?? DEFAULT_PATH_TEMPLATE;
  await waitForHashes(base, opts.log);
  return {
    label: 'ours',
    pid: p.pid,
    pids: [p.pid],
    url: (file) => base + template.replace('{name}', encodeURIComponent(FILES[file].name)),
    stop: () => p.stop(),
  };
}

/**
 * Our node hashes files it does not know (SHA-256) in the background after it starts: ~1 s of CPU for
 * these files, which must not overlap a measured run. Waits until /_dsm/files lists every file with a
 * hash (a server without that endpoint, like a stand-in, is not waited for).
 */
export async function waitForHashes(base: string, log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  let logged = false;
  for (;;) {
    const res = await fetch(`${base}/_dsm/files`).catch(() => undefined);
    if (res?.status !== 200) {
      await res?.body?.cancel();
      return;
    }
    const files = (await res.json()) as { name: string; sha256: string | null }[];
    if (!Array.isArray(files) || files.every((f) => f.sha256 !== null)) return;
    if (!logged) log('waiting for our node to hash the test files');
    logged = true;
    if (Date.now() - started > 120_000) throw new Error('Our node did not hash the test files within 120 s');
    await sleep(200);
  }
}

/** Checks that a server returns the right bytes: the whole small file and a few 64 KiB ranges. */
async function checkContent(target: Target, paths: Record<FileKey, string>): Promise<void> {
  const fail = (msg: string): never => {
    throw new Error(`${target.label} serves wrong content: ${msg}`);
  };
  const small = await fetch(target.url('small'));
  const smallBody = Buffer.from(await small.arrayBuffer());
  if (small.status !== 200) fail(`GET ${target.url('small')} answered ${small.status}`);
  if (!smallBody.equals(await readFile(paths.small))) {
    fail(`GET ${target.url('small')}: body differs from the file`);
  }

  const full = await fetch(target.url('big'));
  await full.body?.cancel();
  if (full.status !== 200 || Number(full.headers.get('content-length')) !== BIG_SIZE) {
    fail(
      `GET ${target.url('big')} answered ${full.status}, content-length ${full.headers.get('content-length')}`,
    );
  }

  const file = await open(paths.big);
  try {
    for (const block of [0, 1234, BIG_SIZE / RANGE_BLOCK - 1]) {
      const off = block * RANGE_BLOCK;
      const range = `bytes=${off}-${off + RANGE_BLOCK - 1}`;
      const res = await fetch(target.url('big'), { headers: { Range: range } });
      const body = Buffer.from(await res.arrayBuffer());
      const want = Buffer.alloc(RANGE_BLOCK);
      await file.read(want, 0, RANGE_BLOCK, off);
      if (res.status !== 206) fail(`Range ${range} answered ${res.status}`);
      if (!body.equals(want)) fail(`Range ${range}: body differs from the file`);
      const contentRange = res.headers.get('content-range');
      if (contentRange !== `bytes ${off}-${off + RANGE_BLOCK - 1}/${BIG_SIZE}`) {
        fail(`Range ${range}: Content-Range ${contentRange}`);
      }
    }
  } finally {
    await file.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Measuring

/** Round figures without wrk's raw text (kept in the JSON only for odd runs). */
type RoundFigures = Omit<Round, 'raw'> & { raw?: string };

/** One wrk run, and the CPU other programs took while it ran. */
type Round = WrkResult & { load: ForeignLoad | undefined };

interface WorkloadResult {
  id: string;
  unit: string;
  connections: number;
  metric: Workload['metric'];
  nginx: number;
  ours: number;
  ratio: number;
  target: number;
  pass: boolean;
  p99Ms?: { nginx: number; ours: number };
  spread: { nginx: number; ours: number };
  problems: string[];
  /** Largest share of the CPU that other programs took during one of this workload's runs. */
  maxOtherCpu: number;
  rounds: Record<ServerLabel, RoundFigures[]>;
}

type RangeCheck = Record<ServerLabel, { ok: number; bad: number; s200: number; allOk: boolean }>;

/** One short wrk run per server that counts, in Lua, the answers that are 206 with a 64 KiB body. */
async function checkRanges(
  wrk: string,
  targets: Record<ServerLabel, Target>,
  script: string,
  log: (msg: string) => void,
): Promise<RangeCheck> {
  const out = {} as RangeCheck;
  for (const label of SERVERS) {
    const r = await runWrk({
      wrk,
      url: targets[label].url('big'),
      connections: 32,
      seconds: RANGE_CHECK_SECONDS,
      script,
    });
    const ok = r.extra.ok ?? 0;
    const bad = r.extra.bad ?? 0;
    out[label] = { ok, bad, s200: r.extra.s200 ?? 0, allOk: ok > 0 && bad === 0 };
    log(
      `range check ${label}: ${formatNumber(ok)} of ${formatNumber(ok + bad)} answers were 206 with 64 KiB`,
    );
  }
  return out;
}

/** `rounds` rounds of one workload, interleaved: nginx, ours, nginx, ours... */
async function measureWorkload(
  w: Workload,
  opts: {
    wrk: string;
    targets: Record<ServerLabel, Target>;
    scripts: { plain: string; range: string };
    rounds: number;
    seconds: number;
    log: (msg: string) => void;
  },
): Promise<WorkloadResult> {
  const runs: Record<ServerLabel, Round[]> = { nginx: [], ours: [] };
  const pids = SERVERS.flatMap((label) => opts.targets[label].pids);
  for (let round = 1; round <= opts.rounds; round++) {
    for (const label of SERVERS) {
      const { result, load } = await measureForeignLoad(pids, () =>
        runWrk({
          wrk: opts.wrk,
          url: opts.targets[label].url(w.file),
          connections: w.connections,
          seconds: opts.seconds,
          script: w.ranges ? opts.scripts.range : opts.scripts.plain,
        }),
      );
      const r = { ...result, load };
      runs[label].push(r);
      const p99 = w.ranges ? `, p99 ${formatNumber(r.p99Ms, 1)} ms` : '';
      const other = load?.other ?? 0;
      const busy = other > BUSY_WARNING ? `other programs took ${pct(other)} of the CPU` : '';
      const note = [problems(r, w), busy].filter(Boolean).join(', ');
      opts.log(
        `${w.id} round ${round}/${opts.rounds} ${label.padEnd(5)} ${formatNumber(r[w.metric])} ${w.unit}${p99}${note ? `  (${note})` : ''}`,
      );
    }
  }
  return summarize(w, runs);
}

/**
 * `clients` curl clients GET the 1 GiB file at once from nginx, then from a fresh `ours` whose memory is
 * sampled every 100 ms; peak = max(sampled VmRSS, VmHWM at the end).
 */
async function streamingTest(opts: {
  curl: string;
  nginx: Target;
  startOurs: () => Promise<Target>;
  clients: number;
  log: (msg: string) => void;
}): Promise<StreamResult> {
  const { curl, clients, log } = opts;
  log(`streaming: ${clients} clients x 1 GiB from nginx`);
  const nginx = await streamClients(curl, opts.nginx, clients, HUGE_SIZE, opts.nginx.pids);
  log(`  nginx: ${formatNumber(nginx.mbPerSec)} MB/s aggregate in ${nginx.seconds.toFixed(1)} s`);

  const server = await opts.startOurs();
  log(`streaming: ${clients} clients x 1 GiB from ours (sampling the memory of PID ${server.pid})`);
  const before = await readProcMemory(server.pid);
  const sampler = sampleMemory(server.pid, 100);
  const ours = await streamClients(curl, server, clients, HUGE_SIZE, opts.nginx.pids);
  const samples = await sampler.stop();
  const after = await readProcMemory(server.pid);
  const peak = Math.max(samples.maxRss, after?.hwm ?? 0);
  log(
    `  ours: ${formatNumber(ours.mbPerSec)} MB/s aggregate in ${ours.seconds.toFixed(1)} s, peak RSS ${formatNumber(peak / MB)} MB`,
  );
  return {
    clients,
    fileBytes: HUGE_SIZE,
    nginx,
    ours,
    ratio: ours.mbPerSec / nginx.mbPerSec,
    oursMemory: {
      rssBeforeMB: (before?.rss ?? Number.NaN) / MB,
      maxSampledRssMB: samples.maxRss / MB,
      maxSampledRssAnonMB: samples.maxRssAnon / MB,
      vmHwmMB: (after?.hwm ?? Number.NaN) / MB,
      peakMB: peak / MB,
      samples: samples.count,
    },
    rssPass: peak / MB < TARGETS.rssMB,
    allComplete: nginx.failures.length === 0 && ours.failures.length === 0,
  };
}

/** Anything in a measured run that makes its figure suspect (errors, non-2xx answers, no requests). */
function problems(r: Round, w: Workload): string {
  const out: string[] = [];
  if (r.requests === 0 && r.bytes === 0) out.push('nothing received');
  if (r.non2xx3xx > 0) out.push(`${r.non2xx3xx} non-2xx answers`);
  const { connect, read, write, timeout } = r.errors;
  if (connect + read + write > 0) out.push(`socket errors: connect ${connect}, read ${read}, write ${write}`);
  // A 256 MiB body takes longer than wrk's 2 s timeout when a server is slow: wrk only counts it.
  if (timeout > 0 && w.file !== 'big') out.push(`${timeout} timeouts`);
  return out.join(', ');
}

function summarize(w: Workload, runs: Record<ServerLabel, Round[]>): WorkloadResult {
  const figure = (label: ServerLabel) => mean(runs[label].map((r) => r[w.metric]));
  const nginx = figure('nginx');
  const ours = figure('ours');
  const ratio = ours / nginx;
  const all = [
    ...runs.nginx.map((r) => ['nginx', r] as const),
    ...runs.ours.map((r) => ['ours', r] as const),
  ];
  const noted = all
    .map(([label, r]) => (problems(r, w) ? `${label}: ${problems(r, w)}` : ''))
    .filter(Boolean);
  const strip = (r: Round): RoundFigures => (problems(r, w) ? r : { ...r, raw: undefined });
  return {
    id: w.id,
    unit: w.unit,
    connections: w.connections,
    metric: w.metric,
    nginx,
    ours,
    ratio,
    target: w.target,
    pass: ratio >= w.target,
    ...(w.ranges
      ? {
          p99Ms: {
            nginx: mean(runs.nginx.map((r) => r.p99Ms)),
            ours: mean(runs.ours.map((r) => r.p99Ms)),
          },
        }
      : {}),
    spread: {
      nginx: spread(runs.nginx.map((r) => r[w.metric])),
      ours: spread(runs.ours.map((r) => r[w.metric])),
    },
    problems: [...new Set(noted)],
    maxOtherCpu: Math.max(0, ...all.map(([, r]) => r.load?.other ?? 0)),
    rounds: { nginx: runs.nginx.map(strip), ours: runs.ours.map(strip) },
  };
}

interface ClientsResult {
  seconds: number;
  /** CPU that other programs took meanwhile. */
  load: ForeignLoad | undefined;
  bytes: number;
  mbPerSec: number;
  /** Clients that did not get a 200 with the whole file. */
  failures: string[];
}

interface StreamResult {
  clients: number;
  fileBytes: number;
  nginx: ClientsResult;
  ours: ClientsResult;
  ratio: number;
  oursMemory: {
    rssBeforeMB: number;
    maxSampledRssMB: number;
    /** Heap and buffers, without mapped files (code, ICU data): what grows with the number of clients. */
    maxSampledRssAnonMB: number;
    vmHwmMB: number;
    peakMB: number;
    samples: number;
  };
  rssPass: boolean;
  allComplete: boolean;
}

/**
 * `clients` concurrent curl processes, each GETting the 1 GiB file from `target` to /dev/null; aggregate
 * MB/s = all bytes / wall time until the last one finished. `idlePids`: the other server, not "other load".
 */
async function streamClients(
  curl: string,
  target: Target,
  clients: number,
  size: number,
  idlePids: number[],
): Promise<ClientsResult> {
  const url = target.url('huge');
  const args = ['-sS', '--max-time', '600', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', url];
  const started = process.hrtime.bigint();
  const { result: results, load } = await measureForeignLoad(
    [...new Set([...target.pids, ...idlePids])],
    () =>
      Promise.all(
        Array.from({ length: clients }, async () => {
          const p = spawnTracked(curl, args);
          await p.exited;
          const out = p.output();
          const [status, bytes] = out.trim().split(/\s+/).slice(-2);
          return { status: Number(status), bytes: Number(bytes), out };
        }),
      ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = results.reduce((sum, r) => sum + (Number.isFinite(r.bytes) ? r.bytes : 0), 0);
  const failures = results.filter((r) => r.status !== 200 || r.bytes !== size).map((r) => r.out.trim());
  return { seconds, load, bytes, mbPerSec: bytes / MB / seconds, failures };
}

/** Samples VmRSS of `pid` every `everyMs` until stopped; returns the largest sample. */
function sampleMemory(pid: number, everyMs: number) {
  let maxRss = 0;
  let maxRssAnon = 0;
  let count = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const m = await readProcMemory(pid);
      if (m) {
        maxRss = Math.max(maxRss, m.rss);
        maxRssAnon = Math.max(maxRssAnon, m.rssAnon);
        count++;
      }
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { maxRss, maxRssAnon, count };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Report

function renderReport(r: {
  rounds: number;
  seconds: number;
  measured: WorkloadResult[];
  rangeCheck: RangeCheck | undefined;
  stream: StreamResult | undefined;
  versions: { node: string; wrk: string; nginx: string };
}): string {
  const mark = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const rows: string[][] = [];
  //             workload, unit, nginx, ours, ratio, target, mark, spread, other cpu
  const row = (...cells: string[]) => rows.push([...cells, '', '', '', '', '', '', '', '', ''].slice(0, 9));
  for (const m of r.measured) {
    const spreads = `${pct(m.spread.nginx)} / ${pct(m.spread.ours)}`;
    const target = `>= ${m.target}`;
    row(
      m.id,
      m.unit,
      formatNumber(m.nginx),
      formatNumber(m.ours),
      m.ratio.toFixed(2),
      target,
      mark(m.pass),
      spreads,
      pct(m.maxOtherCpu),
    );
    if (m.p99Ms) row('', 'p99 ms', formatNumber(m.p99Ms.nginx, 1), formatNumber(m.p99Ms.ours, 1));
  }
  const s = r.stream;
  if (s) {
    const other = Math.max(s.nginx.load?.other ?? 0, s.ours.load?.other ?? 0);
    const name = `stream_${s.clients}x1GiB`;
    const [nginx, ours] = [formatNumber(s.nginx.mbPerSec), formatNumber(s.ours.mbPerSec)];
    row(name, 'MB/s', nginx, ours, s.ratio.toFixed(2), '', s.allComplete ? '' : 'FAIL', '', pct(other));
    row('  peak RSS', 'MB', '', formatNumber(s.oursMemory.peakMB), '', `< ${TARGETS.rssMB}`, mark(s.rssPass));
  }
  const header = ['workload', 'unit', 'nginx', 'ours', 'ratio', 'target', '', 'spread n/o', 'other cpu'];
  const lines = [
    `Serving: ours / nginx in this run. wrk, ${r.rounds} interleaved rounds x ${r.seconds} s, MB = 10^6 bytes.`,
    `(${r.versions.nginx}, 1 worker, sendfile on, tcp_nopush off; ${r.versions.wrk.replace(/ Copyright.*/, '')}; node ${r.versions.node})`,
    '',
    table(header, rows, new Set([2, 3, 4, 7, 8])),
    '',
  ];
  for (const label of SERVERS) {
    const c = r.rangeCheck?.[label];
    if (c) {
      lines.push(
        `Range check (${RANGE_CHECK_SECONDS} s, separate pass) ${label}: ${formatNumber(c.ok)} of ${formatNumber(c.ok + c.bad)} ` +
          `answers were 206 with 64 KiB${c.s200 > 0 ? `, ${formatNumber(c.s200)} were 200 (Range ignored)` : ''} ` +
          `${mark(c.allOk)}`,
      );
    }
  }
  if (s) {
    const m = s.oursMemory;
    lines.push(
      `Streaming: ${s.clients} curl clients x ${formatBytes(s.fileBytes)}; nginx ${s.nginx.seconds.toFixed(1)} s, ours ` +
        `${s.ours.seconds.toFixed(1)} s. Ours RSS: ${formatNumber(m.rssBeforeMB)} MB idle, max sampled ` +
        `${formatNumber(m.maxSampledRssMB)} MB (${formatNumber(m.maxSampledRssAnonMB)} MB anonymous; ${m.samples} samples), ` +
        `VmHWM ${formatNumber(m.vmHwmMB)} MB.`,
    );
    for (const [label, c] of [['nginx', s.nginx] as const, ['ours', s.ours] as const]) {
      if (c.failures.length > 0)
        lines.push(`  ${label}: ${c.failures.length} clients failed, e.g. ${c.failures[0]}`);
    }
  }
  for (const m of r.measured) for (const p of m.problems) lines.push(`Warning ${m.id}: ${p}`);
  const loads = [
    ...r.measured.map((m) => m.maxOtherCpu),
    ...(s ? [s.nginx.load?.other ?? 0, s.ours.load?.other ?? 0] : []),
  ];
  const maxOther = Math.max(0, ...loads);
  if (maxOther > BUSY_WARNING) {
    lines.push(
      `Warning: other programs took up to ${pct(maxOther)} of the CPU during a run: figures are noisy, ` +
        'rerun on a quiet machine.',
    );
  }
  lines.push(
    'spread n/o: (max - min) / mean of the rounds, nginx / ours. other cpu: the largest share of the CPU ' +
      'that other programs took during one run of that line.',
  );
  return lines.join('\n');
}
