import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import type { Lang } from '../shared/i18n.js';
import { makeContext } from './cli-context.js';
import { dsmProgram } from './dsm-program.js';
import { usageErrorIn } from './usage-error-words.js';

/** What `dsm <args>` writes to stderr for a usage error, run in-process (nothing starts). */
async function usageError(lang: Lang, args: string[]): Promise<string> {
  let err = '';
  const write = (s: string) => {
    err += s;
    return true;
  };
  const stderr = { write } as unknown as NodeJS.WriteStream;
  const ctx = { ...makeContext(['--lang', lang], {}), stderr };
  const program = dsmProgram(ctx, () => {});
  await assert.rejects(program.parseAsync(args, { from: 'user' }), CommanderError);
  return err.trim();
}

describe('usageErrorIn', () => {
  const table: Array<[string, string]> = [
    ["unknown option '--bogus'", "opção desconhecida '--bogus'"],
    [
      "unknown option '--prot'\n(Did you mean --port?)",
      "opção desconhecida '--prot'\n(Você quis dizer --port?)",
    ],
    ["unknown command 'nod'", "comando desconhecido 'nod'"],
    ["missing required argument 'file'", "falta o argumento obrigatório 'file'"],
    ["option '--port <port>' argument missing", "falta o valor da opção '--port <port>'"],
    [
      "too many arguments for 'rm'. Expected 1 argument but got 2.",
      "argumentos demais para 'rm': esperava 1, recebeu 2",
    ],
    [
      "option '--port <port>' argument '-5' is invalid. a port cannot be negative.",
      "valor '-5' inválido para '--port <port>': uma porta não pode ser negativa.",
    ],
    [
      "option '--seed <n>' argument 'x' is invalid. a seed must be a whole number.",
      "valor 'x' inválido para '--seed <n>': uma semente precisa ser um número inteiro.",
    ],
    [
      "option '--lang <lang>' argument 'fr' is invalid. Allowed choices are en, pt-BR.",
      "valor 'fr' inválido para '--lang <lang>': valores possíveis: en, pt-BR.",
    ],
    ['something commander may say one day', 'something commander may say one day'],
  ];
  for (const [en, pt] of table) {
    it(`${JSON.stringify(en)} → ${JSON.stringify(pt)}`, () => {
      assert.equal(usageErrorIn('pt-BR', en), pt);
      assert.equal(usageErrorIn('en', en), en, 'English stays as commander wrote it');
    });
  }
});

describe('dsm usage errors in Portuguese (in-process)', () => {
  const cases: Array<[string[], RegExp]> = [
    [['node', '--bogus'], /^dsm: opção desconhecida '--bogus' \(use --help para ver todas as opções\)$/],
    [
      ['node', '--port', 'abc'],
      /valor 'abc' inválido para '--port <port>': uma porta precisa ser um número inteiro\./,
    ],
    [['node', '--port', '70000'], /uma porta precisa estar entre 0 e 65535\./],
    [['node', '--anti-entropy-interval-ms', '-1'], /um tempo em ms não pode ser negativo\./],
    [['node', '--scrub-mbps', '0'], /uma taxa em MB\/s precisa ser um número acima de 0/],
    [['fault', 'node1', '--error-rate', '2'], /uma fração precisa ser um número de 0 a 1\./],
    [['fault', 'node1', '--bandwidth-kbps', '0'], /uma taxa em KB\/s precisa ser um número acima de 0 e até/],
    [['pick', 'a.mp4', '--samples', '0'], /o número de amostras precisa estar entre 1 e 20\./],
    [['replicate'], /falta o argumento obrigatório 'file'/],
    [['rm', 'a', 'b'], /argumentos demais para 'rm': esperava 1, recebeu 2/],
    [['nod'], /comando desconhecido 'nod'/],
  ];
  for (const [args, expected] of cases) {
    it(`dsm ${args.join(' ')}`, async () => {
      const out = await usageError('pt-BR', args);
      assert.match(out, expected);
      assert.doesNotMatch(out, /\b(must|cannot|invalid|unknown|missing|argument|Expected)\b/, out);
    });
  }

  it('stays in English with --lang en', async () => {
    assert.equal(
      await usageError('en', ['node', '--port', 'abc']),
      "dsm: option '--port <port>' argument 'abc' is invalid. a port must be a whole number. (add --help to see every flag)",
    );
  });
});
