/**
 * How the CLI ends on an error: one line, no stack trace for anything the user can fix.
 * Exit codes: 0 ok, 1 the operation failed, 2 bad usage (flags, config, ports, folders).
 */
import { isDsmError } from '../shared/errors.js';
import { tr } from '../shared/i18n.js';
import type { CliContext } from './cli-context.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Errors from the catalog that mean "fix your input", as opposed to "it did not work". */
const USAGE_CODES = new Set([
  'DSM_USAGE',
  'DSM_CONFIG_NOT_FOUND',
  'DSM_CONFIG_INVALID',
  'DSM_NODE_NOT_IN_CONFIG',
  'DSM_PORT_IN_USE',
  'DSM_LISTEN_FAILED',
  'DSM_ROOT_UNUSABLE',
  'DSM_BAD_NAME',
]);

export function exitCodeFor(err: unknown): number {
  return isDsmError(err) && USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILED;
}

/** Prints an error the way users should see it and returns the exit code. */
export function reportError(err: unknown, ctx: CliContext): number {
  if (isDsmError(err) && err.code === 'DSM_UNAUTHORIZED') {
    // The catalog's text speaks HTTP (send "Authorization: Bearer …"); a CLI user sets a token instead.
    ctx.stderr.write(
      `dsm: ${tr(ctx.lang, {
        en: 'the token was refused: check DSM_TOKEN, "token" in nodes.json, or .dsm/token beside it',
        'pt-BR': 'o token foi recusado: confira DSM_TOKEN, "token" no nodes.json, ou .dsm/token ao lado dele',
      })}\n`,
    );
  } else if (isDsmError(err)) {
    ctx.stderr.write(`dsm: ${err.localized(ctx.lang)}\n`);
  } else {
    // A bug, not a user mistake: keep the stack, it is what a bug report needs.
    ctx.stderr.write(`dsm: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  return exitCodeFor(err);
}
