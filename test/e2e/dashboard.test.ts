/**
 * The dashboard page in a real Chromium against a real `dsm cluster` (3 node processes, supervisor on
 * port 0): node cards, a latency fault set in the page raising the measured latency, an upload through
 * the file input reaching every node in the replica matrix, the language toggle, and the demo video
 * playing through the gateway and going on when the node serving it is stopped from the page.
 *
 * The demo is 3.9 MB and a local node sends it in a blink, so a bandwidth fault (set in the page) first
 * slows every node: the stream is still running when its node stops, and the gateway has to resume it
 * from another replica.
 *
 * Needs Debian's Chromium at /usr/bin/chromium and a built dashboard (`npm run build`). A screenshot of
 * the page at the end (also on failure) goes to test-results/dashboard.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DashboardSession, id, VIDEO_ERROR, VIDEO_TIME } from './dashboard-helpers.js';
import { projectRoot } from './helpers.js';

const SCREENSHOT = join(projectRoot, 'test-results', 'dashboard.png');
const NODES = ['node1', 'node2', 'node3'];
/**
 * About twice the demo's bitrate (68 KB/s): fast enough to play, slow enough that the 3.9 MB take ~27 s
 * to send, and that the player's buffer grows slowly, so that playing past it proves bytes came after
 * the switch.
 */
const BANDWIDTH_KBPS = 150;

describe('dashboard page in Chromium on a real cluster', { timeout: 90_000 }, () => {
  const s = new DashboardSession('dsm-dashboard-');
  let page: DashboardSession['page'];
  const waitInPage = s.waitInPage.bind(s);
  const attr = s.attr.bind(s);
  const videoTime = s.videoTime.bind(s);

  before(async () => {
    await s.start({
      nodes: NODES.map((name, i) => ({ name, port: 0, latencyMs: 10 * (i + 1) })),
    });
    page = s.page;
  });

  after(() => s.close(SCREENSHOT));

  it('shows a live card per node, every node up, with its measured latency', async () => {
    await waitInPage(
      `document.querySelectorAll('[data-testid^="state-"][data-state="up"]').length === 3`,
      'three node cards, all up',
    );
    for (const n of NODES) assert.equal(await page.locator(id(`node-${n}`)).count(), 1, n);
    await waitInPage(`document.querySelector('[data-testid="live"]')?.dataset.live === 'true'`, 'live');
    await waitInPage(
      `[...document.querySelectorAll('[data-testid^="rtt-"]')].every((e) => /^\\d+ ms$/.test(e.textContent))`,
      'every card shows a round trip in ms',
    );
    assert.equal(await page.locator(id('read-only')).count(), 0, 'the loopback page may act');
  });

  it('switches to Brazilian Portuguese and back', async () => {
    await page.locator(id('lang-pt-BR')).click();
    await waitInPage(`document.documentElement.lang === 'pt-BR'`, 'html lang is pt-BR');
    assert.equal(await page.locator('#nodes-title').textContent(), 'Nós');
    assert.equal(await page.locator(id('state-node1')).textContent(), 'no ar');
    assert.equal(await page.locator(id('stop-node1')).textContent(), 'Parar');
    await page.locator(id('lang-en')).click();
    await waitInPage(`document.documentElement.lang === 'en'`, 'html lang is en again');
    assert.equal(await page.locator('#nodes-title').textContent(), 'Nodes');
  });

  it('without a token the page is read-only: no write controls, and it says how to get the token', async () => {
    // What a page beyond loopback without ?token= would get: the same index.html, its token left empty.
    const readOnly = await s.browser.newPage({ viewport: { width: 1000, height: 800 } });
    try {
      await readOnly.route(s.url, async (route) => {
        const res = await route.fetch();
        const html = (await res.text()).replace(
          /<meta name="dsm-token" content="[^"]*">/,
          '<meta name="dsm-token" content="">',
        );
        await route.fulfill({ response: res, body: html });
      });
      await readOnly.goto(s.url);
      await readOnly.locator(id('state-node1')).waitFor({ timeout: 15_000 });
      assert.match(
        (await readOnly.locator(id('read-only')).textContent()) ?? '',
        /read-only: open the tokenised URL that dsm cluster printed/,
      );
      assert.equal(await readOnly.locator('[data-testid^="stop-"]').count(), 0);
      assert.equal(await readOnly.locator(id('upload-input')).count(), 0);
      assert.equal(await readOnly.locator(id('scenario-latency-run')).isDisabled(), true);
    } finally {
      await readOnly.close();
    }
  });

  it("a latency fault set in the page raises that node's measured latency", async () => {
    await page.locator(id('faults-toggle-node3')).click();
    await page.locator(id('fault-latency-node3')).fill('800');
    await page.locator(id('apply-latency-node3')).click();
    await waitInPage(
      `Number(document.querySelector('[data-testid="rtt-node3"]')?.dataset.ms) >= 800`,
      'node3 measured at 800 ms or more',
      20_000,
    );
    assert.match((await page.locator(id('rtt-node3')).textContent()) ?? '', /^\d{3,} ms$/);
    assert.match((await page.locator(id('faults-node3')).textContent()) ?? '', /\+800 ms latency/);
    await page.locator(id('clear-latency-node3')).click();
    await waitInPage(
      `Number(document.querySelector('[data-testid="rtt-node3"]')?.dataset.ms) < 500`,
      'node3 fast again once the fault is cleared',
      20_000,
    );
  });

  it('an upload through the file input lands on every node in the replica matrix', async () => {
    const name = 'lesson.txt';
    await page
      .locator(id('upload-input'))
      .setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(`notes ${Date.now()}\n`) });
    await page.locator(id('upload-result')).waitFor({ timeout: 15_000 });
    assert.match((await page.locator(id('upload-result')).textContent()) ?? '', /stored on 3 of 3 nodes/);
    await waitInPage(
      NODES.map(
        (n) => `document.querySelector('[data-testid="cell-${name}-${n}"]')?.dataset.state === 'ok'`,
      ).join(' && '),
      `${name} is ok on every node in the matrix`,
    );
  });

  it('plays the demo through the gateway, and keeps playing when its node is stopped', async () => {
    // Slow every node down from the page, so that the stream is still running when its node stops.
    await s.capBandwidth(NODES, BANDWIDTH_KBPS);
    // A fresh page: its player starts the stream now, under the bandwidth cap.
    await page.reload();
    await waitInPage(`(${VIDEO_TIME}) > 1 || (${VIDEO_ERROR}) !== null`, 'the video plays', 30_000);
    assert.equal(await page.evaluate(VIDEO_ERROR), null);
    await waitInPage(
      `document.querySelector('[data-testid="served-by"]')?.dataset.node !== ''`,
      'the overlay names the node serving the player',
    );
    const serving = (await attr('served-by', 'data-node')) ?? '';
    assert.ok(NODES.includes(serving), `served by "${serving}"`);
    assert.match(
      (await page.locator(id('served-by')).textContent()) ?? '',
      new RegExp(`served by ${serving}`),
    );

    await page.locator(id(`stop-${serving}`)).click();
    const stoppedAt = await videoTime();
    await waitInPage(
      `document.querySelector('[data-testid="state-${serving}"]')?.dataset.state !== 'up'`,
      `${serving} is no longer up`,
    );
    // Every byte buffered after the overlay changed came from the new node: playing past that buffer
    // proves the stream went on after the switch (not just that the old node's last bytes still played).
    const now = await s.keepsPlaying(serving, stoppedAt);
    assert.ok(NODES.includes(now), `now served by "${now}"`);
  });
});
