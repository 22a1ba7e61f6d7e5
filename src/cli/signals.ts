/**
 * Resolves on the first Ctrl+C / SIGTERM (graceful stop); a second one exits at once.
 * SIGBREAK is Ctrl+Break on Windows.
 */
import type { CliContext } from './cli-context.js';

export function onShutdownSignal(_ctx: CliContext, onFirst?: () => void): Promise<void> {
  return new Promise((resolve) => {
    let seen = false;
    const handler = () => {
      if (seen) process.exit(130);
      seen = true;
      onFirst?.();
      resolve();
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const) process.on(sig, handler);
  });
}
