/** One node: state, measured latency and its sparkline, traffic, faults, and the controls to break it. */
import { useState } from 'preact/hooks';
import type { DashboardNode } from '../../protocol.js';
import type { Api } from '../api.js';
import { describeFault } from '../fault-text.js';
import { formatBytes, formatMs, formatRate, latestRtt } from '../format.js';
import { type Lang, t } from '../messages.js';
import { FaultControls } from './fault-controls.js';
import { SparklineChart } from './sparkline-chart.js';

interface Props {
  node: DashboardNode;
  lang: Lang;
  api: Api;
  canWrite: boolean;
  report: (err: unknown) => void;
}

export function NodeCard({ node, lang, api, canWrite, report }: Props) {
  const [busy, setBusy] = useState(false);
  const name = node.name;
  const rtt = latestRtt(node.rttMs);
  const act = async (what: 'stop' | 'start') => {
    setBusy(true);
    try {
      await (what === 'stop' ? api.stop(name) : api.start(name));
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };
  const running = node.state === 'up' || node.state === 'starting';

  return (
    <article class={`card node-card state-${node.state}`} data-testid={`node-${name}`}>
      <header>
        <h3>{name}</h3>
        <span class={`badge ${node.state}`} data-testid={`state-${name}`} data-state={node.state}>
          {t(lang, `state.${node.state}`)}
        </span>
      </header>
      <div class="rtt">
        <span class="big" data-testid={`rtt-${name}`} data-ms={rtt ?? ''}>
          {formatMs(rtt)}
        </span>
        <span class="caption">{t(lang, 'latency')}</span>
      </div>
      <SparklineChart values={node.rttMs} label={`${t(lang, 'latency')}: ${name}`} />
      <dl class="traffic">
        <div>
          <dt>{t(lang, 'requestsPerS')}</dt>
          <dd data-testid={`rps-${name}`}>{node.requestsPerS}</dd>
        </div>
        <div>
          <dt>{t(lang, 'bytesPerS')}</dt>
          <dd data-testid={`bps-${name}`}>{formatRate(node.bytesPerS)}</dd>
        </div>
      </dl>
      <p class="totals">
        {t(lang, 'totals', { requests: node.requestsTotal, bytes: formatBytes(node.bytesTotal) })}
        {node.restarts > 0 && ` · ${t(lang, 'restarts', { n: node.restarts })}`}
      </p>
      {node.lastError && node.state === 'crashed' && <p class="last-error">{node.lastError}</p>}
      <ul class="fault-list" data-testid={`faults-${name}`}>
        {node.faults === null ? (
          <li class="muted">{t(lang, 'faultsUnknown')}</li>
        ) : node.faults.length === 0 ? (
          <li class="muted">{t(lang, 'noFaults')}</li>
        ) : (
          node.faults.map((f) => (
            <li key={f.type} class="fault">
              {describeFault(f, lang)}
            </li>
          ))
        )}
      </ul>
      {canWrite && (
        <>
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={busy || !running}
              onClick={() => void act('stop')}
              data-testid={`stop-${name}`}
            >
              {t(lang, 'stop')}
            </button>
            <button
              type="button"
              disabled={busy || running || node.state === 'stopping'}
              onClick={() => void act('start')}
              data-testid={`start-${name}`}
            >
              {t(lang, 'start')}
            </button>
          </div>
          <details class="faults" data-testid={`faults-panel-${name}`}>
            <summary data-testid={`faults-toggle-${name}`}>{t(lang, 'faults')}</summary>
            <FaultControls node={node} lang={lang} api={api} report={report} />
          </details>
        </>
      )}
    </article>
  );
}
