/**
 * What `dsm pick` prints: a table of the nodes and the reasons for the choice, in English or Brazilian
 * Portuguese, or the same as JSON (`--json`). Pure: the result in, text or an object out.
 *
 *      node   state               median  min–max     samples  file
 *   -  -----  ------------------  ------  ----------  -------  --------------------------------
 *   *  node1  up                   51 ms  50–53 ms    3/3      yes (2026-11-25 16:07:38)
 *      node2  up                  151 ms  151–151 ms  1/3      yes, older (2026-11-25 15:54:30)
 *      node4  not waited for (203 ms)  -  -           0/3      ?
 *      node5  down: refused            -  -           0/3      -
 *
 * Versions are shown as the time they were written (see `versionLabel`).
 */
import type { Failure } from '../client/classify-failure.js';
import type { FileStat } from '../client/node-client.js';
import type { NodeReport, PickResult } from '../selection/pick.js';
import type { DsmError } from '../shared/errors.js';
import { type Lang, tr } from '../shared/i18n.js';
import { versionTime } from '../shared/version.js';
import { textTable } from './text-table.js';

export interface PickReportInput {
  file: string;
  samples: number;
  timeoutMs: number;
  result: PickResult;
}

const ms = (v: number) => `${Math.round(v)} ms`;
const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * A version as people read it: versions are write times (ms × 1024, see shared/version.ts), so the
 * local date and time it was written; 0 (a node that sends no version) stays `v0`.
 */
export function versionLabel(version: number): string {
  if (version <= 0) return `v${version}`;
  const d = versionTime(version);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function failureText(f: Failure, lang: Lang): string {
  if (f.kind === 'refused') return tr(lang, { en: 'down: refused', 'pt-BR': 'fora: recusado' });
  if (f.kind === 'timeout') return tr(lang, { en: 'down: timeout', 'pt-BR': 'fora: tempo esgotado' });
  return tr(lang, { en: `down: error (${f.detail})`, 'pt-BR': `fora: erro (${f.detail})` });
}

function stateText(n: NodeReport, lang: Lang): string {
  if (n.state === 'down' && n.failure) return failureText(n.failure, lang);
  if (n.state === 'silent') {
    const t = ms(n.silentMs ?? 0);
    // Not a failure: the choice was certain before this node answered (see rank in selection/).
    return tr(lang, { en: `not waited for (${t})`, 'pt-BR': `não esperado (${t})` });
  }
  return tr(lang, { en: 'up', 'pt-BR': 'no ar' });
}

function fileText(n: NodeReport, lang: Lang): string {
  const v = n.file ? versionLabel(n.file.version) : '';
  switch (n.copy) {
    case 'unknown':
      return n.state === 'down' ? '-' : '?';
    case 'newest':
      return tr(lang, { en: `yes (${v})`, 'pt-BR': `sim (${v})` });
    case 'older':
      return tr(lang, { en: `yes, older (${v})`, 'pt-BR': `sim, mais antiga (${v})` });
    case 'deleted':
      return tr(lang, { en: `deleted (${v})`, 'pt-BR': `apagado (${v})` });
    case 'absent':
      return tr(lang, { en: 'no', 'pt-BR': 'não' });
  }
}

export function pickTable(input: PickReportInput, lang: Lang): string {
  const { result, samples } = input;
  const chosen = result.decision.kind === 'chosen' ? result.decision.node : undefined;
  const header =
    lang === 'pt-BR'
      ? ['', 'nó', 'estado', 'mediana', 'mín–máx', 'amostras', 'arquivo']
      : ['', 'node', 'state', 'median', 'min–max', 'samples', 'file'];
  const rows = result.nodes.map((n) => [
    n.name === chosen ? '*' : '',
    n.name,
    stateText(n, lang),
    n.medianMs === undefined ? '-' : ms(n.medianMs),
    n.minMs === undefined || n.maxMs === undefined ? '-' : `${Math.round(n.minMs)}–${ms(n.maxMs)}`,
    `${n.samplesMs.length}/${samples}`,
    fileText(n, lang),
  ]);
  return textTable(header, rows, new Set([3]));
}

/** The lines under the table: what was chosen and why, who was skipped, who was not waited for. */
export function pickSummary(input: PickReportInput, lang: Lang): string[] {
  const { result, file } = input;
  const d = result.decision;
  const lines: string[] = [];
  const silentFor = (name: string) => {
    const n = result.nodes.find((x) => x.name === name);
    return `${name} (${ms(n?.silentMs ?? 0)})`;
  };
  const notWaitedFor = d.kind === 'chosen' ? d.reason.notWaitedFor : [];

  if (d.kind === 'chosen') {
    const r = d.reason;
    const v = versionLabel(r.version);
    lines.push(
      tr(lang, {
        en: `Chose ${d.node}: the fastest node that holds the newest version of ${file} (${v}), median ${ms(r.medianMs)}.`,
        'pt-BR': `Escolhido ${d.node}: o nó mais rápido que tem a versão mais nova de ${file} (${v}), mediana ${ms(r.medianMs)}.`,
      }),
    );
    for (const s of r.skipped) {
      const m = ms(s.medianMs);
      lines.push(
        s.why === 'lacks-file'
          ? tr(lang, {
              en: `Skipped ${s.node}, faster (median ${m}): it does not have the file.`,
              'pt-BR': `Ignorado ${s.node}, mais rápido (mediana ${m}): não tem o arquivo.`,
            })
          : tr(lang, {
              en: `Skipped ${s.node}, faster (median ${m}): its copy is older (${versionLabel(s.version)}, newest ${v}).`,
              'pt-BR': `Ignorado ${s.node}, mais rápido (mediana ${m}): sua cópia é mais antiga (${versionLabel(s.version)}, a mais nova é ${v}).`,
            }),
      );
    }
  }
  if (notWaitedFor.length > 0) {
    const list = notWaitedFor.map(silentFor).join(', ');
    lines.push(
      tr(lang, {
        en: `Not waited for: ${list}, silent for longer than could change the choice.`,
        'pt-BR': `Não esperados: ${list}, em silêncio por mais tempo do que poderia mudar a escolha.`,
      }),
    );
  }
  const t = ms(result.decisionMs);
  lines.push(tr(lang, { en: `Decided in ${t}.`, 'pt-BR': `Decidido em ${t}.` }));
  return lines;
}

export interface PickJson {
  file: string;
  samples: number;
  timeoutMs: number;
  /** From the first request to the decision, ms (0.1 ms). */
  decisionMs: number;
  chosen: { node: string; url: string; version: number; medianMs: number } | null;
  reason: ({ kind: 'chosen' } & Record<string, unknown>) | ({ kind: 'none' } & Record<string, unknown>);
  /** The summary lines, in the language of the run. */
  message: string;
  error: { code: string; message: string } | null;
  opened: boolean;
  nodes: Array<{
    name: string;
    url: string;
    state: NodeReport['state'];
    failure: Failure | null;
    silentMs: number | null;
    samplesMs: number[];
    medianMs: number | null;
    minMs: number | null;
    maxMs: number | null;
    file: FileStat | null;
  }>;
}

export function pickJson(
  input: PickReportInput,
  lang: Lang,
  extra: { opened: boolean; error?: DsmError },
): PickJson {
  const { result } = input;
  const d = result.decision;
  const opt = (v: number | undefined) => (v === undefined ? null : round1(v));
  return {
    file: input.file,
    samples: input.samples,
    timeoutMs: input.timeoutMs,
    decisionMs: round1(result.decisionMs),
    chosen:
      d.kind === 'chosen'
        ? {
            node: d.node,
            url: result.url ?? '',
            version: d.reason.version,
            medianMs: round1(d.reason.medianMs),
          }
        : null,
    reason:
      d.kind === 'chosen'
        ? {
            kind: 'chosen',
            ...d.reason,
            medianMs: round1(d.reason.medianMs),
            skipped: d.reason.skipped.map((s) => ({ ...s, medianMs: round1(s.medianMs) })),
          }
        : { kind: 'none', ...d.reason },
    message: pickSummary(input, lang).join('\n'),
    error: extra.error ? { code: extra.error.code, message: extra.error.localized(lang) } : null,
    opened: extra.opened,
    nodes: result.nodes.map((n) => ({
      name: n.name,
      url: n.url,
      state: n.state,
      failure: n.failure ?? null,
      silentMs: opt(n.silentMs),
      samplesMs: n.samplesMs.map(round1),
      medianMs: opt(n.medianMs),
      minMs: opt(n.minMs),
      maxMs: opt(n.maxMs),
      file: n.file ?? null,
    })),
  };
}
