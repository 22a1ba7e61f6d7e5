/** A fault in words, as the node cards list them ("+800 ms latency (± 50 ms), 50% of the time"). */
import type { ListedFault } from '../protocol.js';
import { type Lang, t } from './messages.js';

export function describeFault(f: ListedFault, lang: Lang): string {
  let text: string;
  switch (f.type) {
    case 'latency':
      text =
        t(lang, 'describe.latency', { ms: f.latencyMs }) +
        (f.jitterMs > 0 ? t(lang, 'describe.jitter', { ms: f.jitterMs }) : '');
      break;
    case 'bandwidth':
      text = t(lang, 'describe.bandwidth', { kbps: f.bandwidthKBps });
      break;
    case 'errors':
      text = t(lang, 'describe.errors', { percent: percent(f.errorRate), status: f.status });
      break;
    case 'hang':
      text = t(lang, 'describe.hang');
      break;
    case 'reset':
      text = t(lang, 'describe.reset', { bytes: f.resetAfterBytes });
      break;
    case 'down':
      text = t(lang, 'describe.down');
      break;
  }
  if (f.toxicity < 1) text += t(lang, 'describe.toxicity', { percent: percent(f.toxicity) });
  if (f.remainingSeconds !== undefined) {
    text += t(lang, 'describe.remaining', { s: Math.ceil(f.remainingSeconds) });
  }
  return text;
}

function percent(share: number): number {
  return Math.round(share * 1000) / 10;
}
