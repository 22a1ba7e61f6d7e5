import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { mayOpenBrowser, openerCommand, openUrl } from './open-url.js';

describe('openerCommand', () => {
  const url = 'http://127.0.0.1:8001/a%20b.mp4';
  const table: Array<[NodeJS.Platform, string, string[]]> = [
    ['darwin', 'open', [url]],
    ['win32', 'cmd', ['/c', 'start', '""', `"${url}"`]],
    ['linux', 'xdg-open', [url]],
    ['freebsd', 'xdg-open', [url]],
  ];
  for (const [platform, cmd, args] of table) {
    it(`${platform} → ${cmd}`, () => {
      const c = openerCommand(platform, url);
      assert.equal(c.cmd, cmd);
      assert.deepEqual(c.args, args);
    });
  }
});

describe('mayOpenBrowser', () => {
  const table: Array<[boolean, boolean | undefined, string | undefined, boolean]> = [
    [true, true, undefined, true],
    [true, true, '', true],
    [true, true, 'false', true],
    [true, true, '0', true],
    [false, true, undefined, false],
    [true, false, undefined, false],
    [true, undefined, undefined, false],
    [true, true, 'true', false],
    [true, true, '1', false],
  ];
  for (const [open, isTTY, ci, expected] of table) {
    it(`open ${open}, TTY ${isTTY}, CI ${JSON.stringify(ci)} → ${expected}`, () =>
      assert.equal(mayOpenBrowser({ open, isTTY, ci }), expected));
  }
});

describe('openUrl', () => {
  it('starts the opener with the URL', async () => {
    const seen: string[][] = [];
    const result = await openUrl('http://x/a.mp4', 'linux', (cmd, args, opts) => {
      seen.push([cmd, ...args]);
      // Something that really starts, in place of a browser.
      return spawn(process.execPath, ['-e', ''], opts);
    });
    assert.deepEqual(result, { ok: true });
    assert.deepEqual(seen, [['xdg-open', 'http://x/a.mp4']]);
  });

  it('says why when the opener is missing (a server without xdg-open)', async () => {
    const result = await openUrl('http://x', 'linux', (_cmd, args, opts) =>
      spawn('dsm-no-such-opener-7f3a', args, opts),
    );
    assert.deepEqual(result, { ok: false, detail: 'xdg-open: not found' });
  });
});
