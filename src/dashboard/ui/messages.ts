/**
 * Every text of the dashboard page, English and Brazilian Portuguese side by side, so that a missing
 * translation shows in review. `{name}` marks a parameter, filled by `t()`.
 */

export type Lang = 'en' | 'pt-BR';

type Entry = { en: string; 'pt-BR': string };

const catalog = {
  title: { en: 'dsm cluster', 'pt-BR': 'cluster dsm' },
  live: { en: 'live', 'pt-BR': 'ao vivo' },
  reconnecting: { en: 'reconnecting…', 'pt-BR': 'reconectando…' },
  readOnly: {
    en: 'read-only: open the tokenised URL that dsm cluster printed',
    'pt-BR': 'somente leitura: abra a URL com token que o dsm cluster mostrou',
  },
  language: { en: 'Language', 'pt-BR': 'Idioma' },
  close: { en: 'close', 'pt-BR': 'fechar' },

  nodesTitle: { en: 'Nodes', 'pt-BR': 'Nós' },
  noNodes: { en: 'waiting for the cluster…', 'pt-BR': 'aguardando o cluster…' },
  'state.starting': { en: 'starting', 'pt-BR': 'iniciando' },
  'state.up': { en: 'up', 'pt-BR': 'no ar' },
  'state.stopping': { en: 'stopping', 'pt-BR': 'parando' },
  'state.down': { en: 'down', 'pt-BR': 'parado' },
  'state.crashed': { en: 'crashed', 'pt-BR': 'caiu' },
  latency: { en: 'measured latency', 'pt-BR': 'latência medida' },
  requestsPerS: { en: 'requests/s', 'pt-BR': 'requisições/s' },
  bytesPerS: { en: 'sent/s', 'pt-BR': 'enviado/s' },
  totals: {
    en: '{requests} requests, {bytes} in total',
    'pt-BR': '{requests} requisições, {bytes} no total',
  },
  restarts: { en: 'restarts: {n}', 'pt-BR': 'reinícios: {n}' },
  stop: { en: 'Stop', 'pt-BR': 'Parar' },
  start: { en: 'Start', 'pt-BR': 'Iniciar' },
  faults: { en: 'Faults', 'pt-BR': 'Falhas' },
  noFaults: { en: 'no faults', 'pt-BR': 'sem falhas' },
  faultsUnknown: {
    en: 'faults unknown (node not answering)',
    'pt-BR': 'falhas desconhecidas (nó sem resposta)',
  },
  apply: { en: 'apply', 'pt-BR': 'aplicar' },
  clear: { en: 'clear', 'pt-BR': 'remover' },
  'fault.latency': { en: 'latency', 'pt-BR': 'latência' },
  'fault.bandwidth': { en: 'bandwidth', 'pt-BR': 'banda' },
  'fault.errors': { en: 'errors', 'pt-BR': 'erros' },
  'fault.hang': { en: 'hang', 'pt-BR': 'travar' },
  'fault.reset': { en: 'reset', 'pt-BR': 'cortar conexão' },
  'fault.down': { en: 'down', 'pt-BR': 'fora do ar' },
  'field.ms': { en: 'ms', 'pt-BR': 'ms' },
  'field.jitter': { en: '± ms', 'pt-BR': '± ms' },
  'field.kbps': { en: 'KB/s', 'pt-BR': 'KB/s' },
  'field.rate': { en: 'rate 0-1', 'pt-BR': 'taxa 0-1' },
  'field.status': { en: 'status', 'pt-BR': 'status' },
  'field.afterBytes': { en: 'after bytes', 'pt-BR': 'após bytes' },
  'field.toxicity': { en: '% of requests', 'pt-BR': '% das requisições' },
  'field.forSeconds': { en: 'for s (empty: until cleared)', 'pt-BR': 'por s (vazio: até limpar)' },
  'faults.common': { en: 'Each fault applies to', 'pt-BR': 'Cada falha vale para' },
  'describe.latency': { en: '+{ms} ms latency', 'pt-BR': '+{ms} ms de latência' },
  'describe.jitter': { en: ' (± {ms} ms)', 'pt-BR': ' (± {ms} ms)' },
  'describe.bandwidth': { en: 'bandwidth capped at {kbps} KB/s', 'pt-BR': 'banda limitada a {kbps} KB/s' },
  'describe.errors': {
    en: '{percent}% of requests answer {status}',
    'pt-BR': '{percent}% das requisições respondem {status}',
  },
  'describe.hang': { en: 'requests hang (never answered)', 'pt-BR': 'requisições travam (sem resposta)' },
  'describe.reset': {
    en: 'connection cut after {bytes} bytes',
    'pt-BR': 'conexão cortada após {bytes} bytes',
  },
  'describe.down': { en: 'down: every connection is reset', 'pt-BR': 'fora do ar: toda conexão é cortada' },
  'describe.toxicity': { en: ', {percent}% of the time', 'pt-BR': ', {percent}% das vezes' },
  'describe.remaining': { en: ' ({s} s left)', 'pt-BR': ' (faltam {s} s)' },
  'invalid.number': { en: '{field}: not a valid number', 'pt-BR': '{field}: número inválido' },
  'invalid.range': { en: '{field}: must be {min} to {max}', 'pt-BR': '{field}: deve ser de {min} a {max}' },

  playerTitle: { en: 'Player', 'pt-BR': 'Player' },
  modeGateway: { en: 'through the gateway', 'pt-BR': 'pelo gateway' },
  modeDirect: { en: 'direct (pick a node)', 'pt-BR': 'direto (escolher um nó)' },
  servedBy: { en: 'served by {node}', 'pt-BR': 'servido por {node}' },
  servedByNone: { en: 'waiting for the stream…', 'pt-BR': 'aguardando o stream…' },
  noDemo: { en: 'no demo video yet', 'pt-BR': 'ainda sem vídeo de demonstração' },
  switchLine: { en: '{from} → {to} at {at} ({why})', 'pt-BR': '{from} → {to} em {at} ({why})' },
  directStalled: { en: 'stalled', 'pt-BR': 'travou' },
  directError: { en: 'error', 'pt-BR': 'erro' },
  pickNone: { en: 'no node can serve {name} ({reason})', 'pt-BR': 'nenhum nó pode servir {name} ({reason})' },

  replicasTitle: { en: 'Replicas', 'pt-BR': 'Réplicas' },
  file: { en: 'file', 'pt-BR': 'arquivo' },
  size: { en: 'size', 'pt-BR': 'tamanho' },
  noFiles: { en: 'no files yet', 'pt-BR': 'ainda sem arquivos' },
  'cell.ok': { en: 'ok', 'pt-BR': 'ok' },
  'cell.stale': { en: 'stale', 'pt-BR': 'desatualizado' },
  'cell.missing': { en: 'missing', 'pt-BR': 'faltando' },
  'cell.corrupt': { en: 'corrupt', 'pt-BR': 'corrompido' },
  'cell.deleted': { en: 'deleted', 'pt-BR': 'apagado' },
  'cell.unknown': { en: 'unknown', 'pt-BR': 'desconhecido' },
  dropHere: {
    en: 'Drop a file here to upload it to every node, or',
    'pt-BR': 'Solte um arquivo aqui para enviá-lo a todos os nós, ou',
  },
  chooseFile: { en: 'choose a file', 'pt-BR': 'escolha um arquivo' },
  uploading: { en: 'uploading {name} ({size})', 'pt-BR': 'enviando {name} ({size})' },
  'upload.sending': { en: 'sending', 'pt-BR': 'enviando' },
  'upload.stored': { en: 'stored', 'pt-BR': 'gravado' },
  'upload.failed': { en: 'failed', 'pt-BR': 'falhou' },
  uploaded: {
    en: '{name}: {size}, version {version}, stored on {stored} of {total} nodes',
    'pt-BR': '{name}: {size}, versão {version}, gravado em {stored} de {total} nós',
  },

  logTitle: { en: 'Requests', 'pt-BR': 'Requisições' },
  allNodes: { en: 'all nodes', 'pt-BR': 'todos os nós' },
  'col.time': { en: 'time', 'pt-BR': 'hora' },
  'col.node': { en: 'node', 'pt-BR': 'nó' },
  'col.method': { en: 'method', 'pt-BR': 'método' },
  'col.path': { en: 'path', 'pt-BR': 'caminho' },
  'col.range': { en: 'range', 'pt-BR': 'intervalo' },
  'col.status': { en: 'status', 'pt-BR': 'status' },
  'col.bytes': { en: 'bytes', 'pt-BR': 'bytes' },
  'col.ms': { en: 'total ms', 'pt-BR': 'ms total' },
  showControl: {
    en: "show the cluster's own requests (/_dsm/…)",
    'pt-BR': 'mostrar as requisições do próprio cluster (/_dsm/…)',
  },
  noRequests: { en: 'no requests yet', 'pt-BR': 'ainda sem requisições' },

  scenariosTitle: { en: 'Classroom scenarios', 'pt-BR': 'Cenários para a aula' },
  run: { en: 'Run', 'pt-BR': 'Executar' },
  running: { en: 'running…', 'pt-BR': 'executando…' },
  undo: { en: 'Undo', 'pt-BR': 'Desfazer' },
  'latency.title': { en: 'Latency decides', 'pt-BR': 'A latência decide' },
  'latency.explain': {
    en: 'The client asks every node how fast it answers and picks the fastest. Make that node slow (1500 ms) and ask again: the choice moves to another node.',
    'pt-BR':
      'O cliente pergunta a cada nó quão rápido ele responde e escolhe o mais rápido. Deixe esse nó lento (1500 ms) e pergunte de novo: a escolha passa para outro nó.',
  },
  'latency.result': {
    en: 'pick chose {before} ({beforeMs}), now {after} ({afterMs})',
    'pt-BR': 'a escolha foi {before} ({beforeMs}), agora {after} ({afterMs})',
  },
  'latency.undone': {
    en: 'latency fault cleared on {node}',
    'pt-BR': 'falha de latência removida de {node}',
  },
  'availability.title': { en: 'A node goes down', 'pt-BR': 'Um nó cai' },
  'availability.explain': {
    en: 'Stop the node serving the video through the gateway. The gateway resumes the same bytes from another replica: the video keeps playing and "served by" changes. (Every node is first capped at 150 KB/s, so the video is still downloading when its node stops.)',
    'pt-BR':
      'Pare o nó que está servindo o vídeo pelo gateway. O gateway continua os mesmos bytes a partir de outra réplica: o vídeo segue tocando e "servido por" muda. (Antes, todo nó é limitado a 150 KB/s, para que o vídeo ainda esteja baixando quando o nó parar.)',
  },
  'availability.noStream': {
    en: 'the video did not start through the gateway',
    'pt-BR': 'o vídeo não começou pelo gateway',
  },
  'availability.result': {
    en: 'stopped {node}: watch the player keep going',
    'pt-BR': '{node} parado: veja o player continuar',
  },
  'availability.undo': {
    en: 'Start {node} again, remove the cap',
    'pt-BR': 'Iniciar {node} de novo, remover o limite',
  },
  'availability.undone': {
    en: '{node} started again, bandwidth cap removed',
    'pt-BR': '{node} iniciado de novo, limite de banda removido',
  },
  'replication.title': { en: 'Replication heals', 'pt-BR': 'A replicação se recupera' },
  'replication.explain': {
    en: 'Stop the last node and upload a note: it lands on the others only (the stopped node cannot be asked, so its cell says unknown). Start the node again: within seconds anti-entropy (nodes comparing their file lists) copies it over and the cell turns ok.',
    'pt-BR':
      'Pare o último nó e envie uma nota: ela chega só aos outros (o nó parado não pode ser consultado, então sua célula diz desconhecido). Inicie o nó de novo: em segundos o anti-entropy (os nós comparando suas listas de arquivos) copia a nota e a célula fica ok.',
  },
  'replication.result': {
    en: '{node} stopped, {name} stored on {stored} only: now start {node} and watch its cell',
    'pt-BR': '{node} parado, {name} gravado só em {stored}: agora inicie {node} e observe a célula dele',
  },
  'replication.undo': { en: 'Start {node}', 'pt-BR': 'Iniciar {node}' },
  'replication.undone': {
    en: '{node} is up: watch {name} turn ok in the matrix',
    'pt-BR': '{node} no ar: veja {name} ficar ok na matriz',
  },
  'cache.title': { en: 'Cache without Ctrl+F5', 'pt-BR': 'Cache sem Ctrl+F5' },
  'cache.explain': {
    en: 'Upload version.txt "v1" and read it twice: the second read is a revalidation (If-None-Match → 304 in the request log). Upload "v2" and read again: the new text shows at once, because nodes send Cache-Control: no-cache and a strong ETag.',
    'pt-BR':
      'Envie version.txt "v1" e leia duas vezes: a segunda leitura é uma revalidação (If-None-Match → 304 no log). Envie "v2" e leia de novo: o texto novo aparece na hora, porque os nós enviam Cache-Control: no-cache e um ETag forte.',
  },
  'cache.result': {
    en: 'from {node}: read "{first}", again "{second}" (revalidated), after the upload "{third}"',
    'pt-BR': 'de {node}: leu "{first}", de novo "{second}" (revalidado), após o envio "{third}"',
  },
  failedStep: { en: 'failed: {message}', 'pt-BR': 'falhou: {message}' },
  noNodeUp: { en: 'no node is up', 'pt-BR': 'nenhum nó no ar' },
  httpError: { en: 'HTTP {status}', 'pt-BR': 'HTTP {status}' },
} satisfies Record<string, Entry>;

export type MessageKey = keyof typeof catalog;
export type Params = Record<string, string | number>;

/** The text of `key` in `lang`, with each `{name}` replaced by `params.name` (left as is when absent). */
export function t(lang: Lang, key: MessageKey, params: Params = {}): string {
  const text = catalog[key][lang];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/** Every key, for the test that each one has both languages. */
export const MESSAGE_KEYS = Object.keys(catalog) as MessageKey[];

/** The page's language: what the user chose last time, else the cluster's (the dsm-lang meta), else English. */
export function chooseLang(stored: string | null, meta: string | null): Lang {
  for (const v of [stored, meta]) if (v === 'en' || v === 'pt-BR') return v;
  return 'en';
}
