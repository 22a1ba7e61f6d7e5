/** The nodes' requests as they happen, newest first, filtered by node if asked. */
import { useState } from 'preact/hooks';
import type { DashboardRequest } from '../../protocol.js';
import { formatBytes, formatClock } from '../format.js';
import { type Lang, t } from '../messages.js';

const COLUMNS = ['time', 'node', 'method', 'path', 'range', 'status', 'bytes', 'ms'] as const;

/**
 * The supervisor asks every node for its files and faults each second: hidden by default, so that the
 * log shows what players and scenarios do.
 */
function isControl(r: DashboardRequest): boolean {
  return r.path.startsWith('/_dsm/');
}

export function RequestLog(props: { requests: DashboardRequest[]; nodes: string[]; lang: Lang }) {
  const { requests, nodes, lang } = props;
  const [node, setNode] = useState('');
  const [showControl, setShowControl] = useState(false);
  const shown = requests.filter((r) => (!node || r.node === node) && (showControl || !isControl(r)));
  const offset = new Date().getTimezoneOffset();
  return (
    <div class="request-log">
      <div class="filters">
        <select
          value={node}
          onChange={(e) => setNode(e.currentTarget.value)}
          data-testid="log-filter"
          aria-label={t(lang, 'col.node')}
        >
          <option value="">{t(lang, 'allNodes')}</option>
          {nodes.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <label>
          <input
            type="checkbox"
            checked={showControl}
            onChange={(e) => setShowControl(e.currentTarget.checked)}
            data-testid="log-show-control"
          />{' '}
          {t(lang, 'showControl')}
        </label>
      </div>
      <div class="table-wrap log-wrap">
        <table data-testid="request-log">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c}>{t(lang, `col.${c}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length} class="muted">
                  {t(lang, 'noRequests')}
                </td>
              </tr>
            )}
            {shown.map((r) => (
              <tr
                key={r.id}
                class={r.status >= 400 || r.aborted ? 'bad' : r.status === 304 ? 'revalidated' : ''}
                data-testid="log-row"
              >
                <td class="num">{formatClock(r.atMs, offset)}</td>
                <td data-testid="log-node">{r.node}</td>
                <td data-testid="log-method">{r.method}</td>
                <td class="path" data-testid="log-path">
                  {r.path}
                </td>
                <td>{r.range ?? ''}</td>
                <td class="num" data-testid="log-status">
                  {r.status}
                  {r.fault ? ` (${r.fault})` : ''}
                  {r.aborted ? ' ✕' : ''}
                </td>
                <td class="num">{formatBytes(r.bytes)}</td>
                <td class="num">{Math.round(r.totalMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
