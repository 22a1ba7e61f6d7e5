import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { validateClusterConfig } from './config-loader.js';
import { DEFAULT_CLUSTER } from './config-schema.js';
import { DsmError } from './errors.js';

function errorOf(value: unknown): string {
  try {
    validateClusterConfig(value, 'nodes.json');
  } catch (err) {
    assert.ok(err instanceof DsmError);
    assert.equal(err.code, 'DSM_CONFIG_INVALID');
    return err.message;
  }
  assert.fail('expected a validation error');
}

describe('validateClusterConfig', () => {
  it('accepts the original three nodes, fills defaults and resolves roots', () => {
    const cfg = validateClusterConfig(DEFAULT_CLUSTER, '/srv/demo/nodes.json');
    assert.equal(cfg.nodes.length, 3);
    assert.deepEqual(cfg.nodes[0], {
      name: 'node1',
      host: '127.0.0.1',
      port: 8001,
      latencyMs: 50,
      jitterMs: 0,
      maxUploadMiB: 10240,
      root: resolve('/srv/demo/node1/storage'),
    });
  });

  const table: Array<[string, unknown, RegExp]> = [
    ['not an object', [], /\(top level\)|nodes/],
    ['no nodes', { nodes: [] }, /nodes: must list at least one node/],
    ['bad port', { nodes: [{ name: 'a', port: 'x', root: 'r' }] }, /nodes\[0\]\.port/],
    ['port out of range', { nodes: [{ name: 'a', port: 70000, root: 'r' }] }, /nodes\[0\]\.port/],
    [
      'negative latency',
      { nodes: [{ name: 'a', port: 1, root: 'r', latencyMs: -1 }] },
      /nodes\[0\]\.latencyMs/,
    ],
    ['typo', { nodes: [{ name: 'a', port: 1, root: 'r', latencyms: 5 }] }, /unknown field "latencyms"/],
    ['bad name', { nodes: [{ name: '../x', port: 1, root: 'r' }] }, /nodes\[0\]\.name: must be 1-32/],
    [
      'duplicate names',
      {
        nodes: [
          { name: 'a', port: 1, root: 'r' },
          { name: 'a', port: 2, root: 's' },
        ],
      },
      /nodes\[1\]\.name: "a" is also node 0's name/,
    ],
    [
      'duplicate ports',
      {
        nodes: [
          { name: 'a', port: 1, root: 'r' },
          { name: 'b', port: 1, root: 's' },
        ],
      },
      /nodes\[1\]\.port: 1 is also used by nodes\[0\]/,
    ],
    [
      'two nodes on one folder',
      {
        nodes: [
          { name: 'a', port: 1, root: 'r' },
          { name: 'b', port: 2, root: './r/' },
        ],
      },
      /nodes\[1\]\.root: "\.\/r\/" is also nodes\[0\]'s root/,
    ],
    [
      'a root inside another',
      {
        nodes: [
          { name: 'a', port: 1, root: 'cluster/b' },
          { name: 'b', port: 2, root: 'cluster' },
        ],
      },
      /nodes\[1\]\.root: "cluster" and nodes\[0\]'s root "cluster\/b" are inside one another/,
    ],
  ];
  for (const [name, value, pattern] of table) {
    it(`rejects ${name} naming the field`, () => {
      const msg = errorOf(value);
      assert.match(msg, pattern);
      assert.match(msg, /^Invalid nodes\.json: /);
      assert.ok(!msg.includes('\n'));
    });
  }
});
