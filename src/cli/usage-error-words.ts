/**
 * A usage error in the CLI's language. commander words its errors in English, in fixed forms
 * (node_modules/commander/lib/command.js, lib/option.js, lib/suggestSimilar.js), and dsm's flag parsers
 * add their reason after them (options.ts, node-command.ts, fault-command.ts); both are put in
 * Brazilian Portuguese here, form by form. A form not in the tables stays as it is (English).
 *
 * | commander / parser (en)                                        | pt-BR                                              |
 * |----------------------------------------------------------------|----------------------------------------------------|
 * | unknown option '--bogus'                                       | opção desconhecida '--bogus'                       |
 * | (Did you mean --port?)                                         | (Você quis dizer --port?)                          |
 * | unknown command 'nod'                                          | comando desconhecido 'nod'                         |
 * | missing required argument 'file'                               | falta o argumento obrigatório 'file'               |
 * | option '--port <port>' argument missing                        | falta o valor da opção '--port <port>'             |
 * | too many arguments for 'rm'. Expected 1 argument but got 2.    | argumentos demais para 'rm': esperava 1, recebeu 2 |
 * | option '--port <port>' argument 'x' is invalid. <reason>       | valor 'x' inválido para '--port <port>': <motivo>  |
 * | a port must be a whole number.                                 | uma porta precisa ser um número inteiro.           |
 * | Allowed choices are en, pt-BR.                                 | valores possíveis: en, pt-BR.                      |
 */
import type { Lang } from '../shared/i18n.js';

type Form = [RegExp, (m: RegExpExecArray) => string];

/** The `what` of `intArg` / `numberArg`, as the parsers name it; `f`: a feminine noun ("negativa"). */
const WHAT: Record<string, { pt: string; f?: true }> = {
  'a port': { pt: 'uma porta', f: true },
  'a time in ms': { pt: 'um tempo em ms' },
  'a byte count': { pt: 'uma quantidade de bytes', f: true },
  'a size in MiB': { pt: 'um tamanho em MiB' },
  'a seed': { pt: 'uma semente', f: true },
  'the number of samples': { pt: 'o número de amostras' },
  'a count': { pt: 'uma quantidade', f: true },
  'a share': { pt: 'uma fração', f: true },
  'a rate in KB/s': { pt: 'uma taxa em KB/s', f: true },
  'a time in seconds': { pt: 'um tempo em segundos' },
};
const what = (w: string) => WHAT[w]?.pt ?? w;
const negative = (w: string) => (WHAT[w]?.f ? 'negativa' : 'negativo');

/** The reasons dsm's own parsers give (after "is invalid."). */
const REASONS: Form[] = [
  [/^(.+) cannot be negative\.$/, (m) => `${what(m[1] ?? '')} não pode ser ${negative(m[1] ?? '')}.`],
  [/^(.+) must be a whole number\.$/, (m) => `${what(m[1] ?? '')} precisa ser um número inteiro.`],
  [
    /^(.+) must be between (\S+) and (\S+)\.$/,
    (m) => `${what(m[1] ?? '')} precisa estar entre ${m[2]} e ${m[3]}.`,
  ],
  [
    /^(.+) must be a number from (\S+) to (\S+)\.$/,
    (m) => `${what(m[1] ?? '')} precisa ser um número de ${m[2]} a ${m[3]}.`,
  ],
  [
    /^(.+) must be a number above (\S+) and up to (\S+)\.$/,
    (m) => `${what(m[1] ?? '')} precisa ser um número acima de ${m[2]} e até ${m[3]}.`,
  ],
  [
    /^a rate in MB\/s must be a number above 0 \(e\.g\. 50 or 0\.5\)\.$/,
    () => 'uma taxa em MB/s precisa ser um número acima de 0 (ex.: 50 ou 0.5).',
  ],
  [/^Allowed choices are (.+)\.$/, (m) => `valores possíveis: ${m[1]}.`],
];

const reason = (text: string) => translate(REASONS, text) ?? text;

/** commander's own forms, without its "error: " prefix. */
const FORMS: Form[] = [
  [/^unknown option '(.+?)'$/, (m) => `opção desconhecida '${m[1]}'`],
  [/^unknown command '(.+?)'$/, (m) => `comando desconhecido '${m[1]}'`],
  [/^missing required argument '(.+?)'$/, (m) => `falta o argumento obrigatório '${m[1]}'`],
  [/^option '(.+?)' argument missing$/, (m) => `falta o valor da opção '${m[1]}'`],
  [/^required option '(.+?)' not specified$/, (m) => `falta a opção obrigatória '${m[1]}'`],
  [
    /^too many arguments(?: for '(.+?)')?\. Expected (\d+) arguments? but got (\d+)\.$/,
    (m) => `argumentos demais${m[1] ? ` para '${m[1]}'` : ''}: esperava ${m[2]}, recebeu ${m[3]}`,
  ],
  [
    /^option '(.+?)' argument '(.*?)' is invalid\.(?: (.*))?$/,
    (m) => `valor '${m[2]}' inválido para '${m[1]}'${m[3] ? `: ${reason(m[3])}` : ''}`,
  ],
  [
    /^command-argument value '(.*?)' is invalid for argument '(.+?)'\.(?: (.*))?$/,
    (m) => `valor '${m[1]}' inválido para o argumento '${m[2]}'${m[3] ? `: ${reason(m[3])}` : ''}`,
  ],
  [/^(.+) cannot be used with (.+)$/, (m) => `${m[1]} não pode ser usada com ${m[2]}`],
];

/** The suggestion commander adds on a line of its own. */
const SUGGESTIONS: Form[] = [
  [/^\(Did you mean one of (.+)\?\)$/, (m) => `(Você quis dizer uma destas: ${m[1]}?)`],
  [/^\(Did you mean (.+)\?\)$/, (m) => `(Você quis dizer ${m[1]}?)`],
];

function translate(forms: Form[], text: string): string | undefined {
  for (const [re, to] of forms) {
    const m = re.exec(text);
    if (m) return to(m);
  }
  return undefined;
}

/**
 * `message` (commander's, without "error: "; possibly a suggestion on a second line) in `lang`.
 * English comes back unchanged.
 */
export function usageErrorIn(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  return message
    .split('\n')
    .map((line) => translate(FORMS, line) ?? translate(SUGGESTIONS, line) ?? line)
    .join('\n');
}
