/**
 * The dashboard's direct-mode player and its four classroom scenarios, in a real Chromium against a real
 * `dsm cluster`, driven through the page's own buttons only (the test reads the page, and the page's
 * own pick answer, but never calls the API itself):
 *
 * - direct mode: the player plays from the node pick chose; that node is stopped from its card while
 *   the (bandwidth-capped) video is still downloading; the player picks another node and plays on past
 *   what it had buffered;
 * - latency: pick's choice moves off the node made slow, and undo puts its latency back;
 * - availability: the node serving the gateway stream is stopped, the overlay moves and the video plays on;
 * - replication: a note uploaded while node3 is down is not on node3, and is once node3 is started;
 * - cache/version: v1, v1 again (a 304 in the request log), then v2 at once.
 *
 * The nodes get fixed free ports: anti-entropy (the replication scenario) needs each node to know
 * where the others are, which a nodes.json with port 0 cannot say. The supervisor is on port 0.
 *
 * Needs Debian's Chromium at /usr/bin/chromium and a built dashboard (`npm run build`). A screenshot of
 * the page at the end (also on failure) goes to test-results/dashboard-scenarios.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'playwright-core';
import {
  DashboardSession,
  id,
  SERVED_BY,
  VIDEO_BUFFERED,
  VIDEO_ERROR,
  VIDEO_TIME,
} from './dashboard-helpers.js';
import { freePorts, projectRoot } from './helpers.js';

const SCREENSHOT = join(projectRoot, 'test-results', 'dashboard-scenarios.png');
const NODES = ['node1', 'node2', 'node3'];
/** As in dashboard.test.ts: about twice the demo's bitrate, so that it is still downloading at the stop. */
const BANDWIDTH_KBPS = 150;
const DEMO = 'demo.mp4';
/** What scenarios.ts writes (NOTE_NAME, VERSION_NAME). */
const NOTE = 'class-note.txt';
const VERSION = 'version.txt';

/** JS for the page: the state of a replica-matrix cell ('' when there is no such cell). */
const cellState = (file: string, node: string) =>
  `(document.querySelector('[data-testid="cell-${file}-${node}"]')?.dataset.state ?? '')`;

describe('dashboard scenarios in Chromium on a real cluster', { timeout: 180_000 }, () => {
  const s = new DashboardSession('dsm-dashboard-scenarios-');

  before(async () => {
    const ports = await freePorts(NODES.length);
    await s.start({
      nodes: NODES.map((name, i) => ({ name, port: ports[i] as number, latencyMs: 10 * (i + 1) })),
      // A node that comes back runs a round at once anyway; this only shortens a missed one.
      extra: { antiEntropyIntervalMs: 1000 },
    });
    await s.waitInPage(
      `document.querySelectorAll('[data-testid^="state-"][data-state="up"]').length === 3`,
      'three node cards, all up',
    );
  });

  after(() => s.close(SCREENSHOT));

  const resultOf = (scenario: string) => s.text(`scenario-${scenario}-result`);

  /** Waits until a scenario's result line matches `pattern` (or says it failed), and returns its match. */
  async function result(scenario: string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    await s.waitInPage(
      `(() => { const t = document.querySelector('[data-testid="scenario-${scenario}-result"]')?.textContent ?? '';
         return ${pattern}.test(t) || t.startsWith('failed'); })()`,
      `the ${scenario} scenario's result matches ${pattern}`,
      timeoutMs,
    );
    const line = await resultOf(scenario);
    const m = line.match(pattern);
    assert.ok(m, `${scenario}: "${line}" does not match ${pattern}${s.diagnostics()}`);
    return m;
  }

  it('direct mode plays from the node pick chose, and from another one when that node stops', async (t) => {
    const page = s.page;
    // Slow every node down, so that the video is still downloading when its node stops.
    await s.capBandwidth(NODES, BANDWIDTH_KBPS);
    // The player's own pick, as the page received it: the overlay must name that node.
    const picked = page.waitForResponse(
      (r: Response) => r.url().includes(`/_dsm/cluster/pick/${DEMO}`) && r.request().method() === 'GET',
      { timeout: 15_000 },
    );
    await s.click('mode-direct');
    assert.equal(await s.attr('mode-direct', 'aria-pressed'), 'true');
    const answer = (await (await picked).json()) as { node: string | null; url: string | null };
    const chosen = answer.node ?? '';
    assert.ok(NODES.includes(chosen), `pick chose "${chosen}"`);

    await s.waitInPage(`(${VIDEO_TIME}) > 1 || (${VIDEO_ERROR}) !== null`, 'the video plays', 30_000);
    assert.equal(await page.evaluate(VIDEO_ERROR), null);
    assert.equal(await page.evaluate<string>(SERVED_BY), chosen, 'the overlay names the node pick chose');
    assert.match(await s.text('served-by'), new RegExp(`served by ${chosen}`));
    assert.equal(
      await page.evaluate<string>(`document.querySelector('video').currentSrc`),
      answer.url,
      'the video plays from that node',
    );

    await s.click(`stop-${chosen}`);
    const stoppedAt = await s.videoTime();
    const bufferedAtStop = await page.evaluate<number>(VIDEO_BUFFERED);
    await s.waitInPage(
      `document.querySelector('[data-testid="state-${chosen}"]')?.dataset.state !== 'up'`,
      `${chosen} is no longer up`,
    );
    t.diagnostic(
      `${chosen} stopped at ${stoppedAt.toFixed(1)} s of video, buffered to ${bufferedAtStop.toFixed(1)} s`,
    );
    const now = await s.keepsPlaying(chosen, stoppedAt, bufferedAtStop);
    assert.ok(NODES.includes(now), `now played from "${now}"`);
    assert.match(await s.text('switch-log'), new RegExp(`${chosen} → ${now} at \\d+\\.\\d s`));

    // Back to where the scenarios start from: every node up and uncapped, the player on the gateway.
    await s.click(`start-${chosen}`);
    await s.waitForState(chosen, 'up');
    await s.clearBandwidth(NODES);
    await s.click('mode-gateway');
    assert.equal(await s.attr('mode-gateway', 'aria-pressed'), 'true');
  });

  it('latency: the slowed node loses the pick, and undo puts its latency back', async () => {
    const faultsBefore = new Map<string, string>();
    for (const n of NODES) faultsBefore.set(n, await s.text(`faults-${n}`));

    await s.click('scenario-latency-run');
    const m = await result('latency', /^pick chose (\S+) \((\d+ ms)\), now (\S+) \((\d+ ms)\)$/);
    const [, before, , after] = m;
    assert.ok(before && after && NODES.includes(before) && NODES.includes(after), m[0]);
    assert.notEqual(after, before, `the choice moved: ${m[0]}`);
    await s.waitInPage(
      `/\\+1500 ms latency/.test(document.querySelector('[data-testid="faults-${before}"]')?.textContent ?? '')`,
      `${before}'s card lists the 1500 ms latency`,
    );

    await s.click('scenario-latency-undo');
    await result('latency', new RegExp(`^latency fault cleared on ${before}$`));
    await s.waitInPage(
      `document.querySelector('[data-testid="faults-${before}"]')?.textContent === ${JSON.stringify(
        faultsBefore.get(before),
      )}`,
      `${before}'s faults are as before the scenario ("${faultsBefore.get(before)}")`,
    );
    assert.equal(await s.page.locator(id('scenario-latency-undo')).count(), 0, 'nothing left to undo');
  });

  /** The stopped node of the availability scenario and its fault list (as its card says) before it. */
  const availability = { node: '', faultsBefore: '' };

  it('availability: the node serving the gateway stream stops, and the video keeps playing', async (t) => {
    const faultsBefore = new Map<string, string>();
    for (const n of NODES) faultsBefore.set(n, await s.text(`faults-${n}`));
    await s.click('scenario-availability-run');
    // The scenario caps every node, restarts the player, lets it play 3 s, then stops its node.
    const [, stopped = ''] = await result(
      'availability',
      /^stopped (\S+): watch the player keep going$/,
      40_000,
    );
    const stoppedAt = await s.videoTime();
    const bufferedAtStop = await s.page.evaluate<number>(VIDEO_BUFFERED);
    assert.ok(NODES.includes(stopped), stopped);
    availability.node = stopped;
    availability.faultsBefore = faultsBefore.get(stopped) ?? '';
    t.diagnostic(
      `${stopped} stopped at ${stoppedAt.toFixed(1)} s of video, buffered to ${bufferedAtStop.toFixed(1)} s`,
    );
    assert.ok(stoppedAt > 0, `the video was playing when ${stopped} stopped (at ${stoppedAt} s)`);
    assert.equal(await s.attr('mode-gateway', 'aria-pressed'), 'true');
    await s.waitInPage(
      `document.querySelector('[data-testid="state-${stopped}"]')?.dataset.state !== 'up'`,
      `${stopped} is no longer up`,
    );
    await s.keepsPlaying(stopped, stoppedAt, bufferedAtStop);

    await s.click('scenario-availability-undo');
    await result('availability', new RegExp(`^${stopped} started again, bandwidth cap removed$`));
    await s.waitForState(stopped, 'up');
    for (const n of NODES) {
      await s.waitInPage(
        `!/KB\\/s/.test(document.querySelector('[data-testid="faults-${n}"]')?.textContent ?? 'KB/s')`,
        `${n} is no longer capped`,
      );
    }
  });

  it("availability's undo gives the restarted node its faults back (its nodes.json latency)", async () => {
    assert.ok(availability.node, 'the availability scenario ran');
    await s.waitInPage(
      `document.querySelector('[data-testid="faults-${availability.node}"]')?.textContent === ${JSON.stringify(
        availability.faultsBefore,
      )}`,
      `${availability.node}'s faults are as before the scenario ("${availability.faultsBefore}")`,
      4_000,
    );
  });

  it('replication: a note written while node3 is down reaches it once it is started', async (t) => {
    await s.click('scenario-replication-run');
    await result(
      'replication',
      new RegExp(`^node3 stopped, ${NOTE} stored on node1, node2 only: now start node3 and watch its cell$`),
    );
    await s.waitForState('node3', 'down');
    await s.waitInPage(
      `${cellState(NOTE, 'node1')} === 'ok' && ${cellState(NOTE, 'node2')} === 'ok'`,
      `${NOTE} is ok on node1 and node2`,
    );
    // node3 cannot be asked while it is down: the matrix says "unknown" there, as the scenario explains.
    const whileDown = await s.page.evaluate<string>(cellState(NOTE, 'node3'));
    assert.equal(whileDown, 'unknown', `node3's cell while it is down`);

    // Every state node3's cell goes through once it is started, for the record.
    await s.page.evaluate(`(() => {
      const seen = (window.__note3 = [${JSON.stringify(whileDown)}]);
      window.__note3Timer = setInterval(() => {
        const st = ${cellState(NOTE, 'node3')};
        if (st !== seen[seen.length - 1]) seen.push(st);
      }, 50);
    })()`);
    await s.click('scenario-replication-undo');
    await result('replication', new RegExp(`^node3 is up: watch ${NOTE} turn ok in the matrix$`));
    await s.waitForState('node3', 'up');
    await s.waitInPage(
      NODES.map((n) => `${cellState(NOTE, n)} === 'ok'`).join(' && '),
      `${NOTE} is ok on every node`,
      30_000,
    );
    const seen = await s.page.evaluate<string[]>(
      `(() => { clearInterval(window.__note3Timer); return window.__note3; })()`,
    );
    t.diagnostic(`node3's ${NOTE} cell went ${seen.join(' → ')}`);
  });

  it('cache/version: v1, v1 revalidated with a 304 in the request log, then v2 at once', async () => {
    await s.click('scenario-cache-run');
    const [, node = ''] = await result(
      'cache',
      /^from (\S+): read "v1", again "v1" \(revalidated\), after the upload "v2"$/,
    );
    assert.ok(NODES.includes(node), node);
    const row304 = `[...document.querySelectorAll('[data-testid="log-row"]')].some((r) =>
      r.querySelector('[data-testid="log-node"]')?.textContent === '${node}' &&
      r.querySelector('[data-testid="log-method"]')?.textContent === 'GET' &&
      r.querySelector('[data-testid="log-path"]')?.textContent === '/${VERSION}' &&
      r.querySelector('[data-testid="log-status"]')?.textContent === '304')`;
    await s.waitInPage(row304, `the request log shows GET /${VERSION} → 304 from ${node}`);
  });
});
