import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, Option } from 'commander';
import { localizeHelp } from './localize-help.js';

/** A small tree with every kind of extra commander prints: choices, defaults, preset, env, a help command. */
function sample(): Command {
  const program = new Command('tool').description('does things').version('1.0.0', '-v, --version');
  program.addCommand(
    new Command('run')
      .description('runs a thing')
      .argument('[target]', 'what to run', 'all')
      .addOption(new Option('--mode <mode>', 'how').choices(['fast', 'slow']).default('fast'))
      .addOption(new Option('--level [n]', 'how much').preset('3').env('TOOL_LEVEL'))
      .option('--port <port>', 'TCP port', '8001')
      .option('--quiet', 'no output'),
  );
  return program;
}

const run = (program: Command): Command => program.commands.find((c) => c.name() === 'run') as Command;
/** The help on one line, so that a phrase cut by the wrapping is still found. */
const flat = (help: string) => help.replace(/\s+/g, ' ').trim();

describe('localizeHelp', () => {
  it('leaves the English help word for word as commander writes it', () => {
    const plain = sample();
    const localized = localizeHelp(sample(), 'en');
    assert.equal(localized.helpInformation(), plain.helpInformation());
    assert.equal(run(localized).helpInformation(), run(plain).helpInformation());
  });

  it("writes commander's headings, placeholders, extras and built-in help in Portuguese", () => {
    const program = localizeHelp(sample(), 'pt-BR');
    const top = flat(program.helpInformation());
    assert.match(top, /^Uso: tool \[opções\] \[comando\] /);
    assert.match(top, / Opções: /);
    assert.match(top, / Comandos: run \[opções\] \[target\] runs a thing /);
    assert.match(top, / help \[comando\] mostra a ajuda do comando/);
    assert.match(top, / -h, --help mostra a ajuda do comando /);
    const sub = flat(run(program).helpInformation());
    assert.match(sub, /^Uso: tool run \[opções\] \[target\] /);
    assert.match(sub, / Argumentos: target what to run \(padrão: "all"\) /);
    assert.match(sub, / --mode <mode> how \(valores possíveis: "fast", "slow"; padrão: "fast"\) /);
    assert.match(sub, / --level \[n\] how much \(sem valor: "3"; variável de ambiente: TOOL_LEVEL\) /);
    assert.match(sub, / --port <port> TCP port \(padrão: "8001"\) /);
    for (const english of ['Usage:', 'Options:', 'Commands:', 'Arguments:', '[options]', '[command]']) {
      assert.ok(!top.includes(english) && !sub.includes(english), `left in English: ${english}`);
    }
    for (const english of ['display help for command', 'default:', 'choices:', 'preset:', 'env:']) {
      assert.ok(!top.includes(english) && !sub.includes(english), `left in English: ${english}`);
    }
  });

  it('passes a heading of its own through unchanged', () => {
    const program = new Command('tool').addOption(new Option('--x', 'an x').helpGroup('Extras:'));
    assert.match(localizeHelp(program, 'pt-BR').helpInformation(), /^Extras:\n {2}--x +an x$/m);
  });

  it('adds no help command to a command without subcommands', () => {
    const help = localizeHelp(new Command('leaf').option('--x', 'an x'), 'pt-BR').helpInformation();
    assert.ok(!help.includes('help [comando]'), help);
    assert.ok(!help.includes('Comandos:'), help);
  });
});
