/**
 * The two languages of the project's messages. Chosen by `--lang`, else from `LC_ALL` / `LANG`
 * (read once by the CLI and passed down; nothing else reads the environment).
 *
 * | input                       | output  |
 * |-----------------------------|---------|
 * | pickLang('pt-BR')           | 'pt-BR' |
 * | pickLang(undefined, 'pt_BR.UTF-8') | 'pt-BR' |
 * | pickLang(undefined, 'pt_PT.UTF-8') | 'pt-BR' (the only Portuguese we have) |
 * | pickLang(undefined, 'C.UTF-8')     | 'en'    |
 */
export type Lang = 'en' | 'pt-BR';

export const LANGS: readonly Lang[] = ['en', 'pt-BR'];

export function pickLang(flag: string | undefined, ...envValues: Array<string | undefined>): Lang {
  if (flag !== undefined) return flag.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
  for (const v of envValues) {
    if (!v) continue;
    return v.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
  }
  return 'en';
}

/** A message in both languages. */
export type Localized = Record<Lang, string>;

/**
 * Picks the text of a message in the given language. CLI text is written inline in both languages,
 * right where it is used: `tr(lang, { en: `Stored on ${n} nodes`, 'pt-BR': `Armazenado em ${n} nós` })`.
 */
export function tr(lang: Lang, msg: Localized): string {
  return msg[lang];
}
