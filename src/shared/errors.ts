/**
 * One catalog of coded errors for the whole project (as Fastify's `lib/errors.js`): each code has its
 * HTTP status (or, for CLI-only errors, the status it would have) and its message in English and
 * Brazilian Portuguese. Tests assert on codes, not on wording.
 *
 * Messages say what is wrong and what to do, in one line, like
 * `Cannot verify "a.mp4": expected sha256 ab12…, got 9f…`.
 */
import type { Lang } from './i18n.js';

type Params = Record<string, string | number>;
type Template = (p: Params) => string;

interface ErrorSpec {
  status: number;
  en: Template;
  'pt-BR': Template;
}

const spec = (status: number, en: Template, pt: Template): ErrorSpec => ({ status, en, 'pt-BR': pt });

export const ERRORS = {
  // Requests
  DSM_BAD_PATH: spec(
    400,
    (p) => `Bad path ${p.path}: ${p.reason}`,
    (p) => `Caminho inválido ${p.path}: ${p.reason}`,
  ),
  DSM_FORBIDDEN_PATH: spec(
    403,
    (p) => `Forbidden: ${p.path} leads outside the node's folder`,
    (p) => `Proibido: ${p.path} leva para fora da pasta do nó`,
  ),
  DSM_NOT_FOUND: spec(
    404,
    (p) => `No file named "${p.name}" on this node`,
    (p) => `Nenhum arquivo chamado "${p.name}" neste nó`,
  ),
  DSM_METHOD_NOT_ALLOWED: spec(
    405,
    (p) => `Method ${p.method} is not allowed here (allowed: ${p.allowed})`,
    (p) => `Método ${p.method} não permitido aqui (permitidos: ${p.allowed})`,
  ),
  DSM_PRECONDITION_FAILED: spec(
    412,
    (p) => `Precondition failed for "${p.name}": it has changed (current ETag ${p.etag})`,
    (p) => `Pré-condição falhou para "${p.name}": o arquivo mudou (ETag atual ${p.etag})`,
  ),
  DSM_RANGE_NOT_SATISFIABLE: spec(
    416,
    (p) => `Range ${p.range} is outside "${p.name}" (${p.size} bytes)`,
    (p) => `Intervalo ${p.range} fora de "${p.name}" (${p.size} bytes)`,
  ),
  DSM_INTERNAL: spec(
    500,
    (p) => `Internal error: ${p.detail}`,
    (p) => `Erro interno: ${p.detail}`,
  ),
  // Start-up and usage (exit code 2)
  DSM_USAGE: spec(
    400,
    (p) => `${p.detail}`,
    (p) => `${p.detail}`,
  ),
  DSM_CONFIG_NOT_FOUND: spec(
    400,
    (p) => `Cannot read ${p.file}: no such file. Create it or pass --config <nodes.json>`,
    (p) => `Não foi possível ler ${p.file}: arquivo inexistente. Crie-o ou use --config <nodes.json>`,
  ),
  DSM_CONFIG_INVALID: spec(
    400,
    (p) => `Invalid ${p.file}: ${p.detail}`,
    (p) => `${p.file} inválido: ${p.detail}`,
  ),
  DSM_NODE_NOT_IN_CONFIG: spec(
    400,
    (p) => `No node named "${p.name}" in ${p.file} (it has: ${p.names})`,
    (p) => `Nenhum nó chamado "${p.name}" em ${p.file} (existem: ${p.names})`,
  ),
  DSM_PORT_IN_USE: spec(
    400,
    (p) => `port ${p.port} is already in use: is ${p.name} already running?`,
    (p) => `a porta ${p.port} já está em uso: ${p.name} já está rodando?`,
  ),
  DSM_LISTEN_FAILED: spec(
    400,
    (p) => `Cannot listen on ${p.host}:${p.port}: ${p.detail}`,
    (p) => `Não foi possível escutar em ${p.host}:${p.port}: ${p.detail}`,
  ),
  DSM_ROOT_UNUSABLE: spec(
    400,
    (p) => `Cannot use folder ${p.root}: ${p.detail}`,
    (p) => `Não foi possível usar a pasta ${p.root}: ${p.detail}`,
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** The one error type of the project: a code from the catalog plus its parameters. */
export class DsmError extends Error {
  readonly code: ErrorCode;
  readonly params: Params;
  readonly status: number;

  constructor(code: ErrorCode, params: Params = {}, options?: { cause?: unknown }) {
    super(ERRORS[code].en(params), options);
    this.name = 'DsmError';
    this.code = code;
    this.params = params;
    this.status = ERRORS[code].status;
  }

  /** The message in the given language. */
  localized(lang: Lang): string {
    return ERRORS[this.code][lang](this.params);
  }
}

export function isDsmError(err: unknown): err is DsmError {
  return err instanceof DsmError;
}

/** The JSON body of an HTTP error response. */
export function errorBody(err: DsmError): string {
  return JSON.stringify({ error: { code: err.code, message: err.message } });
}
