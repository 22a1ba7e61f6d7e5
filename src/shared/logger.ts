/**
 * Logging for servers: one line per event. Text lines for people (prefixed with the process's name),
 * or JSON lines (pino) for machines with `--log json`; `--quiet` drops the request lines only.
 *
 *   node1  GET /demo.mp4 206 bytes=0-1048575 1.0 MB (latency 50 ms, total 53 ms)
 */
import pino from 'pino';
import { formatBytes } from './format.js';

export interface RequestLog {
  method: string;
  path: string;
  status: number;
  /** The Range header as received, if any. */
  range?: string | undefined;
  /** Body bytes sent. */
  bytes: number;
  latencyMs: number;
  totalMs: number;
  /** The client went away before the response ended. */
  aborted?: boolean;
  /** The fault that decided this answer (`dsm fault`): hang, errors, down. */
  fault?: string | undefined;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  request(r: RequestLog): void;
}

export interface LoggerOptions {
  name: string;
  format: 'text' | 'json';
  quiet: boolean;
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
}

export function formatRequestLine(name: string, r: RequestLog): string {
  const range = r.range ? ` ${r.range.replace(/\s+/g, '')}` : '';
  const aborted = r.aborted ? ' aborted' : '';
  const fault = r.fault ? ` [fault: ${r.fault}]` : '';
  return `${name}  ${r.method} ${r.path} ${r.status}${range} ${formatBytes(r.bytes)}${aborted}${fault} (latency ${Math.round(
    r.latencyMs,
  )} ms, total ${Math.round(r.totalMs)} ms)`;
}

export function createLogger(opts: LoggerOptions): Logger {
  if (opts.format === 'json') {
    const dest = opts.write
      ? { write: (s: string) => opts.write?.(s.endsWith('\n') ? s.slice(0, -1) : s) }
      : pino.destination({ dest: 1, sync: false });
    const p = pino({ base: { node: opts.name }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
    return {
      info: (msg, f) => p.info(f ?? {}, msg),
      warn: (msg, f) => p.warn(f ?? {}, msg),
      error: (msg, f) => p.error(f ?? {}, msg),
      request: (r) => {
        if (!opts.quiet) p.info({ ...r }, 'request');
      },
    };
  }
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const writeErr = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = `${opts.name}  `;
  return {
    info: (msg) => write(prefix + msg),
    warn: (msg) => writeErr(`${prefix}warning: ${msg}`),
    error: (msg) => writeErr(`${prefix}error: ${msg}`),
    request: (r) => {
      if (!opts.quiet) write(formatRequestLine(opts.name, r));
    },
  };
}
