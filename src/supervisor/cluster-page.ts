/**
 * The supervisor's `/` page when the dashboard is not built (dsm run from sources without `npm run build`):
 * the nodes, their state and links to them.
 * Reloads itself every 2 s, so that a stopped or crashed node shows up without a click.
 */
import { escapeHtml } from '../shared/format.js';
import type { ClusterStatus } from './control-server.js';

export function clusterPage(status: ClusterStatus): string {
  const rows = status.nodes
    .map((n) => {
      const link = n.url ? `<a href="${escapeHtml(n.url)}/">${escapeHtml(n.url)}</a>` : '–';
      const rtt = n.rttMs === null ? '–' : `${n.rttMs} ms`;
      return `      <tr class="${escapeHtml(n.state)}"><td>${escapeHtml(n.name)}</td><td>${escapeHtml(n.state)}</td><td>${
        n.pid ?? '–'
      }</td><td>${n.latencyMs} ms</td><td>${rtt}</td><td>${link}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="refresh" content="2">
    <title>dsm cluster</title>
    <style>
      body { font: 15px system-ui, sans-serif; margin: 2rem; }
      table { border-collapse: collapse; }
      td, th { padding: 0.3rem 0.8rem; text-align: left; border-bottom: 1px solid #ddd; }
      tr.up td:nth-child(2) { color: #080; }
      tr.crashed td:nth-child(2), tr.down td:nth-child(2) { color: #b00; }
    </style>
  </head>
  <body>
    <h1>dsm cluster</h1>
    <table>
      <tr><th>node</th><th>state</th><th>pid</th><th>latency</th><th>round trip</th><th>url</th></tr>
${rows}
    </table>
    <p>Control API: <a href="/_dsm/cluster/status">/_dsm/cluster/status</a> · ${escapeHtml(
      status.supervisor.configFile,
    )}</p>
  </body>
</html>
`;
}
