/**
 * Opens a URL in the user's default browser with the system's own command (no dependency: the npm
 * `open` package does the same, plus apps and arguments we do not need).
 *
 * | platform          | command                          |
 * |-------------------|----------------------------------|
 * | darwin            | `open <url>`                     |
 * | win32             | `cmd /c start "" "<url>"`        |
 * | linux, and others | `xdg-open <url>`                 |
 *
 * On Windows `start` takes its first quoted argument as a window title, hence the empty `""`; the URL is
 * quoted and passed verbatim so that cmd does not split it. Our URLs percent-encode every `&`, `^` and
 * `"` in file names, so cmd sees none of its own operators.
 *
 * Never opens without a person in front of a terminal:
 *
 * | --no-open | stdout is a TTY | CI                      | opens |
 * |-----------|-----------------|-------------------------|-------|
 * | no        | yes             | unset, '', '0', 'false' | yes   |
 * | yes       | yes             | unset                   | no    |
 * | no        | no (piped)      | unset                   | no    |
 * | no        | yes             | 'true', '1'             | no    |
 */
import { type ChildProcess, spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';

export interface OpenerCommand {
  cmd: string;
  args: string[];
  windowsVerbatimArguments?: boolean;
}

export function openerCommand(platform: NodeJS.Platform, url: string): OpenerCommand {
  if (platform === 'darwin') return { cmd: 'open', args: [url] };
  if (platform === 'win32') {
    return { cmd: 'cmd', args: ['/c', 'start', '""', `"${url}"`], windowsVerbatimArguments: true };
  }
  return { cmd: 'xdg-open', args: [url] };
}

export function mayOpenBrowser(opts: {
  open: boolean;
  isTTY: boolean | undefined;
  ci: string | undefined;
}): boolean {
  const ci = opts.ci !== undefined && !['', '0', 'false'].includes(opts.ci.trim().toLowerCase());
  return opts.open && opts.isTTY === true && !ci;
}

export type Spawn = (cmd: string, args: string[], opts: SpawnOptions) => ChildProcess;

/**
 * Starts the opener detached (the browser outlives `dsm`) and resolves once it has started, or with
 * the reason it could not (`xdg-open` missing on a server, say).
 */
export function openUrl(
  url: string,
  platform: NodeJS.Platform = process.platform,
  spawn: Spawn = nodeSpawn,
): Promise<{ ok: true } | { ok: false; detail: string }> {
  const c = openerCommand(platform, url);
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(c.cmd, c.args, {
        detached: true,
        stdio: 'ignore',
        windowsVerbatimArguments: c.windowsVerbatimArguments,
      });
    } catch (err) {
      resolve({ ok: false, detail: `${c.cmd}: ${(err as Error).message}` });
      return;
    }
    child.once('spawn', () => {
      child.unref();
      resolve({ ok: true });
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      resolve({
        ok: false,
        detail: err.code === 'ENOENT' ? `${c.cmd}: not found` : `${c.cmd}: ${err.message}`,
      });
    });
  });
}
