/**
 * A fault in a few words, for the node's log and `dsm fault`'s table, in English or Brazilian Portuguese.
 *
 * | fault (en)                                                    | text                                  |
 * |---------------------------------------------------------------|---------------------------------------|
 * | { latency, latencyMs: 500, jitterMs: 50 }                     | `latency 500 ± 50 ms`                 |
 * | { bandwidth, bandwidthKBps: 300, toxicity: 0.5 }              | `bandwidth 300 KB/s, 50% of requests` |
 * | { errors, errorRate: 0.25, status: 503 }                      | `errors: 25% answered 503`            |
 * | { hang }                                                      | `hang: no answer`                     |
 * | { reset, resetAfterBytes: 1000000, remainingSeconds: 12.5 }   | `reset after 1000000 bytes, 12.5 s left` |
 * | { down }                                                      | `down: connections reset`             |
 */
import type { Lang } from '../shared/i18n.js';
import { tr } from '../shared/i18n.js';
import type { ListedFault } from './fault-chain.js';

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function describeFault(f: ListedFault, lang: Lang): string {
  let text: string;
  switch (f.type) {
    case 'latency': {
      const jitter = f.jitterMs ? ` ± ${f.jitterMs}` : '';
      text = tr(lang, {
        en: `latency ${f.latencyMs}${jitter} ms`,
        'pt-BR': `latência ${f.latencyMs}${jitter} ms`,
      });
      break;
    }
    case 'bandwidth':
      text = tr(lang, { en: `bandwidth ${f.bandwidthKBps} KB/s`, 'pt-BR': `banda ${f.bandwidthKBps} KB/s` });
      break;
    case 'errors':
      text = tr(lang, {
        en: `errors: ${pct(f.errorRate)} answered ${f.status}`,
        'pt-BR': `erros: ${pct(f.errorRate)} respondidos com ${f.status}`,
      });
      break;
    case 'hang':
      text = tr(lang, { en: 'hang: no answer', 'pt-BR': 'travado: sem resposta' });
      break;
    case 'reset':
      text = tr(lang, {
        en: `reset after ${f.resetAfterBytes} bytes`,
        'pt-BR': `conexão cortada após ${f.resetAfterBytes} bytes`,
      });
      break;
    case 'down':
      text = tr(lang, { en: 'down: connections reset', 'pt-BR': 'fora do ar: conexões derrubadas' });
      break;
  }
  if (f.toxicity < 1)
    text += tr(lang, { en: `, ${pct(f.toxicity)} of requests`, 'pt-BR': `, ${pct(f.toxicity)} dos pedidos` });
  if (f.remainingSeconds !== undefined)
    text += tr(lang, { en: `, ${f.remainingSeconds} s left`, 'pt-BR': `, faltam ${f.remainingSeconds} s` });
  return text;
}

/** The whole list on one line (the node logs it at every change). */
export function describeFaults(faults: readonly ListedFault[], lang: Lang): string {
  if (faults.length === 0) return tr(lang, { en: 'none', 'pt-BR': 'nenhuma' });
  return faults.map((f) => describeFault(f, lang)).join('; ');
}
