/**
 * The whole page: nodes, player and scenarios, replicas and upload, request log. State comes from the
 * events stream only; actions go to the API and their effect comes back through the stream, so the
 * page never guesses what the cluster looks like.
 */
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { makeApi } from '../api.js';
import { errorText } from '../error-text.js';
import { useEvents } from '../hooks/use-events.js';
import { useLang } from '../hooks/use-lang.js';
import { randomId } from '../ids.js';
import { t } from '../messages.js';
import { type ScenarioContext, ScenarioError } from '../scenarios.js';
import { servedBy } from '../served-by.js';
import { NodeCard } from './node-card.js';
import { Player, type PlayerMode } from './player.js';
import { ReplicaMatrix } from './replica-matrix.js';
import { RequestLog } from './request-log.js';
import { ScenarioCards } from './scenario-cards.js';
import { Toast } from './toast.js';
import { TopBar } from './top-bar.js';
import { UploadPanel } from './upload-panel.js';

const PLAY_BEFORE_STOP_MS = 3000;
const START_TIMEOUT_MS = 20_000;

export function App({ token, metaLang }: { token: string; metaLang: string }) {
  const [lang, setLang] = useLang(metaLang);
  const { state, live } = useEvents(token);
  const api = useMemo(() => makeApi(token), [token]);
  // A new id restarts the player (a new stream through the gateway, told apart by its `?client=`).
  const [playerId, setPlayerId] = useState(() => randomId('p-'));
  const [mode, setMode] = useState<PlayerMode>('gateway');
  const [toast, setToast] = useState<{ text: string; seq: number } | null>(null);
  const canWrite = token !== '';

  const langRef = useRef(lang);
  langRef.current = lang;
  const report = useCallback((err: unknown) => {
    setToast((old) => ({ text: errorText(err, langRef.current), seq: (old?.seq ?? 0) + 1 }));
  }, []);
  const closeToast = useCallback(() => setToast(null), []);

  // Scenarios run for seconds: they read the newest state through a ref, not the render they began in.
  const latest = useRef(state);
  latest.current = state;
  const demo = state.hello?.demo ?? null;
  const ctx: ScenarioContext = useMemo(
    () => ({
      api,
      demo: demo ?? '',
      nodes: () => latest.current.nodes.map((n) => n.name),
      faultsOf: (node) => latest.current.nodes.find((n) => n.name === node)?.faults ?? null,
      upNodes: () => latest.current.nodes.filter((n) => n.state === 'up').map((n) => n.name),
      restartPlayer: async () => {
        const id = randomId('p-');
        setMode('gateway');
        setPlayerId(id);
        const started = Date.now();
        for (;;) {
          await new Promise((r) => setTimeout(r, 200));
          const serving = servedBy(latest.current.streams, id);
          // Let the class see it play for a moment before its node goes.
          if (serving && Date.now() - started > PLAY_BEFORE_STOP_MS) return serving.node;
          if (Date.now() - started > START_TIMEOUT_MS) throw new ScenarioError('availability.noStream');
        }
      },
      uploadId: () => randomId('u-'),
      fetchText: async (url) => {
        const res = await fetch(url);
        if (!res.ok) throw new Error(t(langRef.current, 'httpError', { status: res.status }));
        return (await res.text()).trim();
      },
      now: () => Date.now(),
    }),
    [api, demo],
  );
  const nodeNames = state.nodes.map((n) => n.name);

  return (
    <div class="page">
      <TopBar lang={lang} setLang={setLang} live={live} canWrite={canWrite} />
      <main>
        <section aria-labelledby="nodes-title">
          <h2 id="nodes-title">{t(lang, 'nodesTitle')}</h2>
          {state.nodes.length === 0 ? (
            <p class="muted">{t(lang, 'noNodes')}</p>
          ) : (
            <div class="grid nodes">
              {state.nodes.map((n) => (
                <NodeCard key={n.name} node={n} lang={lang} api={api} canWrite={canWrite} report={report} />
              ))}
            </div>
          )}
        </section>
        <section class="split" aria-labelledby="player-title">
          <div>
            <h2 id="player-title">{t(lang, 'playerTitle')}</h2>
            <Player
              demo={demo}
              playerId={playerId}
              mode={mode}
              setMode={setMode}
              streams={state.streams}
              api={api}
              lang={lang}
              report={report}
            />
          </div>
          <div>
            <h2>{t(lang, 'scenariosTitle')}</h2>
            <ScenarioCards ctx={ctx} lang={lang} canWrite={canWrite} />
          </div>
        </section>
        <section aria-labelledby="replicas-title">
          <h2 id="replicas-title">{t(lang, 'replicasTitle')}</h2>
          <ReplicaMatrix matrix={state.replicas} lang={lang} />
          {canWrite && <UploadPanel lang={lang} api={api} uploads={state.uploads} report={report} />}
        </section>
        <section aria-labelledby="log-title">
          <h2 id="log-title">{t(lang, 'logTitle')}</h2>
          <RequestLog requests={state.requests} nodes={nodeNames} lang={lang} />
        </section>
      </main>
      <Toast lang={lang} message={toast} onClose={closeToast} />
    </div>
  );
}
