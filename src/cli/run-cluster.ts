/**
 * `dsm cluster` running: the supervisor and its node processes, the control API, the gateway and the
 * dashboard on one port, until Ctrl+C. The command and its flags are in `cluster-command.ts`, which
 * loads this file only when a cluster starts.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpFetch } from '../client/http-fetch.js';
import { nodeUrl } from '../client/node-url.js';
import { createClusterActions } from '../dashboard/cluster-actions.js';
import { isLoopbackAddress } from '../dashboard/dashboard-access.js';
import { DashboardHub } from '../dashboard/dashboard-hub.js';
import { loadIndex } from '../dashboard/dashboard-page.js';
import { dashboardRoutes } from '../dashboard/dashboard-routes.js';
import { createNodeProbe } from '../dashboard/node-probe.js';
import type { Gateway } from '../gateway/gateway-handler.js';
import { loadClusterConfig } from '../shared/config-loader.js';
import { DEFAULT_CLUSTER } from '../shared/config-schema.js';
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError } from '../shared/errors.js';
import { type Lang, tr } from '../shared/i18n.js';
import { sendError } from '../shared/json-response.js';
import { type Clock, type Rng, seededRng, systemClock } from '../shared/random.js';
import { resolveToken } from '../shared/token.js';
import { startControlServer } from '../supervisor/control-server.js';
import { colourFor, prefixLine } from '../supervisor/log-prefix.js';
import type { NodeSnapshot, SpawnFn } from '../supervisor/node-process.js';
import { DEFAULT_RESTART_POLICY, type RestartDecision } from '../supervisor/restart-policy.js';
import { Supervisor, type SupervisorEvent } from '../supervisor/supervisor.js';
import type { CliContext } from './cli-context.js';
import type { ClusterFlags } from './cluster-command.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';
import { exitDescription } from './exit-description.js';
import { lanUrls } from './lan-urls.js';
import { mayOpenBrowser, openUrl } from './open-url.js';
import { DEFAULT_CONFIG } from './options.js';
import { makeGateway } from './run-gateway.js';
import { DEMO_NAME, type SeedFn, seedDemo } from './seed-demo.js';
import { onShutdownSignal } from './signals.js';

/** The I/O of the command, passed in (tests and the later gateway/dashboard wiring). */
export interface ClusterDeps {
  spawn: SpawnFn;
  fetch: typeof fetch;
  clock: Clock;
  platform: NodeJS.Platform;
  seed: SeedFn;
  openBrowser: (url: string) => Promise<{ ok: true } | { ok: false; detail: string }>;
  /** For upload versions (`newVersion`). */
  rng: Rng;
  /** Where the built dashboard is (Vite's output). */
  dashboardDir: string;
}

/** `bin/dsm.js`, from dist/cli/ (or src/cli/ under tsx): the children run the same `dsm`. */
const DSM_BIN = fileURLToPath(new URL('../../bin/dsm.js', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../samples/demo.mp4', import.meta.url));
/** Vite's output, from dist/cli/ (or src/cli/ under tsx: the dashboard is always served built). */
const DASHBOARD_DIR = fileURLToPath(new URL('../../dist/dashboard-ui', import.meta.url));
/** The supervisor's own label in the log, beside the nodes' names. */
const LABEL = 'cluster';

export function defaultClusterDeps(ctx: CliContext): ClusterDeps {
  return {
    spawn,
    fetch,
    clock: systemClock,
    platform: process.platform,
    seed: seedDemo({ fetch, lang: ctx.lang, samplePath: SAMPLE, timeoutMs: DEFAULTS.probeTimeoutMs * 2 }),
    openBrowser: (url) => openUrl(url),
    rng: seededRng(Date.now() ^ process.pid),
    dashboardDir: DASHBOARD_DIR,
  };
}

/** Writes the original's three nodes to `file` unless it exists; true if it wrote. */
async function writeDefaultConfig(file: string): Promise<boolean> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(DEFAULT_CLUSTER, null, 2)}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DsmError('DSM_ROOT_UNUSABLE', { root: dirname(file), detail: (err as Error).message });
  }
}

export async function runCluster(flags: ClusterFlags, ctx: CliContext, deps: ClusterDeps): Promise<number> {
  const file = resolve(flags.config ?? DEFAULT_CONFIG);
  const wrote = await writeDefaultConfig(file);
  const cfg = await loadClusterConfig(file);
  const token = await resolveToken({
    envToken: ctx.env.DSM_TOKEN,
    configToken: cfg.token,
    configDir: cfg.dir,
    create: true,
  });
  // create: true always gives one; the check is for the type.
  if (!token) throw new DsmError('DSM_INTERNAL', { detail: 'no token' });

  const width = Math.max(LABEL.length, ...cfg.nodes.map((n) => n.name.length));
  const colours = new Map(cfg.nodes.map((n, i) => [n.name, ctx.color ? colourFor(i) : undefined]));
  const say = (line: string) => ctx.stdout.write(`${prefixLine(line, { name: LABEL, width })}\n`);
  const warn = (line: string) => ctx.stderr.write(`${prefixLine(line, { name: LABEL, width })}\n`);
  const t = (en: string, pt: string) => tr(ctx.lang, { en, 'pt-BR': pt });

  if (wrote) {
    say(
      t(
        `no cluster file: wrote ${file} with the original 3 nodes (ports 8001-8003, latency 50/150/300 ms)`,
        `sem arquivo de cluster: criado ${file} com os 3 nós originais (portas 8001-8003, latência 50/150/300 ms)`,
      ),
    );
  }

  let stopping = false;
  const stopRequested = onShutdownSignal(ctx, () => {
    stopping = true;
    say(t('stopping every node…', 'parando todos os nós…'));
  });

  const supervisor = new Supervisor({
    nodes: cfg.nodes,
    configFile: cfg.file,
    dsm: { command: process.execPath, args: [DSM_BIN] },
    extraArgs: ['--lang', ctx.lang],
    cwd: cfg.dir,
    env: { ...ctx.env, DSM_TOKEN: token.token },
    spawn: deps.spawn,
    platform: deps.platform,
    clock: deps.clock,
    fetch: deps.fetch,
    restart: { ...DEFAULT_RESTART_POLICY, enabled: Boolean(flags.restart) },
    onEvent: (e) => render(e),
  });

  const probeHttp = createHttpFetch();
  const hub = new DashboardHub({
    snapshots: () => supervisor.snapshots(),
    probe: createNodeProbe({
      probeFetch: probeHttp.fetch,
      fetch: deps.fetch,
      clock: deps.clock,
      timeoutMs: DEFAULTS.probeTimeoutMs,
    }),
    clock: deps.clock,
    lang: ctx.lang,
    configFile: cfg.file,
    demo: DEMO_NAME,
  });

  function render(e: SupervisorEvent): void {
    if (e.kind === 'requests') {
      hub.requests(e.node, e.batch);
      return;
    }
    if (e.kind !== 'output') hub.nudge();
    if (e.kind === 'output') {
      const line = prefixLine(e.line, { name: e.node, width, colour: colours.get(e.node) });
      (e.stream === 'stdout' ? ctx.stdout : ctx.stderr).write(`${line}\n`);
      return;
    }
    const n = e.node.name;
    if (e.kind === 'stopped' && !stopping) {
      say(
        t(
          `${n} is down: "dsm start ${n}" starts it again`,
          `${n} está parado: "dsm start ${n}" o inicia de novo`,
        ),
      );
    } else if (e.kind === 'restarting') {
      say(
        t(`restarting ${n} (restart ${e.node.restarts})`, `reiniciando ${n} (reinício ${e.node.restarts})`),
      );
    } else if (e.kind === 'crashed') {
      warn(crashMessage(ctx.lang, e.node, e.decision, stopping));
    }
  }

  const host = flags.host ?? cfg.supervisor.host;
  // The gateway (`/stream/<name>`) starts once the nodes have their ports (a node on port 0 gets one then).
  let gateway: Gateway | undefined;
  const dashboardIndex = await loadIndex(deps.dashboardDir);
  const control = await startControlServer({
    host,
    port: flags.port ?? cfg.supervisor.port,
    token: token.token,
    cluster: supervisor,
    pid: process.pid,
    configFile: cfg.file,
    routes: [
      ...dashboardRoutes({
        hub,
        actions: createClusterActions({
          snapshots: () => supervisor.snapshots(),
          configFile: cfg.file,
          token: token.token,
          fetch: deps.fetch,
          probeFetch: probeHttp.fetch,
          clock: deps.clock,
          rng: deps.rng,
          maxUploadBytes: DEFAULTS.maxUploadMiB * 1024 * 1024,
          onUpload: (p) => hub.upload(p),
        }),
        token: token.token,
        boundHost: host,
        lang: ctx.lang,
        dir: deps.dashboardDir,
        index: dashboardIndex,
      }),
      {
        method: 'GET',
        path: /^\/stream\//,
        handle: (req, res) =>
          gateway
            ? gateway.handle(req, res)
            : sendError(
                res,
                new DsmError('DSM_GATEWAY_ALL_DOWN', { name: req.url ?? '', asked: 'none yet' }),
              ),
      },
    ],
  });
  // Not translated: the same words as the nodes' own line, which scripts and tests look for.
  say(`listening on ${control.url()} · control API · ${cfg.nodes.length} nodes from ${cfg.file}`);
  if (host === '0.0.0.0' || host === '::') {
    warn(
      t(
        `the control API is open to your whole network (${host}): anyone there can read the status; the dashboard, stop and start need the token`,
        `a API de controle está aberta para toda a sua rede (${host}): qualquer um ali pode ler o status; o painel, parar e iniciar exigem o token`,
      ),
    );
  }
  // A browser cannot open the every-interface address on every system: show loopback instead.
  const pageUrl = control.url().replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  // Beyond loopback the dashboard needs its token: print (and open) it in the URL, as Jupyter does.
  const dashboardUrl = `${pageUrl}/${isLoopbackAddress(host) ? '' : `?token=${encodeURIComponent(token.token)}`}`;

  const started = await Promise.race([supervisor.startAll(), stopRequested.then(() => undefined)]);
  if (started) {
    const urls = new Map(started.map((n) => [n.name, n.url]));
    gateway = makeGateway(
      cfg.nodes.map((n) => ({ name: n.name, origin: urls.get(n.name) ?? nodeUrl(n) })),
      { stallTimeoutMs: DEFAULTS.gatewayStallTimeoutMs, probeIntervalMs: DEFAULTS.gatewayProbeIntervalMs },
      say,
      (e) => hub.stream(e),
    );
  }
  if (started && !stopping) {
    const up = started.filter((n): n is NodeSnapshot & { url: string } => n.state === 'up' && n.url !== null);
    if (up.length === 0) {
      warn(t('no node started: stopping', 'nenhum nó iniciou: parando'));
      gateway?.close();
      hub.close();
      probeHttp.close();
      await supervisor.shutdown();
      await control.close();
      return EXIT_FAILED;
    }
    try {
      await Promise.race([
        deps.seed(
          up.map((n) => ({ name: n.name, url: n.url })),
          { token: token.token, log: say },
        ),
        stopRequested,
      ]);
    } catch (err) {
      warn(
        t(
          `could not seed the demo video: ${(err as Error).message}`,
          `não foi possível semear o vídeo de demonstração: ${(err as Error).message}`,
        ),
      );
    }
    if (!stopping) {
      ctx.stdout.write(
        nextSteps(ctx.lang, {
          file,
          cwd: process.cwd(),
          url: pageUrl,
          dashboardUrl: dashboardIndex === undefined ? undefined : dashboardUrl,
          // Beyond loopback: the addresses to give the class (with the token: they are the page's key).
          lanUrls: lanUrls(networkInterfaces(), host, control.port()).map(
            (u) => `${u}/?token=${encodeURIComponent(token.token)}`,
          ),
          portFlag: flags.port,
          hostFlag: flags.host,
          started,
          up,
        }),
      );
      if (mayOpenBrowser({ open: Boolean(flags.open), isTTY: ctx.stdout.isTTY, ci: ctx.env.CI })) {
        const opened = await deps.openBrowser(dashboardIndex === undefined ? `${pageUrl}/` : dashboardUrl);
        if (!opened.ok) {
          warn(
            t(
              `could not open the browser (${opened.detail})`,
              `não foi possível abrir o navegador (${opened.detail})`,
            ),
          );
        }
      }
    }
  }

  await stopRequested;
  gateway?.close();
  hub.close();
  probeHttp.close();
  await supervisor.shutdown();
  await control.close();
  say(t('stopped: every node has ended', 'parado: todos os nós terminaram'));
  return EXIT_OK;
}

function crashMessage(lang: Lang, node: NodeSnapshot, decision: RestartDecision, stopping: boolean): string {
  const n = node.name;
  const how = exitDescription(lang, node.exitCode, node.signal);
  const t = (en: string, pt: string) => tr(lang, { en, 'pt-BR': pt });
  if (stopping) return t(`${n} ended by itself (${how})`, `${n} terminou sozinho (${how})`);
  switch (decision.action) {
    case 'restart':
      return t(
        `${n} crashed (${how}): restarting in ${decision.delayMs / 1000} s (attempt ${decision.attempt})`,
        `${n} caiu (${how}): reiniciando em ${decision.delayMs / 1000} s (tentativa ${decision.attempt})`,
      );
    case 'give-up':
      return t(
        `${n} crashed (${how}) ${decision.attempts + 1} times in a row soon after starting: not restarting it again; fix the cause, then "dsm start ${n}"`,
        `${n} caiu (${how}) ${decision.attempts + 1} vezes seguidas logo após iniciar: não será reiniciado de novo; corrija a causa e use "dsm start ${n}"`,
      );
    case 'report':
      return t(
        `${n} crashed (${how}); not restarted: "dsm start ${n}" starts it again (or run "dsm cluster --restart")`,
        `${n} caiu (${how}); não foi reiniciado: "dsm start ${n}" o inicia de novo (ou use "dsm cluster --restart")`,
      );
  }
}

/** What to do next, printed once the nodes are up. */
function nextSteps(
  lang: Lang,
  o: {
    file: string;
    cwd: string;
    url: string;
    /** The dashboard's address (with ?token= beyond loopback); undefined when it is not built. */
    dashboardUrl: string | undefined;
    lanUrls: string[];
    portFlag: number | undefined;
    hostFlag: string | undefined;
    started: NodeSnapshot[];
    up: NodeSnapshot[];
  },
): string {
  const t = (en: string, pt: string) => tr(lang, { en, 'pt-BR': pt });
  // The example commands must reach this cluster from the folder the user is in: a path below it stays
  // short, anything else is given in full.
  const rel = relative(o.cwd, o.file);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? o.file : rel;
  const configFlag =
    rel === DEFAULT_CONFIG ? '' : ` --config ${shown.includes(' ') ? JSON.stringify(shown) : shown}`;
  const portFlag = o.portFlag === undefined ? '' : ` --port ${new URL(o.url).port}`;
  const hostFlag = o.hostFlag === undefined ? '' : ` --host ${o.hostFlag}`;
  // pick and replicate talk to the nodes (nodes.json is enough); status and stop to this supervisor.
  const f = configFlag + hostFlag + portFlag;
  const width = Math.max(...o.started.map((n) => n.name.length));
  const nodes = o.started.map((n) =>
    n.state === 'up'
      ? `  ${n.name.padEnd(width)}  ${n.url}`
      : `  ${n.name.padEnd(width)}  ${t(`not up (${n.state})`, `fora do ar (${n.state})`)}`,
  );
  const first = o.up[0]?.name ?? 'node1';
  const examples: Array<[string, string]> = [
    [`dsm pick demo.mp4${configFlag}`, t('play from the fastest node', 'tocar do nó mais rápido')],
    [
      `curl -o out.mp4 ${o.url}/stream/demo.mp4`,
      t(
        'stream through the gateway (survives a node failing)',
        'transmitir pelo gateway (sobrevive à falha de um nó)',
      ),
    ],
    [
      `dsm replicate <file>${configFlag}`,
      t('copy a file to every node', 'copiar um arquivo para todos os nós'),
    ],
    [`dsm status${f}`, t('nodes and replicas', 'nós e réplicas')],
    [
      `dsm stop ${first}${f}`,
      t('take a node down ("dsm start" brings it back)', 'derrubar um nó ("dsm start" o traz de volta)'),
    ],
  ];
  const cmdWidth = Math.max(...examples.map(([cmd]) => cmd.length));
  return `${[
    '',
    t(
      `Cluster ready: ${o.up.length} of ${o.started.length} nodes up`,
      `Cluster pronto: ${o.up.length} de ${o.started.length} nós no ar`,
    ),
    ...nodes,
    '',
    o.dashboardUrl
      ? [
          t(`Dashboard: ${o.dashboardUrl}`, `Painel: ${o.dashboardUrl}`),
          ...o.lanUrls.map((u) =>
            t(`           ${u}  (from other machines)`, `       ${u}  (de outras máquinas)`),
          ),
        ].join('\n')
      : t(
          `Cluster page: ${o.url}/ (the dashboard is not built: run "npm run build")`,
          `Página do cluster: ${o.url}/ (o painel não foi construído: rode "npm run build")`,
        ),
    '',
    t('Try:', 'Experimente:'),
    ...examples.map(([cmd, what]) => `  ${cmd.padEnd(cmdWidth)}  ${what}`),
    '',
    t('Ctrl+C stops every node.', 'Ctrl+C para todos os nós.'),
    '',
  ].join('\n')}\n`;
}
