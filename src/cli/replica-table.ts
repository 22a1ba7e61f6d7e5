/**
 * The replica matrix as text, shared by `dsm ls` and `dsm status`: one row per file, one column per
 * node, each cell the copy's state, version time and short sha.
 *
 *   file      node1               node2               node3
 *   demo.mp4  ok v16:18:33 9f86d0  ok v16:18:33 9f86d0  STALE v16:02:10 1a2b3c
 */
import type { CellState, ReplicaCell, ReplicaRow } from '../replication/replica-status.js';
import { type Lang, tr } from '../shared/i18n.js';
import { versionTime } from '../shared/version.js';
import { textTable } from './text-table.js';

const STATE_WORDS: Record<CellState, { en: string; 'pt-BR': string }> = {
  ok: { en: 'ok', 'pt-BR': 'ok' },
  stale: { en: 'STALE', 'pt-BR': 'DESATUALIZADO' },
  missing: { en: 'MISSING', 'pt-BR': 'FALTANDO' },
  corrupt: { en: 'CORRUPT', 'pt-BR': 'CORROMPIDO' },
  deleted: { en: 'deleted', 'pt-BR': 'apagado' },
  unknown: { en: '(down)', 'pt-BR': '(fora do ar)' },
};

/**
 * | cell                                       | en text                 |
 * |--------------------------------------------|-------------------------|
 * | ok, version of 16:18:33, sha 9f86d0…       | `ok v16:18:33 9f86d0`   |
 * | stale, version of 16:02:10, sha not known  | `STALE v16:02:10`       |
 * | missing                                    | `MISSING`               |
 * | unknown (node down)                        | `(down)`                |
 */
export function replicaCellText(c: ReplicaCell, lang: Lang): string {
  const word = tr(lang, STATE_WORDS[c.state]);
  if (c.version === null || c.state === 'unknown' || c.state === 'missing') return word;
  const sha = c.sha256 ? ` ${c.sha256.slice(0, 6)}` : '';
  return `${word} v${versionTime(c.version).toISOString().slice(11, 19)}${sha}`;
}

export function replicaTable(lang: Lang, nodes: string[], rows: ReplicaRow[]): string {
  return textTable(
    [tr(lang, { en: 'file', 'pt-BR': 'arquivo' }), ...nodes],
    rows.map((r) => [r.name, ...r.cells.map((c) => replicaCellText(c, lang))]),
  );
}
