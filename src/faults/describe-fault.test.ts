import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFault, describeFaults } from './describe-fault.js';
import type { ListedFault } from './fault-chain.js';

describe('describeFault', () => {
  const table: Array<[ListedFault, string, string]> = [
    [
      { type: 'latency', latencyMs: 500, jitterMs: 50, toxicity: 1 },
      'latency 500 ± 50 ms',
      'latência 500 ± 50 ms',
    ],
    [
      { type: 'bandwidth', bandwidthKBps: 300, toxicity: 0.5 },
      'bandwidth 300 KB/s, 50% of requests',
      'banda 300 KB/s, 50% dos pedidos',
    ],
    [
      { type: 'errors', errorRate: 0.25, status: 503, toxicity: 1 },
      'errors: 25% answered 503',
      'erros: 25% respondidos com 503',
    ],
    [{ type: 'hang', toxicity: 1 }, 'hang: no answer', 'travado: sem resposta'],
    [
      { type: 'reset', resetAfterBytes: 1_000_000, toxicity: 1, forSeconds: 30, remainingSeconds: 12.5 },
      'reset after 1000000 bytes, 12.5 s left',
      'conexão cortada após 1000000 bytes, faltam 12.5 s',
    ],
    [{ type: 'down', toxicity: 1 }, 'down: connections reset', 'fora do ar: conexões derrubadas'],
  ];
  for (const [fault, en, pt] of table) {
    it(`${fault.type} → "${en}"`, () => {
      assert.equal(describeFault(fault, 'en'), en);
      assert.equal(describeFault(fault, 'pt-BR'), pt);
    });
  }
  it('says none for an empty list', () => assert.equal(describeFaults([], 'en'), 'none'));
});
