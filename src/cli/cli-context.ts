/**
 * What every command gets from the process, read once here: the environment, the language, the
 * output streams. Nothing below `cli/` reads `process.env`.
 */
import { type Lang, pickLang } from '../shared/i18n.js';

export interface CliContext {
  env: NodeJS.ProcessEnv;
  lang: Lang;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Colours on: a terminal, and neither NO_COLOR nor --json. */
  color: boolean;
}

export function makeContext(argv: string[], env: NodeJS.ProcessEnv = process.env): CliContext {
  const langFlag = argv.find((a, i) => argv[i - 1] === '--lang' || a.startsWith('--lang='));
  const lang = pickLang(langFlag?.replace(/^--lang=/, ''), env.LC_ALL, env.LC_MESSAGES, env.LANG);
  const color = Boolean(process.stdout.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return { env, lang, stdout: process.stdout, stderr: process.stderr, color };
}
