/** Files × nodes: which node holds which version of each file, colour-coded by state. */
import type { ReplicaMatrix as Matrix } from '../../protocol.js';
import { formatBytes, formatVersion } from '../format.js';
import { type Lang, t } from '../messages.js';

export function ReplicaMatrix({ matrix, lang }: { matrix: Matrix | null; lang: Lang }) {
  if (!matrix || matrix.rows.length === 0) return <p class="muted">{t(lang, 'noFiles')}</p>;
  const offset = new Date().getTimezoneOffset();
  return (
    <div class="table-wrap">
      <table class="matrix" data-testid="replicas">
        <thead>
          <tr>
            <th>{t(lang, 'file')}</th>
            <th>{t(lang, 'size')}</th>
            {matrix.nodes.map((n) => (
              <th key={n}>{n}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.name} data-testid={`file-${row.name}`}>
              <th scope="row">{row.name}</th>
              <td class="num">{row.size === null ? '–' : formatBytes(row.size)}</td>
              {matrix.nodes.map((n) => {
                const cell = row.cells.find((c) => c.node === n);
                const state = cell?.state ?? 'unknown';
                return (
                  <td
                    key={n}
                    class={`cell ${state}`}
                    data-testid={`cell-${row.name}-${n}`}
                    data-state={state}
                    title={cell?.version === null || cell === undefined ? '' : String(cell.version)}
                  >
                    <span class="cell-state">{t(lang, `cell.${state}`)}</span>
                    <span class="cell-version">
                      {cell?.version == null ? '' : formatVersion(cell.version, offset)}
                    </span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
