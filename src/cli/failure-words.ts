/**
 * Why a node missed a write, in words a student can act on.
 *
 * | outcome                         | English                                      |
 * |---------------------------------|----------------------------------------------|
 * | refused                         | connection refused: is node3 running?        |
 * | timeout, "took no data for 10 s"| timeout: took no data for 10 s               |
 * | unauthorized                    | token rejected: check DSM_TOKEN or .dsm/token|
 * | stale, message                  | a newer version is already there             |
 * | error, "ECONNRESET"             | connection lost: did node3 stop? (ECONNRESET)|
 */
import type { FailureReason } from '../replication/replicate-file.js';
import { type Lang, tr } from '../shared/i18n.js';

export function failureWords(reason: FailureReason, node: string, detail: string, lang: Lang): string {
  switch (reason) {
    case 'refused':
      return tr(lang, {
        en: `connection refused: is ${node} running?`,
        'pt-BR': `conexão recusada: o ${node} está rodando?`,
      });
    case 'timeout':
      return tr(lang, { en: `timeout: ${detail}`, 'pt-BR': `tempo esgotado: ${detail}` });
    case 'unauthorized':
      return tr(lang, {
        en: 'token rejected: check DSM_TOKEN or .dsm/token',
        'pt-BR': 'token recusado: confira DSM_TOKEN ou .dsm/token',
      });
    case 'read-only':
      return tr(lang, {
        en: `${node} is read-only (started without a token)`,
        'pt-BR': `${node} é somente leitura (iniciado sem token)`,
      });
    case 'stale':
      return tr(lang, {
        en: 'a newer version is already there',
        'pt-BR': 'já existe uma versão mais nova lá',
      });
    case 'too-large':
      return tr(lang, { en: `too large for ${node}`, 'pt-BR': `grande demais para ${node}` });
    case 'disk-full':
      return tr(lang, { en: `disk full on ${node}`, 'pt-BR': `disco cheio em ${node}` });
    case 'digest-mismatch':
      return tr(lang, {
        en: `corrupted in transit (${detail})`,
        'pt-BR': `corrompido no caminho (${detail})`,
      });
    default:
      // The connection dropped mid-upload: most often the node process stopped or was killed.
      if (/ECONNRESET|EPIPE|socket hang up/.test(detail)) {
        return tr(lang, {
          en: `connection lost: did ${node} stop? (${detail})`,
          'pt-BR': `conexão perdida: o ${node} parou? (${detail})`,
        });
      }
      return detail;
  }
}
