import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bearerMatches, resolveToken } from './token.js';

describe('resolveToken', () => {
  it('prefers the environment, then the config, then the token file it creates once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dsm-token-'));
    try {
      assert.deepEqual(
        await resolveToken({ envToken: 'e', configToken: 'c', configDir: dir, create: true }),
        {
          token: 'e',
          source: 'env',
        },
      );
      assert.equal(
        (await resolveToken({ envToken: undefined, configToken: 'c', configDir: dir, create: true }))?.token,
        'c',
      );
      assert.equal(
        await resolveToken({ envToken: undefined, configToken: undefined, configDir: dir, create: false }),
        undefined,
      );
      const made = await resolveToken({
        envToken: undefined,
        configToken: undefined,
        configDir: dir,
        create: true,
      });
      assert.equal(made?.source, 'file');
      assert.ok((made?.token.length ?? 0) >= 32);
      assert.equal((await readFile(join(dir, '.dsm', 'token'), 'utf8')).trim(), made?.token);
      if (process.platform !== 'win32')
        assert.equal((await stat(join(dir, '.dsm', 'token'))).mode & 0o777, 0o600);
      const again = await resolveToken({
        envToken: undefined,
        configToken: undefined,
        configDir: dir,
        create: true,
      });
      assert.equal(again?.token, made?.token);
      assert.equal(
        await resolveToken({
          envToken: undefined,
          configToken: undefined,
          configDir: undefined,
          create: true,
        }),
        undefined,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bearerMatches', () => {
  const table: Array<[string | undefined, boolean]> = [
    ['Bearer s3cret-token', true],
    ['Bearer s3cret-tokeN', false],
    ['Bearer s3cret', false],
    ['s3cret-token', false],
    ['Basic s3cret-token', false],
    [undefined, false],
  ];
  for (const [header, expected] of table) {
    it(`${header} → ${expected}`, () => assert.equal(bearerMatches(header, 's3cret-token'), expected));
  }
});
