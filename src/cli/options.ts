/**
 * Flag parsers shared by every command, so that the grammar is the same everywhere
 * (`--config`, `--port`, `--host`, `--<what>-interval-ms`, `--json`).
 */
import { InvalidArgumentError } from 'commander';
import type { Localized } from '../shared/i18n.js';

export function intArg(min: number, max: number, what: string) {
  return (value: string): number => {
    if (/^-\d+$/.test(value.trim())) throw new InvalidArgumentError(`${what} cannot be negative.`);
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${what} must be a whole number.`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${what} must be between ${min} and ${max}.`);
    return n;
  };
}

export const portArg = intArg(0, 65535, 'a port');
export const msArg = intArg(0, 600_000, 'a time in ms');

export const DEFAULT_CONFIG = 'nodes.json';

/** The help of the flags many commands share, written once (`tr(ctx.lang, FLAG_HELP.json)`). */
export const FLAG_HELP = {
  clusterFile: { en: 'the cluster file', 'pt-BR': 'o arquivo do cluster' },
  json: { en: 'machine output', 'pt-BR': 'saída para máquinas' },
} satisfies Record<string, Localized>;
