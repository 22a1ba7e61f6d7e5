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
  DSM_UNAUTHORIZED: spec(
    401,
    () =>
      'Missing or wrong token: send "Authorization: Bearer <token>" (the token is in .dsm/token beside nodes.json)',
    () =>
      'Token ausente ou errado: envie "Authorization: Bearer <token>" (o token está em .dsm/token ao lado do nodes.json)',
  ),
  DSM_READ_ONLY: spec(
    403,
    (p) =>
      `Node ${p.node} is read-only: it was started without a token (set DSM_TOKEN or use --config nodes.json)`,
    (p) =>
      `O nó ${p.node} é somente leitura: foi iniciado sem token (defina DSM_TOKEN ou use --config nodes.json)`,
  ),
  DSM_BAD_NAME: spec(
    400,
    (p) => `Bad name ${p.name}: ${p.reason}`,
    (p) => `Nome inválido ${p.name}: ${p.reason}`,
  ),
  DSM_NAME_IS_FOLDER: spec(
    409,
    (p) => `Cannot store "${p.name}": a folder (or a file where a folder is needed) has that name`,
    (p) =>
      `Não é possível gravar "${p.name}": já existe uma pasta (ou um arquivo no lugar de uma pasta) com esse nome`,
  ),
  DSM_BAD_HEADER: spec(
    400,
    (p) => `Bad ${p.header} header: ${p.detail}`,
    (p) => `Cabeçalho ${p.header} inválido: ${p.detail}`,
  ),
  DSM_DIGEST_MISMATCH: spec(
    400,
    (p) => `Cannot verify "${p.name}": expected sha256 ${p.expected}, got ${p.actual}`,
    (p) => `Não foi possível verificar "${p.name}": sha256 esperado ${p.expected}, recebido ${p.actual}`,
  ),
  DSM_LENGTH_MISMATCH: spec(
    400,
    (p) => `Cannot store "${p.name}": expected ${p.expected} bytes, got ${p.actual}`,
    (p) => `Não foi possível gravar "${p.name}": esperados ${p.expected} bytes, recebidos ${p.actual}`,
  ),
  DSM_STALE_VERSION: spec(
    409,
    (p) =>
      `"${p.name}" version ${p.version} is not newer than version ${p.held} held by ${p.node}: the newer write wins`,
    (p) =>
      `A versão ${p.version} de "${p.name}" não é mais nova que a versão ${p.held} de ${p.node}: vence a escrita mais nova`,
  ),
  DSM_TOO_LARGE: spec(
    413,
    (p) => `"${p.name}" is larger than the node's upload limit of ${p.limit}`,
    (p) => `"${p.name}" é maior que o limite de envio do nó, ${p.limit}`,
  ),
  DSM_DISK_FULL: spec(
    507,
    (p) => `No space left on ${p.node} for "${p.name}": free some disk space and try again`,
    (p) => `Sem espaço em ${p.node} para "${p.name}": libere espaço em disco e tente de novo`,
  ),
  DSM_INTERNAL: spec(
    500,
    (p) => `Internal error: ${p.detail}`,
    (p) => `Erro interno: ${p.detail}`,
  ),
  // Faults (`/_dsm/faults`, `dsm fault`)
  DSM_BAD_FAULTS: spec(
    400,
    (p) => `Bad faults: ${p.detail}`,
    (p) => `Falhas inválidas: ${p.detail}`,
  ),
  DSM_FAULT_UNAVAILABLE: spec(
    503,
    (p) => `${p.node} answers 503 on purpose: an injected "errors" fault (dsm fault ${p.node} --clear)`,
    (p) => `${p.node} responde 503 de propósito: uma falha "errors" injetada (dsm fault ${p.node} --clear)`,
  ),
  DSM_FAULT_ERROR: spec(
    500,
    (p) => `${p.node} answers 500 on purpose: an injected "errors" fault (dsm fault ${p.node} --clear)`,
    (p) => `${p.node} responde 500 de propósito: uma falha "errors" injetada (dsm fault ${p.node} --clear)`,
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
  // Cluster: the supervisor's control API (`dsm cluster`) and the commands that talk to it
  DSM_NO_CLUSTER: spec(
    503,
    (p) => `no cluster is running on ${p.host}:${p.port}: start one with "dsm cluster"`,
    (p) => `nenhum cluster está rodando em ${p.host}:${p.port}: inicie um com "dsm cluster"`,
  ),
  DSM_NOT_A_CLUSTER: spec(
    502,
    (p) =>
      `${p.url} did not answer like a dsm cluster (${p.detail}): is something else using port ${p.port}?`,
    (p) =>
      `${p.url} não respondeu como um cluster dsm (${p.detail}): outro programa está usando a porta ${p.port}?`,
  ),
  DSM_NO_ROUTE: spec(
    404,
    (p) => `Nothing here answers ${p.method} ${p.path}`,
    (p) => `Nada aqui responde a ${p.method} ${p.path}`,
  ),
  // Node selection (`dsm pick`, exit code 1)
  DSM_PICK_ALL_DOWN: spec(
    503,
    (p) =>
      `Cannot pick a node for "${p.name}": none of the ${p.count} nodes in ${p.file} answered. Is the cluster running?`,
    (p) =>
      `Não foi possível escolher um nó para "${p.name}": nenhum dos ${p.count} nós de ${p.file} respondeu. O cluster está rodando?`,
  ),
  DSM_PICK_NOT_FOUND: spec(
    404,
    (p) =>
      `No healthy node holds "${p.name}" (asked: ${p.asked}). Check the name, or copy the file to a node`,
    (p) =>
      `Nenhum nó saudável tem "${p.name}" (consultados: ${p.asked}). Confira o nome, ou copie o arquivo para um nó`,
  ),
  DSM_PICK_DELETED: spec(
    410,
    (p) => `"${p.name}" was deleted (version ${p.version}, on ${p.node}): no node may serve it`,
    (p) => `"${p.name}" foi apagado (versão ${p.version}, em ${p.node}): nenhum nó pode servi-lo`,
  ),
  // Gateway (`/stream/<name>`)
  DSM_GATEWAY_ALL_DOWN: spec(
    503,
    (p) => `Cannot stream "${p.name}": no node answered (asked: ${p.asked}). Is the cluster running?`,
    (p) =>
      `Não foi possível transmitir "${p.name}": nenhum nó respondeu (consultados: ${p.asked}). O cluster está rodando?`,
  ),
  DSM_GATEWAY_UPSTREAM_FAILED: spec(
    502,
    (p) => `Cannot stream "${p.name}": every node that holds it failed (${p.failures})`,
    (p) => `Não foi possível transmitir "${p.name}": todos os nós que o têm falharam (${p.failures})`,
  ),
  // Dashboard (`dsm cluster`'s page and its API)
  DSM_NODE_NOT_UP: spec(
    409,
    (p) => `${p.node} is ${p.state}: start it first (the Start button, or dsm start ${p.node})`,
    (p) => `${p.node} está ${p.state}: inicie-o antes (o botão Iniciar, ou dsm start ${p.node})`,
  ),
  DSM_NODE_UNREACHABLE: spec(
    502,
    (p) => `${p.node} did not answer (${p.detail}): is it hanging? Try again, or stop and start it`,
    (p) => `${p.node} não respondeu (${p.detail}): está travado? Tente de novo, ou pare e inicie-o`,
  ),
  DSM_NO_NODE_UP: spec(
    503,
    (p) => `Cannot store "${p.name}": no node is up. Start one first`,
    (p) => `Não foi possível guardar "${p.name}": nenhum nó está no ar. Inicie um antes`,
  ),
  DSM_DASHBOARD_TOKEN: spec(
    401,
    () =>
      `This dashboard needs its token: open the address with ?token=… that dsm cluster printed when it started`,
    () => `Este painel exige o token: abra o endereço com ?token=… que o dsm cluster mostrou ao iniciar`,
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
