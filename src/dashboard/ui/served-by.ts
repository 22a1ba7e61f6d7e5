/**
 * Which node serves this page's player through the gateway: the latest `stream` event carrying the
 * player's `?client=` id. A switch (an event with `from`) is worth a line of its own for a while.
 */
import type { StreamEvent } from '../protocol.js';
import { formatBytes } from './format.js';

export interface ServedBy {
  node: string;
  /** The latest switch of this player's stream, if the latest event was one. */
  lastSwitch: { from: string; to: string; at: string; why: string; atMs: number } | null;
}

export function servedBy(streams: ReadonlyArray<StreamEvent>, client: string): ServedBy | null {
  for (let i = streams.length - 1; i >= 0; i--) {
    const ev = streams[i];
    if (!ev || ev.client !== client) continue;
    const lastSwitch = ev.from
      ? { from: ev.from.node, to: ev.node, at: formatBytes(ev.atByte), why: ev.from.why, atMs: ev.atMs }
      : null;
    return { node: ev.node, lastSwitch };
  }
  return null;
}

/** Every switch of this player's streams, oldest first: the overlay's log. */
export function switchesOf(streams: ReadonlyArray<StreamEvent>, client: string): StreamEvent[] {
  return streams.filter((ev) => ev.client === client && ev.from !== undefined);
}
