import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import type { Lang } from '../shared/i18n.js';
import { makeContext } from './cli-context.js';
import { dsmProgram } from './dsm-program.js';

/** The whole `dsm` tree for `--lang <lang>`, with no LANG around. Nothing runs: no action is parsed. */
function program(lang: Lang): Command {
  return dsmProgram(makeContext(['--lang', lang], {}), () => {});
}
const sub = (p: Command, name: string): Command => p.commands.find((c) => c.name() === name) as Command;
/** The help on one line, so that a phrase cut by the wrapping is still found. */
const flat = (help: string) => help.replace(/\s+/g, ' ').trim();
/** Commander's English words, none of which may be left in the Portuguese help. */
const COMMANDER_ENGLISH = [
  'Usage:',
  'Options:',
  'Commands:',
  'Arguments:',
  '[options]',
  '[command]',
  'display help for command',
  'output the version number',
  'default:',
  'choices:',
];

describe('dsm --help', () => {
  it('is in Portuguese with --lang pt-BR: dsm', () => {
    const help = flat(program('pt-BR').helpInformation());
    assert.match(help, /^Uso: dsm \[opções\] \[comando\] /);
    assert.match(help, / Opções: -v, --version mostra o número da versão /);
    assert.match(
      help,
      / --lang <lang> idioma das mensagens \(padrão: o do LANG\) \(valores possíveis: "en", "pt-BR"\) /,
    );
    assert.match(help, / Comandos: node \[opções\] inicia um nó de armazenamento: /);
    assert.match(help, / help \[comando\] mostra a ajuda do comando/);
    for (const english of COMMANDER_ENGLISH)
      assert.ok(!help.includes(english), `left in English: ${english}`);
  });

  it('is in Portuguese with --lang pt-BR: dsm node', () => {
    const help = flat(sub(program('pt-BR'), 'node').helpInformation());
    assert.match(help, /^Uso: dsm node \[opções\] /);
    assert.match(
      help,
      / inicia um nó de armazenamento: serve uma pasta por HTTP, com uma latência de rede simulada /,
    );
    assert.match(help, / --port <port> porta TCP \(0 = qualquer porta livre\) \(padrão: 8001\) /);
    assert.match(
      help,
      / --latency-ms <ms> latência simulada antes do primeiro byte de cada resposta \(padrão: 0\) /,
    );
    assert.match(
      help,
      / --log <format> formato do log \(valores possíveis: "text", "json"; padrão: "text"\) /,
    );
    assert.match(help, / -h, --help mostra a ajuda do comando$/);
    for (const english of COMMANDER_ENGLISH)
      assert.ok(!help.includes(english), `left in English: ${english}`);
  });

  it('has no commander English left in any command in Portuguese', () => {
    for (const cmd of program('pt-BR').commands) {
      const help = flat(cmd.helpInformation());
      for (const english of COMMANDER_ENGLISH) {
        assert.ok(!help.includes(english), `dsm ${cmd.name()}: left in English: ${english}`);
      }
    }
  });

  it('translates every description: no command, argument or flag reads the same in both languages', () => {
    const en = program('en');
    const pt = program('pt-BR');
    const pairs: Array<[string, string, string]> = [['dsm', en.description(), pt.description()]];
    for (const [i, o] of en.options.entries())
      pairs.push([`dsm ${o.flags}`, o.description, pt.options[i]?.description ?? '']);
    for (const enCmd of en.commands) {
      const ptCmd = sub(pt, enCmd.name());
      const where = `dsm ${enCmd.name()}`;
      pairs.push([where, enCmd.description(), ptCmd.description()]);
      for (const [i, a] of enCmd.registeredArguments.entries()) {
        pairs.push([
          `${where} <${a.name()}>`,
          a.description,
          ptCmd.registeredArguments[i]?.description ?? '',
        ]);
      }
      for (const [i, o] of enCmd.options.entries()) {
        assert.equal(ptCmd.options[i]?.flags, o.flags, `${where}: same flags in both languages`);
        pairs.push([`${where} ${o.flags}`, o.description, ptCmd.options[i]?.description ?? '']);
      }
    }
    for (const [where, enText, ptText] of pairs) {
      assert.ok(enText.length > 0, `${where}: no English description`);
      assert.ok(ptText.length > 0 && ptText !== enText, `${where}: not translated ("${enText}")`);
    }
  });

  it('keeps the English help as it was', () => {
    const p = program('en');
    const help = flat(p.helpInformation());
    assert.match(help, /^Usage: dsm \[options\] \[command\] /);
    assert.match(help, / Options: -v, --version output the version number /);
    assert.match(
      help,
      / --lang <lang> language of messages \(default: from LANG\) \(choices: "en", "pt-BR"\) /,
    );
    assert.match(help, / Commands: node \[options\] start a storage node: /);
    assert.match(help, / help \[command\] display help for command$/);
    const node = flat(sub(p, 'node').helpInformation());
    assert.match(node, /^Usage: dsm node \[options\] /);
    assert.match(node, / --port <port> TCP port \(0 = any free port\) \(default: 8001\) /);
    assert.match(node, / --log <format> log format \(choices: "text", "json", default: "text"\) /);
    assert.match(node, / -h, --help display help for command$/);
  });

  it('lists every flag that has a default with that default, in both languages', () => {
    for (const [lang, word] of [
      ['en', 'default'],
      ['pt-BR', 'padrão'],
    ] as const) {
      for (const cmd of program(lang).commands) {
        const help = flat(cmd.helpInformation());
        for (const o of cmd.options) {
          if (o.defaultValue === undefined || o.negate || !(o.required || o.optional)) continue;
          const shown = `${word}: ${JSON.stringify(o.defaultValue)}`;
          assert.ok(help.includes(shown), `dsm ${cmd.name()} ${o.flags} (${lang}): no "${shown}"`);
        }
      }
    }
  });
});
