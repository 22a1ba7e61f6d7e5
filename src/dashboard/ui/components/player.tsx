/**
 * The demo video, two ways:
 * - gateway: one URL on the supervisor; the gateway picks the node and, if it fails mid-stream, resumes
 *   from another replica. The overlay names the node from the gateway's `stream` events for this
 *   player's `?client=` id.
 * - direct: the page picks a node itself and plays from it; when the video errors or stalls, it picks
 *   again without that node and seeks back to where it was (the original's client-side failover).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { STREAM_PATH, type StreamEvent } from '../../protocol.js';
import type { Api } from '../api.js';
import { type Lang, t } from '../messages.js';
import { servedBy, switchesOf } from '../served-by.js';
import { StallWatch } from '../stall-watch.js';

export type PlayerMode = 'gateway' | 'direct';

/** How long the overlay shows a switch in big letters. */
const SWITCH_SHOWN_MS = 6000;
const CHECK_EVERY_MS = 250;
const RETRY_PICK_MS = 2000;
const LOG_LINES = 5;

interface Props {
  demo: string | null;
  playerId: string;
  mode: PlayerMode;
  setMode: (m: PlayerMode) => void;
  streams: StreamEvent[];
  api: Api;
  lang: Lang;
  report: (err: unknown) => void;
}

/** Drops the source and aborts its download (a removed src alone keeps the old request running). */
function unload(v: HTMLVideoElement): void {
  v.removeAttribute('src');
  v.load();
}

interface DirectState {
  node: string | null;
  log: string[];
}

export function Player({ demo, playerId, mode, setMode, streams, api, lang, report }: Props) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [direct, setDirect] = useState<DirectState>({ node: null, log: [] });
  const [switchShownUntil, setSwitchShownUntil] = useState(0);
  // The effect below lives as long as the mode: it reads the language and reporter through refs.
  const latest = useRef({ lang, report });
  latest.current = { lang, report };

  const gateway = servedBy(streams, playerId);
  const gatewaySwitchKey = gateway?.lastSwitch ? `${gateway.lastSwitch.atMs}-${gateway.node}` : '';
  useEffect(() => {
    if (!gatewaySwitchKey) return;
    setSwitchShownUntil(Date.now() + SWITCH_SHOWN_MS);
    const timer = setTimeout(() => setSwitchShownUntil(0), SWITCH_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [gatewaySwitchKey]);

  useEffect(() => {
    const v = videoRef.current;
    if (!v || !demo) return;
    if (mode === 'gateway') {
      v.src = `${STREAM_PATH}${encodeURIComponent(demo)}?client=${encodeURIComponent(playerId)}`;
      void v.play().catch(() => {});
      return () => unload(v);
    }

    let cancelled = false;
    let switching = false;
    let node: string | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const watch = new StallWatch();
    const log = (line: string) => setDirect((d) => ({ node, log: [...d.log, line].slice(-LOG_LINES) }));

    /** Picks a node (not `exclude`) and plays from it at `at` s; false when none could be had. */
    const load = async (at: number, exclude: string[]): Promise<boolean> => {
      switching = true;
      try {
        const answer = await api.pick(demo, exclude);
        if (cancelled) return false;
        if (!answer.node || !answer.url) {
          // Every other node is down too: try again shortly, any node (the failed one may be back).
          log(t(latest.current.lang, 'pickNone', { name: demo, reason: answer.reason }));
          retry = setTimeout(() => void load(at, []), RETRY_PICK_MS);
          return false;
        }
        node = answer.node;
        setDirect((d) => ({ ...d, node }));
        v.src = answer.url;
        if (at > 0) {
          v.addEventListener(
            'loadedmetadata',
            () => {
              v.currentTime = at;
            },
            { once: true },
          );
        }
        watch.reset(performance.now());
        void v.play().catch(() => {});
        return true;
      } catch (err) {
        if (!cancelled) {
          latest.current.report(err);
          retry = setTimeout(() => void load(at, exclude), RETRY_PICK_MS);
        }
        return false;
      } finally {
        switching = false;
      }
    };

    const fail = (why: 'directStalled' | 'directError') => {
      if (switching || cancelled) return;
      const at = v.currentTime;
      const from = node;
      void load(at, from ? [from] : []).then((switched) => {
        if (cancelled || !switched) return;
        log(
          t(latest.current.lang, 'switchLine', {
            from: from ?? '?',
            to: node ?? '?',
            at: `${at.toFixed(1)} s`,
            why: t(latest.current.lang, why),
          }),
        );
        setSwitchShownUntil(Date.now() + SWITCH_SHOWN_MS);
        setTimeout(() => setSwitchShownUntil(0), SWITCH_SHOWN_MS);
      });
    };

    const onError = () => fail('directError');
    const onWaiting = () => watch.waiting(performance.now());
    const onPlaying = () => watch.playing();
    v.addEventListener('error', onError);
    v.addEventListener('waiting', onWaiting);
    v.addEventListener('stalled', onWaiting);
    v.addEventListener('playing', onPlaying);
    const timer = setInterval(() => {
      if (!switching && watch.check(performance.now(), v.currentTime, v.paused) === 'switch') {
        fail('directStalled');
      }
    }, CHECK_EVERY_MS);
    setDirect({ node: null, log: [] });
    void load(0, []);

    return () => {
      cancelled = true;
      clearInterval(timer);
      clearTimeout(retry);
      v.removeEventListener('error', onError);
      v.removeEventListener('waiting', onWaiting);
      v.removeEventListener('stalled', onWaiting);
      v.removeEventListener('playing', onPlaying);
      unload(v);
    };
  }, [mode, demo, playerId, api]);

  const node = mode === 'gateway' ? (gateway?.node ?? null) : direct.node;
  const logLines =
    mode === 'gateway'
      ? switchesOf(streams, playerId)
          .slice(-LOG_LINES)
          .map((ev) => {
            const s = servedBy([ev], playerId)?.lastSwitch;
            return s ? t(lang, 'switchLine', s) : '';
          })
      : direct.log;
  const lastLine = logLines.at(-1);
  const showSwitch = switchShownUntil > Date.now() && lastLine !== undefined;

  return (
    <div class="player">
      <fieldset class="modes">
        <button
          type="button"
          class={mode === 'gateway' ? 'chosen' : ''}
          aria-pressed={mode === 'gateway'}
          onClick={() => setMode('gateway')}
          data-testid="mode-gateway"
        >
          {t(lang, 'modeGateway')}
        </button>
        <button
          type="button"
          class={mode === 'direct' ? 'chosen' : ''}
          aria-pressed={mode === 'direct'}
          onClick={() => setMode('direct')}
          data-testid="mode-direct"
        >
          {t(lang, 'modeDirect')}
        </button>
      </fieldset>
      {demo ? (
        <div class="video-box">
          <video ref={videoRef} muted autoplay controls playsinline preload="auto" data-testid="player" />
          <div class="overlay">
            <span class="served-by" data-testid="served-by" data-node={node ?? ''}>
              {node ? t(lang, 'servedBy', { node }) : t(lang, 'servedByNone')}
            </span>
            {showSwitch && (
              <span class="switch" data-testid="switch">
                {lastLine}
              </span>
            )}
          </div>
        </div>
      ) : (
        <p class="muted">{t(lang, 'noDemo')}</p>
      )}
      {logLines.length > 0 && (
        <ol class="switch-log" data-testid="switch-log">
          {logLines.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ol>
      )}
    </div>
  );
}
