/**
 * commander's own words in `--help` in the CLI's language: the headings ("Usage:", "Options:"…),
 * `[options]` / `[command]` in the usage lines, "(default: …)" and "(choices: …)" after a flag, and the
 * built-in `-h, --help` and `help [command]`. The descriptions of the commands and flags are the
 * commands' own, written with `tr()` where they are declared.
 *
 * Done with commander's public hooks, once for the whole tree: `configureHelp()` overrides of
 * `styleTitle`, `commandUsage`, `subcommandTerm`, `optionDescription` and `argumentDescription`, and
 * `helpOption()` / `helpCommand()` with a translated description. In English the help is word for word
 * commander's.
 */
import { type Argument, type Command, Help, type HelpConfiguration, type Option } from 'commander';
import { type Lang, type Localized, tr } from '../shared/i18n.js';

/** The headings commander passes to `styleTitle`. A heading of our own passes through unchanged. */
const TITLES: Record<string, Localized> = {
  'Usage:': { en: 'Usage:', 'pt-BR': 'Uso:' },
  'Arguments:': { en: 'Arguments:', 'pt-BR': 'Argumentos:' },
  'Options:': { en: 'Options:', 'pt-BR': 'Opções:' },
  'Global Options:': { en: 'Global Options:', 'pt-BR': 'Opções globais:' },
  'Commands:': { en: 'Commands:', 'pt-BR': 'Comandos:' },
};

/** The placeholders commander writes in usage lines and in the list of commands. */
const USAGE_WORDS: Record<string, Localized> = {
  '[options]': { en: '[options]', 'pt-BR': '[opções]' },
  '[command]': { en: '[command]', 'pt-BR': '[comando]' },
};

/** The labels of the parenthesis after a description: `(choices: "a", "b", default: "a")`. */
const EXTRA = {
  choices: { en: 'choices', 'pt-BR': 'valores possíveis' },
  default: { en: 'default', 'pt-BR': 'padrão' },
  preset: { en: 'preset', 'pt-BR': 'sem valor' },
  env: { en: 'env', 'pt-BR': 'variável de ambiente' },
} satisfies Record<string, Localized>;

/** Between those labels: commander's comma in English; a semicolon in Portuguese, clearer after a list. */
const EXTRA_SEPARATOR: Localized = { en: ', ', 'pt-BR': '; ' };

const HELP_DESCRIPTION: Localized = { en: 'display help for command', 'pt-BR': 'mostra a ajuda do comando' };

/**
 * Puts `cmd` and every subcommand it has now (add them first) in `lang`. Replaces the help option with
 * `-h, --help` and, on a command with subcommands, the help command with `help [command]`: commander's
 * defaults, described in `lang`.
 */
export function localizeHelp(cmd: Command, lang: Lang): Command {
  cmd.helpOption('-h, --help', tr(lang, HELP_DESCRIPTION));
  if (cmd.commands.length > 0) {
    cmd.helpCommand(`help ${inLang(lang, USAGE_WORDS, '[command]')}`, tr(lang, HELP_DESCRIPTION));
  }
  cmd.configureHelp({ ...cmd.configureHelp(), ...helpOverrides(lang) });
  for (const sub of cmd.commands) localizeHelp(sub, lang);
  return cmd;
}

/** `word` in `lang` if `table` has it, else `word` itself. */
function inLang(lang: Lang, table: Record<string, Localized>, word: string): string {
  const msg = table[word];
  return msg ? tr(lang, msg) : word;
}

function helpOverrides(lang: Lang): HelpConfiguration {
  const base = new Help();
  const usageWords = (s: string) =>
    s
      .split(' ')
      .map((w) => inLang(lang, USAGE_WORDS, w))
      .join(' ');
  /** As commander's `(a, b)` after a description, with the labels in `lang`. */
  const withExtra = (description: string, extra: Array<[keyof typeof EXTRA, string]>) => {
    if (extra.length === 0) return description;
    const text = `(${extra.map(([k, v]) => `${tr(lang, EXTRA[k])}: ${v}`).join(tr(lang, EXTRA_SEPARATOR))})`;
    return description ? `${description} ${text}` : text;
  };
  const choices = (c: readonly string[]) => c.map((x) => JSON.stringify(x)).join(', ');
  const defaultText = (o: Option | Argument) => o.defaultValueDescription || JSON.stringify(o.defaultValue);
  return {
    styleTitle: (title) => inLang(lang, TITLES, title),
    commandUsage: (c) => usageWords(base.commandUsage(c)),
    subcommandTerm: (c) => usageWords(base.subcommandTerm(c)),
    // The rules of commander's own optionDescription / argumentDescription (lib/help.js), in `lang`.
    optionDescription: (o) => {
      const extra: Array<[keyof typeof EXTRA, string]> = [];
      if (o.argChoices) extra.push(['choices', choices(o.argChoices)]);
      const showDefault = o.required || o.optional || (o.isBoolean() && typeof o.defaultValue === 'boolean');
      if (o.defaultValue !== undefined && showDefault) extra.push(['default', defaultText(o)]);
      if (o.presetArg !== undefined && o.optional) extra.push(['preset', JSON.stringify(o.presetArg)]);
      if (o.envVar !== undefined) extra.push(['env', o.envVar]);
      return withExtra(o.description, extra);
    },
    argumentDescription: (a) => {
      const extra: Array<[keyof typeof EXTRA, string]> = [];
      if (a.argChoices) extra.push(['choices', choices(a.argChoices)]);
      if (a.defaultValue !== undefined) extra.push(['default', defaultText(a)]);
      return withExtra(a.description, extra);
    },
  };
}
