/**
 * How a process ended, for messages.
 *
 * | input                          | output (en)          |
 * |--------------------------------|----------------------|
 * | exitDescription('en', 2, null) | `exit code 2`        |
 * | exitDescription('en', null, 'SIGKILL') | `signal SIGKILL` |
 * | exitDescription('en', null, null)      | `did not run`    |
 */
import { type Lang, tr } from '../shared/i18n.js';

export function exitDescription(lang: Lang, code: number | null, signal: string | null): string {
  if (signal) return tr(lang, { en: `signal ${signal}`, 'pt-BR': `sinal ${signal}` });
  if (code === null) return tr(lang, { en: 'did not run', 'pt-BR': 'não rodou' });
  return tr(lang, { en: `exit code ${code}`, 'pt-BR': `código de saída ${code}` });
}
