import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PickResult } from '../selection/pick.js';
import { DsmError } from '../shared/errors.js';
import { type PickReportInput, pickJson, pickSummary, pickTable, versionLabel } from './pick-report.js';

// Versions are write times × 1024 (shared/version.ts).
const V2 = 1838717000000000;
const V3 = 1838717807046656;
const file = (version: number) => ({
  present: true as const,
  version,
  etag: `"sha256-${version}"`,
  size: 10,
});

const chosenResult: PickResult = {
  decision: {
    kind: 'chosen',
    node: 'node2',
    reason: {
      version: V3,
      medianMs: 151.24,
      skipped: [
        { node: 'node0', why: 'lacks-file', version: 0, medianMs: 12 },
        { node: 'node1', why: 'stale', version: V2, medianMs: 50.6 },
      ],
      notWaitedFor: ['node4'],
    },
  },
  decisionMs: 612.345,
  url: 'http://127.0.0.1:8002/demo.mp4',
  nodes: [
    {
      name: 'node0',
      url: 'http://127.0.0.1:8000',
      state: 'up',
      samplesMs: [12, 12, 12],
      medianMs: 12,
      minMs: 12,
      maxMs: 12,
      file: { present: false, version: 0 },
      copy: 'absent',
    },
    {
      name: 'node1',
      url: 'http://127.0.0.1:8001',
      state: 'up',
      samplesMs: [50.6, 50.2, 53],
      medianMs: 50.6,
      minMs: 50.2,
      maxMs: 53,
      file: file(V2),
      copy: 'older',
    },
    {
      name: 'node2',
      url: 'http://127.0.0.1:8002',
      state: 'up',
      samplesMs: [151.24, 150.9, 152],
      medianMs: 151.24,
      minMs: 150.9,
      maxMs: 152,
      file: file(V3),
      copy: 'newest',
    },
    {
      name: 'node4',
      url: 'http://127.0.0.1:8004',
      state: 'silent',
      silentMs: 605.2,
      samplesMs: [],
      copy: 'unknown',
    },
    {
      name: 'node5',
      url: 'http://127.0.0.1:8005',
      state: 'down',
      failure: { kind: 'refused', detail: 'ECONNREFUSED' },
      samplesMs: [],
      copy: 'unknown',
    },
  ],
};

const input: PickReportInput = { file: 'demo.mp4', samples: 3, timeoutMs: 2000, result: chosenResult };

describe('pickTable', () => {
  it('shows every node: state, median, min–max, samples, the file, and a * on the chosen one', () => {
    const older = `yes, older (${versionLabel(V2)})`;
    const w = older.length;
    assert.equal(
      pickTable(input, 'en'),
      [
        `   node   state                    median  min–max     samples  ${'file'.padEnd(w)}`.trimEnd(),
        `-  -----  -----------------------  ------  ----------  -------  ${'-'.repeat(w)}`,
        '   node0  up                        12 ms  12–12 ms    3/3      no',
        `   node1  up                        51 ms  50–53 ms    3/3      ${older}`,
        `*  node2  up                       151 ms  151–152 ms  3/3      yes (${versionLabel(V3)})`,
        '   node4  not waited for (605 ms)       -  -           0/3      ?',
        '   node5  down: refused                 -  -           0/3      -',
      ].join('\n'),
    );
  });

  it('speaks Brazilian Portuguese', () => {
    const table = pickTable(input, 'pt-BR');
    assert.match(table, /nó\s+estado\s+mediana\s+mín–máx\s+amostras\s+arquivo/);
    assert.match(table, /node1 {2}no ar .* sim, mais antiga \(\d{4}-/);
    assert.match(table, /node4 {2}não esperado \(605 ms\)/);
    assert.match(table, /node5 {2}fora: recusado/);
  });
});

describe('pickSummary', () => {
  it('says what was chosen, who was skipped and why, who was not waited for, and how long it took', () => {
    assert.deepEqual(pickSummary(input, 'en'), [
      `Chose node2: the fastest node that holds the newest version of demo.mp4 (${versionLabel(V3)}), median 151 ms.`,
      'Skipped node0, faster (median 12 ms): it does not have the file.',
      `Skipped node1, faster (median 51 ms): its copy is older (${versionLabel(V2)}, newest ${versionLabel(V3)}).`,
      'Not waited for: node4 (605 ms), silent for longer than could change the choice.',
      'Decided in 612 ms.',
    ]);
    assert.equal(pickSummary(input, 'pt-BR')[4], 'Decidido em 612 ms.');
  });
});

describe('pickJson', () => {
  it('has the decision, its time, the reason and every node, numbers to 0.1 ms', () => {
    const json = pickJson(input, 'en', { opened: false });
    assert.equal(json.decisionMs, 612.3);
    assert.deepEqual(json.chosen, {
      node: 'node2',
      url: 'http://127.0.0.1:8002/demo.mp4',
      version: V3,
      medianMs: 151.2,
    });
    assert.equal(json.reason.kind, 'chosen');
    assert.deepEqual(json.reason.skipped, [
      { node: 'node0', why: 'lacks-file', version: 0, medianMs: 12 },
      { node: 'node1', why: 'stale', version: V2, medianMs: 50.6 },
    ]);
    assert.equal(json.error, null);
    assert.deepEqual(json.nodes[3], {
      name: 'node4',
      url: 'http://127.0.0.1:8004',
      state: 'silent',
      failure: null,
      silentMs: 605.2,
      samplesMs: [],
      medianMs: null,
      minMs: null,
      maxMs: null,
      file: null,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });

  it('carries the error when no node can serve the file', () => {
    const none: PickResult = {
      decision: { kind: 'none', reason: { why: 'all-down' } },
      decisionMs: 3,
      nodes: [chosenResult.nodes[4] as PickResult['nodes'][number]],
    };
    const error = new DsmError('DSM_PICK_ALL_DOWN', { name: 'demo.mp4', count: 1, file: 'nodes.json' });
    const json = pickJson({ ...input, result: none }, 'pt-BR', { opened: false, error });
    assert.equal(json.chosen, null);
    assert.deepEqual(json.reason, { kind: 'none', why: 'all-down' });
    assert.equal(json.error?.code, 'DSM_PICK_ALL_DOWN');
    assert.match(json.error?.message ?? '', /nenhum dos 1 nós/);
  });
});

describe('versionLabel', () => {
  it('shows a version as the local date and time it was written', () => {
    const d = new Date(Math.floor(V3 / 1024));
    const p = (n: number) => String(n).padStart(2, '0');
    assert.match(versionLabel(V3), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(
      versionLabel(V3),
      `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`,
    );
  });
  it('keeps v0 for a node that sends no version', () => assert.equal(versionLabel(0), 'v0'));
});
