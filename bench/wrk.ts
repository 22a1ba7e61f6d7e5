/**
 * Runs wrk 4.1 and reads its results.
 *
 * Every run gets a Lua script with a `done()` hook that prints one `WRK_JSON {...}` line with the exact
 * request and byte counts and duration (wrk's own text rounds "2.56GB read" to 3 digits). `done()`
 * runs once at the end and costs nothing per request. A script never defines `response()` in a measured
 * run: that makes wrk hand every response to Lua, which costs about 20% of req/s (see
 * serving-baseline.md); statuses are checked in a separate short run with `rangeVerifyScript`.
 *
 *   wrk --latency text        ->  p50 and p99 from the "50%" and "99%" lines of "Latency Distribution",
 *                                 socket errors, non-2xx count
 *   WRK_JSON line from done() ->  requests, bytes, duration (µs), and any counters the script kept
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MB, spawnTracked } from './util.js';

export interface WrkOptions {
  wrk: string;
  url: string;
  connections: number;
  /** wrk's default is 2; never more than connections (wrk refuses that). */
  threads?: number;
  seconds: number;
  /** Path of a Lua script (see the builders below). */
  script: string;
}

export interface WrkResult {
  requests: number;
  bytes: number;
  durationS: number;
  reqPerSec: number;
  /** MB/s with MB = 10^6 bytes, computed from the exact byte count. */
  mbPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: { connect: number; read: number; write: number; timeout: number };
  /** wrk's "Non-2xx or 3xx responses" count. */
  non2xx3xx: number;
  /** Whatever the script's done() printed besides the summary (e.g. status counts). */
  extra: Record<string, number>;
  raw: string;
}

/** Runs wrk once; rejects if it exits non-zero or its output cannot be read. */
export async function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const threads = Math.max(1, Math.min(opts.threads ?? 2, opts.connections));
  const args = [
    `-t${threads}`,
    `-c${opts.connections}`,
    `-d${opts.seconds}s`,
    '--latency',
    '-s',
    opts.script,
    opts.url,
  ];
  const p = spawnTracked(opts.wrk, args);
  const code = await p.exited;
  if (code !== 0) throw new Error(`wrk ${args.join(' ')} exited with ${code}:\n${p.output()}`);
  return parseWrkOutput(p.output());
}

const timeUnits: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "635.91us" → 0.63591 (ms). */
export function parseWrkTime(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`Cannot parse wrk time ${JSON.stringify(text)}: expected a number and us/ms/s/m/h`);
  return Number(m[1]) * (timeUnits[m[2] ?? ''] ?? Number.NaN);
}

/** Reads wrk's text output (run with --latency) plus the WRK_JSON line printed by our done() hook. */
export function parseWrkOutput(raw: string): WrkResult {
  const num = (re: RegExp) => {
    const m = re.exec(raw);
    return m ? Number(m[1]) : 0;
  };
  const percentile = (p: number) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)\\s*$`, 'm').exec(raw);
    if (!m?.[1]) throw new Error(`Cannot find the ${p}% line in wrk output (was --latency given?):\n${raw}`);
    return parseWrkTime(m[1]);
  };
  const jsonLine = /^WRK_JSON (.*)$/m.exec(raw)?.[1];
  if (!jsonLine) throw new Error(`wrk printed no WRK_JSON line (script without done()?):\n${raw}`);
  const summary = JSON.parse(jsonLine) as Record<string, number>;
  const { requests = 0, bytes = 0, duration_us = 0, ...extra } = summary;
  const durationS = duration_us / 1e6;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  return {
    requests,
    bytes,
    durationS,
    reqPerSec: requests / durationS,
    mbPerSec: bytes / MB / durationS,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    errors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
    },
    non2xx3xx: num(/Non-2xx or 3xx responses: (\d+)/),
    extra,
    raw,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Lua scripts

/** done(): print the exact totals as one JSON line, plus any per-thread counters named in `counters`. */
function doneHook(counters: string[]): string {
  const sums = counters.map(
    (c) => `  local ${c} = 0\n  for _, t in ipairs(threads) do ${c} = ${c} + (t:get('${c}') or 0) end`,
  );
  const fields = counters.map((c) => `',"${c}":' .. string.format('%.0f', ${c})`);
  return `
function done(summary, latency, requests)
${sums.join('\n')}
  io.write('WRK_JSON {"requests":' .. string.format('%.0f', summary.requests)
    .. ',"bytes":' .. string.format('%.0f', summary.bytes)
    .. ',"duration_us":' .. string.format('%.0f', summary.duration)
    ${fields.map((f) => `.. ${f}`).join('\n    ')}
    .. '}\\n')
end
`;
}

/** Threads are numbered in setup() (which runs in the main Lua state) so each can seed its own random. */
const threadSetup = `
threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set('tid', #threads)
end
`;

/** Plain GET of wrk's URL; only adds done(). */
export function plainScript(): string {
  return `-- plain GET (static request), exact totals in done()\n${threadSetup}${doneHook([])}`;
}

/** The random-range request generator, shared by the measured and the checking script. */
function rangeRequests(fileSize: number, block: number): string {
  return `-- random ${block}-byte ranges, block-aligned, in a ${fileSize}-byte file
${threadSetup}
local block = ${block}
local nblocks = ${Math.floor(fileSize / block)}

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
  local off = math.random(0, nblocks - 1) * block
  return wrk.format(nil, nil, { Range = 'bytes=' .. off .. '-' .. (off + block - 1) })
end
`;
}

/** GETs with `Range: bytes=OFF-(OFF+block-1)` at random block-aligned offsets in a file of `fileSize`. */
export function rangeScript(fileSize: number, block: number): string {
  return rangeRequests(fileSize, block) + doneHook([]);
}

/**
 * The same random ranges, counting in `response()` the answers that are 206 with a body of exactly `block`
 * bytes (`ok`) and all others (`bad`, of which `s200` were 200s: Range ignored). Slower (every response
 * goes through Lua): for the separate check pass only, never for a measured run.
 */
export function rangeVerifyScript(fileSize: number, block: number): string {
  return `${rangeRequests(fileSize, block)}
ok = 0
bad = 0
s200 = 0

function response(status, headers, body)
  if status == 206 and #body == block then
    ok = ok + 1
  else
    bad = bad + 1
    if status == 200 then s200 = s200 + 1 end
  end
end
${doneHook(['ok', 'bad', 's200'])}`;
}

/** Writes a script to `dir/name` and returns its path. */
export async function writeScript(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
