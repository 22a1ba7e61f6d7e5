/**
 * Logging for servers: one line per event. Text lines for people (prefixed with the process's name),
 * in the CLI's language, or JSON lines (pino) for machines with `--log json`, always in English so that
 * they parse the same everywhere; `--quiet` drops the request lines only.
 *
 *   node1  GET /demo.mp4 206 bytes=0-1048575 1.0 MB (latency 50 ms, total 53 ms)
 *   node1  GET /demo.mp4 206 bytes=0-1048575 1.0 MB (latência 50 ms, total 53 ms)      --lang pt-BR
 */
import pino from 'pino';
import { formatBytes } from './format.js';
import { type Lang, type Localized, tr } from './i18n.js';

/** A message in one language (English), or in each language the CLI speaks. */
export type LogText = string | Localized;

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
  info(msg: LogText, fields?: Record<string, unknown>): void;
  warn(msg: LogText, fields?: Record<string, unknown>): void;
  error(msg: LogText, fields?: Record<string, unknown>): void;
  request(r: RequestLog): void;
  /**
   * False when `request` drops every record (`--quiet`, nothing else listening), so a server may skip
   * building them (formatting the path showed in profiles of the serving benchmark). Default true.
   */
  readonly logsRequests?: boolean;
}

export interface LoggerOptions {
  name: string;
  format: 'text' | 'json';
  quiet: boolean;
  /** Language of text lines (default English). */
  lang?: Lang;
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
}

const inLang = (lang: Lang, msg: LogText): string => (typeof msg === 'string' ? msg : tr(lang, msg));

export function formatRequestLine(name: string, r: RequestLog, lang: Lang = 'en'): string {
  const range = r.range ? ` ${r.range.replace(/\s+/g, '')}` : '';
  const aborted = r.aborted ? tr(lang, { en: ' aborted', 'pt-BR': ' interrompido' }) : '';
  const fault = r.fault ? tr(lang, { en: ` [fault: ${r.fault}]`, 'pt-BR': ` [falha: ${r.fault}]` }) : '';
  const latency = Math.round(r.latencyMs);
  const total = Math.round(r.totalMs);
  return `${name}  ${r.method} ${r.path} ${r.status}${range} ${formatBytes(r.bytes)}${aborted}${fault} ${tr(
    lang,
    {
      en: `(latency ${latency} ms, total ${total} ms)`,
      'pt-BR': `(latência ${latency} ms, total ${total} ms)`,
    },
  )}`;
}

export function createLogger(opts: LoggerOptions): Logger {
  if (opts.format === 'json') {
    const dest = opts.write
      ? { write: (s: string) => opts.write?.(s.endsWith('\n') ? s.slice(0, -1) : s) }
      : pino.destination({ dest: 1, sync: false });
    const p = pino({ base: { node: opts.name }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
    return {
      info: (msg, f) => p.info(f ?? {}, inLang('en', msg)),
      warn: (msg, f) => p.warn(f ?? {}, inLang('en', msg)),
      error: (msg, f) => p.error(f ?? {}, inLang('en', msg)),
      request: (r) => {
        if (!opts.quiet) p.info({ ...r }, 'request');
      },
      logsRequests: !opts.quiet,
    };
  }
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const writeErr = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = `${opts.name}  `;
  const lang = opts.lang ?? 'en';
  const warning = tr(lang, { en: 'warning', 'pt-BR': 'aviso' });
  const error = tr(lang, { en: 'error', 'pt-BR': 'erro' });
  return {
    info: (msg) => write(prefix + inLang(lang, msg)),
    warn: (msg) => writeErr(`${prefix}${warning}: ${inLang(lang, msg)}`),
    error: (msg) => writeErr(`${prefix}${error}: ${inLang(lang, msg)}`),
    request: (r) => {
      if (!opts.quiet) write(formatRequestLine(opts.name, r, lang));
    },
    logsRequests: !opts.quiet,
  };
}
