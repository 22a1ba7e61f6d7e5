/**
 * The live state of the cluster, from the supervisor's Server-Sent Events stream. EventSource
 * reconnects by itself after a dropped connection; after an HTTP error (a restarted supervisor that
 * answered 401 or 404 for a moment) it gives up, so then we open a new one ourselves.
 */
import { useEffect, useReducer, useState } from 'preact/hooks';
import { EVENTS_PATH } from '../../protocol.js';
import { applyEvent, EMPTY_STATE, parseEvent } from '../dashboard-state.js';

const RETRY_MS = 2000;

export function useEvents(token: string) {
  const [state, dispatch] = useReducer(applyEvent, EMPTY_STATE);
  const [live, setLive] = useState(false);

  useEffect(() => {
    const url = EVENTS_PATH + (token ? `?token=${encodeURIComponent(token)}` : '');
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      source = new EventSource(url);
      source.onopen = () => setLive(true);
      source.onmessage = (m: MessageEvent<string>) => {
        const ev = parseEvent(m.data);
        if (ev) dispatch(ev);
      };
      source.onerror = () => {
        setLive(false);
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(open, RETRY_MS);
        }
      };
    };
    open();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [token]);

  return { state, live };
}
