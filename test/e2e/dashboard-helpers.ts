/**
 * What the dashboard's browser tests share: a real `dsm cluster` (supervisor on port 0) in a temporary
 * folder, Debian's Chromium driven by playwright-core with one page on the dashboard, waits that fail
 * with the page's errors and the cluster's output, and the page's own fault controls.
 *
 *   const s = new DashboardSession('dsm-dashboard-');
 *   before(() => s.start({ nodes: [...] }));   // cluster up, demo replicated, page rendered
 *   after(() => s.close(SCREENSHOT));          // screenshot (also on failure), browser, cluster, folder
 *
 * `close` copes with a `start` that failed half-way.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.js';
import { type DsmProcess, projectRoot, spawnDsm, stopDsm, tempDir, waitForOutput } from './helpers.js';

/** Tests must not pick up a token from the environment they run in. */
export const ENV = { DSM_TOKEN: '' };

export const id = (testid: string) => `[data-testid="${testid}"]`;

// The page code is passed as strings: the project's tsconfig has no DOM types.
export const VIDEO_TIME = `(() => { const v = document.querySelector('video'); return v ? v.currentTime : -1; })()`;
/** Where the buffered media ends, in seconds of video. */
export const VIDEO_BUFFERED = `(() => { const v = document.querySelector('video'); return v && v.buffered.length ? v.buffered.end(v.buffered.length - 1) : 0; })()`;
export const VIDEO_ERROR = `(() => { const v = document.querySelector('video'); return v && v.error ? v.error.code + ' ' + v.error.message : null; })()`;
/** The node the player's overlay names ('' while it names none). */
export const SERVED_BY = `(document.querySelector('[data-testid="served-by"]')?.dataset.node ?? '')`;

/** One node of the nodes.json the session writes (its root is `<name>/storage`). */
export interface ClusterNode {
  name: string;
  port: number;
  latencyMs: number;
}

export class DashboardSession {
  dir: { path: string; cleanup: () => Promise<void> } | undefined;
  cluster: DsmProcess | undefined;
  /** The dashboard's address, as `dsm cluster` printed it. */
  url = '';
  #browser: Browser | undefined;
  #page: Page | undefined;
  readonly pageErrors: string[] = [];

  constructor(private readonly prefix: string) {}

  get browser(): Browser {
    if (!this.#browser) throw new Error('the browser is not running (start() failed?)');
    return this.#browser;
  }

  get page(): Page {
    if (!this.#page) throw new Error('the dashboard page is not open (start() failed?)');
    return this.#page;
  }

  /**
   * Writes nodes.json (the nodes, plus `extra` top-level fields), starts `dsm cluster` on port 0, waits
   * until the demo is on every node, opens the page and waits until it renders.
   */
  async start(opts: { nodes: ClusterNode[]; extra?: Record<string, unknown> }): Promise<void> {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install -y chromium)`,
    );
    assert.ok(
      existsSync(join(projectRoot, 'dist', 'dashboard-ui', 'index.html')),
      'dist/dashboard-ui/index.html not found: run "npm run build" first',
    );
    this.dir = await tempDir(this.prefix);
    const file = join(this.dir.path, 'nodes.json');
    const nodes = opts.nodes.map((n) => ({ ...n, root: `${n.name}/storage` }));
    await writeFile(file, JSON.stringify({ nodes, ...opts.extra }));
    this.cluster = spawnDsm(['cluster', '--config', file, '--port', '0', '--no-open'], {
      cwd: this.dir.path,
      env: ENV,
    });
    this.url =
      (await waitForOutput(this.cluster, /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/\S*)/, 30_000))[1] ?? '';
    const names = opts.nodes.map((n) => n.name).join(', ');
    await waitForOutput(this.cluster, new RegExp(`replicated samples/demo\\.mp4 to ${names}`), 30_000);

    this.#browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
    this.#page = await this.#browser.newPage({ viewport: { width: 1400, height: 1000 } });
    this.#page.on('pageerror', (err) => this.pageErrors.push(err.message));
    this.#page.on('console', (msg) => {
      if (msg.type() === 'error') this.pageErrors.push(msg.text());
    });
    await this.#page.goto(this.url);
    // Fail once, here, when the page itself does not come up (rather than every test after its timeout).
    await this.waitInPage(`!!document.querySelector('[data-testid="live"]')`, 'the dashboard page renders');
  }

  /** Screenshot of the page as it is (on failure too: it shows where it got stuck), then tears down. */
  async close(screenshot: string): Promise<void> {
    if (this.#page) {
      await mkdir(dirname(screenshot), { recursive: true });
      await this.#page.screenshot({ path: screenshot, fullPage: true, timeout: 5_000 }).catch(() => {});
    }
    await this.#browser?.close().catch(() => {});
    // The supervisor stops its nodes before it exits (and they stop by themselves if it is killed).
    if (this.cluster) await stopDsm(this.cluster);
    if (this.dir) await rm(this.dir.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }

  /** The page's last errors and the end of the cluster's output, for failure messages. */
  diagnostics(): string {
    return `\npage errors: ${JSON.stringify(this.pageErrors.slice(-10))}\ncluster output (end):\n${
      this.cluster?.output().slice(-3000) ?? ''
    }`;
  }

  /** Waits until `expression` (JS in the page) is truthy; fails with what it was waiting for. */
  async waitInPage(expression: string, what: string, timeoutMs = 15_000): Promise<void> {
    try {
      await this.page.waitForFunction(expression, undefined, { timeout: timeoutMs, polling: 200 });
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message.split('\n')[0]}${this.diagnostics()}`);
    }
  }

  attr(testid: string, name: string): Promise<string | null> {
    return this.page.locator(id(testid)).getAttribute(name);
  }

  async text(testid: string): Promise<string> {
    return (await this.page.locator(id(testid)).textContent()) ?? '';
  }

  click(testid: string): Promise<void> {
    return this.page.locator(id(testid)).click();
  }

  videoTime(): Promise<number> {
    return this.page.evaluate<number>(VIDEO_TIME);
  }

  /** Opens a node card's fault panel unless it is open. */
  async openFaults(node: string): Promise<void> {
    if ((await this.attr(`faults-panel-${node}`, 'open')) === null) await this.click(`faults-toggle-${node}`);
  }

  /** Caps each node's bandwidth with its card's controls and waits until every card lists the cap. */
  async capBandwidth(nodes: readonly string[], kbps: number): Promise<void> {
    for (const n of nodes) {
      await this.openFaults(n);
      await this.page.locator(id(`fault-bandwidth-${n}`)).fill(String(kbps));
      await this.click(`apply-bandwidth-${n}`);
    }
    for (const n of nodes) {
      await this.waitInPage(
        `/${kbps} KB\\/s/.test(document.querySelector('[data-testid="faults-${n}"]')?.textContent ?? '')`,
        `${n} lists its bandwidth fault`,
      );
    }
  }

  /**
   * Clears each node's bandwidth fault with its card's controls (a node restarted since has none: its
   * faults live in its process) and waits until no card lists one.
   */
  async clearBandwidth(nodes: readonly string[]): Promise<void> {
    for (const n of nodes) {
      if (!/KB\/s/.test(await this.text(`faults-${n}`))) continue;
      await this.openFaults(n);
      await this.click(`clear-bandwidth-${n}`);
    }
    for (const n of nodes) {
      await this.waitInPage(
        `(() => { const f = document.querySelector('[data-testid="faults-${n}"]'); return !!f && !/KB\\/s/.test(f.textContent); })()`,
        `${n} no longer lists a bandwidth fault`,
      );
    }
  }

  /** Waits until a node's card shows `state` (up, down, …). */
  waitForState(node: string, state: string, timeoutMs = 20_000): Promise<void> {
    return this.waitInPage(
      `document.querySelector('[data-testid="state-${node}"]')?.dataset.state === '${state}'`,
      `${node} is ${state}`,
      timeoutMs,
    );
  }

  /**
   * After the node serving the player was stopped at `stoppedAt` s of video, with media buffered up to
   * `bufferedAtStop` s: waits until the overlay names another node, then until the video has played past
   * `stoppedAt + 4` s and 1 s beyond what was buffered at the stop and when the overlay changed (so it
   * went on with bytes fetched after the switch), without a media error. Returns the node now serving.
   */
  async keepsPlaying(stopped: string, stoppedAt: number, bufferedAtStop = 0): Promise<string> {
    await this.waitInPage(
      `(() => { const n = ${SERVED_BY}; return n !== '' && n !== '${stopped}'; })()`,
      `the overlay moves away from ${stopped}`,
      30_000,
    );
    const bufferedAtSwitch = await this.page.evaluate<number>(VIDEO_BUFFERED);
    const target = Math.max(stoppedAt + 4, Math.max(bufferedAtStop, bufferedAtSwitch) + 1);
    await this.waitInPage(
      `(${VIDEO_TIME}) > ${target} || (${VIDEO_ERROR}) !== null`,
      `the video plays on to ${target.toFixed(1)} s (stopped at ${stoppedAt.toFixed(1)} s, buffered to ` +
        `${bufferedAtStop.toFixed(1)} s then and ${bufferedAtSwitch.toFixed(1)} s when the overlay changed)`,
      45_000,
    );
    assert.equal(await this.page.evaluate(VIDEO_ERROR), null, `video error${this.diagnostics()}`);
    const now = await this.page.evaluate<string>(SERVED_BY);
    assert.ok(now !== '' && now !== stopped, `now served by "${now}"`);
    return now;
  }
}
