/**
 * Real-browser playback: a headless Chromium plays samples/demo.mp4 straight from one storage node,
 * then seeks to 30 s. Seeking only lands where asked if the node answers Range requests with 206
 * (without Range, Chromium snaps back to the start), so this is an end-to-end check of Range support
 * as a real <video> element uses it.
 *
 * Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`); the test fails if it
 * is missing. A screenshot of the page at the end (also on failure) goes to test-results/playback.png.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.js';
import { projectRoot, type RunningNode, startNode, tempDir } from './helpers.js';

const SAMPLE = join(projectRoot, 'samples', 'demo.mp4');
const SCREENSHOT = join(projectRoot, 'test-results', 'playback.png');
const SEEK_TO = 30;

interface VideoState {
  currentTime: number;
  paused: boolean;
  seeking: boolean;
  readyState: number;
  networkState: number;
  error: string | null;
}

interface SeenResponse {
  url: string;
  status: number;
  range: string | undefined;
  contentRange: string | undefined;
  servedBy: string | undefined;
}

// The page code is passed as strings: the project's tsconfig has no DOM types.
const VIDEO_STATE = `(() => {
  const v = document.querySelector('video');
  if (!v) return null;
  return {
    currentTime: v.currentTime,
    paused: v.paused,
    seeking: v.seeking,
    readyState: v.readyState,
    networkState: v.networkState,
    error: v.error ? v.error.code + ' ' + v.error.message : null,
  };
})()`;

function pageHtml(src: string): string {
  return `<!doctype html>
<html>
  <body style="margin: 0; background: #000">
    <video src="${src}" muted autoplay playsinline preload="auto" width="640" height="360"></video>
  </body>
</html>`;
}

async function videoState(page: Page): Promise<VideoState | null> {
  return page.evaluate<VideoState | null>(VIDEO_STATE);
}

/** Waits until `condition` (a JS expression over `v`, the <video>) holds; fails with the video's state. */
async function waitForVideo(
  page: Page,
  condition: string,
  what: string,
  timeoutMs: number,
  diagnostics: () => string = () => '',
): Promise<void> {
  let problem: string | undefined;
  try {
    // Also stops waiting when the element reports a media error, so that fails fast.
    await page.waitForFunction(
      `(() => { const v = document.querySelector('video'); return !!v && (!!v.error || (${condition})); })()`,
      undefined,
      { timeout: timeoutMs, polling: 100 },
    );
  } catch (err) {
    problem = (err as Error).message.split('\n')[0];
  }
  const state = await videoState(page).catch(() => null);
  if (state?.error) problem = `media error ${state.error}`;
  if (problem) throw new Error(`${what}: ${problem}\nvideo state: ${JSON.stringify(state)}${diagnostics()}`);
}

/** Stops the node; SIGKILL if it does not exit within a few seconds of SIGTERM. */
async function stopNode(node: RunningNode): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 5_000);
  });
  const result = await Promise.race([node.stop().then(() => 'stopped' as const), timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    node.child.kill('SIGKILL');
    await node.exited;
  }
}

test('a browser plays demo.mp4 from a storage node and seeks to 30 s', { timeout: 60_000 }, async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install -y chromium)`,
  );
  assert.ok(existsSync(SAMPLE), `${SAMPLE} not found (see samples/README.md for how to make it)`);

  const dir = await tempDir('dsm-playback-');
  let node: RunningNode | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const responses: SeenResponse[] = [];
  const failures: string[] = [];
  try {
    await copyFile(SAMPLE, join(dir.path, 'demo.mp4'));
    node = await startNode({ root: dir.path, name: 'node1' });
    const videoUrl = `${node.url}/demo.mp4`;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
    page = await browser.newPage({ viewport: { width: 640, height: 360 } });
    page.on('response', (res) => {
      if (!res.url().startsWith(node?.url ?? '-')) return;
      const headers = res.headers();
      responses.push({
        url: res.url(),
        status: res.status(),
        range: res.request().headers().range,
        contentRange: headers['content-range'],
        servedBy: headers['x-served-by'],
      });
    });
    page.on('requestfailed', (req) => {
      failures.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`);
    });
    const diagnostics = () =>
      `\nresponses: ${JSON.stringify(responses, null, 2)}\nfailed requests: ${JSON.stringify(failures)}` +
      `\nnode output:\n${node?.output() ?? ''}`;

    await page.setContent(pageHtml(videoUrl));

    // Autoplay (muted) starts and the clock advances.
    await waitForVideo(page, 'v.currentTime > 1.2', 'playback did not get past 1.2 s', 15_000, diagnostics);

    // Seek to 30 s: lands there only if the node honours Range requests.
    await page.evaluate(`document.querySelector('video').currentTime = ${SEEK_TO}`);
    await waitForVideo(
      page,
      `!v.seeking && v.readyState >= 2 && v.currentTime >= ${SEEK_TO - 1}`,
      `seek to ${SEEK_TO} s did not land`,
      10_000,
      diagnostics,
    );
    const landed = await videoState(page);
    assert.ok(landed, 'video element disappeared');
    assert.ok(
      landed.currentTime >= SEEK_TO - 1 && landed.currentTime < SEEK_TO + 5,
      `after seeking to ${SEEK_TO} s the video is at ${landed.currentTime} s${diagnostics()}`,
    );

    // ... and keeps playing from there.
    await waitForVideo(
      page,
      `v.currentTime > ${landed.currentTime + 1}`,
      `playback did not continue after the seek (was at ${landed.currentTime} s)`,
      10_000,
      diagnostics,
    );
    const final = await videoState(page);
    assert.ok(final && !final.error, `video error: ${final?.error}${diagnostics()}`);

    const partial = responses.filter((r) => r.status === 206 && r.servedBy === 'node1');
    assert.ok(partial.length > 0, `no 206 response with x-served-by: node1${diagnostics()}`);
  } finally {
    // The screenshot is taken on failure too: it shows where playback got stuck.
    if (page) {
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, timeout: 5_000 }).catch(() => {});
    }
    await browser?.close().catch(() => {});
    if (node) await stopNode(node);
    await dir.cleanup();
  }
});
