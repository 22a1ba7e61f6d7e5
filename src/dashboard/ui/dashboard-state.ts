/**
 * What the page knows, folded from the events stream: one pure function per event, so that a
 * reconnect (the server sends everything again) lands in the same state as an uninterrupted stream.
 */
import {
  type DashboardNode,
  type DashboardRequest,
  REQUEST_HISTORY,
  type ReplicaMatrix,
  type ServerEvent,
  type StreamEvent,
  type UploadProgress,
} from '../protocol.js';

export type Hello = Extract<ServerEvent, { type: 'hello' }>;

/** Streams the page keeps: enough for the latest of each player and a short history. */
export const STREAM_HISTORY = 50;

export interface DashboardState {
  hello: Hello | null;
  nodes: DashboardNode[];
  /** Newest first, at most REQUEST_HISTORY, unique ids. */
  requests: DashboardRequest[];
  replicas: ReplicaMatrix | null;
  /** Oldest first, at most STREAM_HISTORY. */
  streams: StreamEvent[];
  /** By upload id: the latest progress of each upload. */
  uploads: Record<string, UploadProgress>;
}

export const EMPTY_STATE: DashboardState = {
  hello: null,
  nodes: [],
  requests: [],
  replicas: null,
  streams: [],
  uploads: {},
};

export function applyEvent(state: DashboardState, ev: ServerEvent): DashboardState {
  switch (ev.type) {
    case 'hello':
      return { ...state, hello: ev };
    case 'nodes':
      return { ...state, nodes: ev.nodes };
    case 'requests':
      return { ...state, requests: mergeRequests(state.requests, ev.requests) };
    case 'replicas':
      return { ...state, replicas: ev.matrix };
    case 'stream':
      return { ...state, streams: [...state.streams, ev.event].slice(-STREAM_HISTORY) };
    case 'upload':
      return { ...state, uploads: { ...state.uploads, [ev.upload.id]: ev.upload } };
  }
}

/** Newest first by id, without the duplicates a reconnect brings, at most REQUEST_HISTORY. */
export function mergeRequests(
  known: ReadonlyArray<DashboardRequest>,
  incoming: ReadonlyArray<DashboardRequest>,
): DashboardRequest[] {
  const byId = new Map<number, DashboardRequest>();
  for (const r of known) byId.set(r.id, r);
  for (const r of incoming) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, REQUEST_HISTORY);
}

/** A parsed SSE message, or null when it is not an event this page knows (a newer server). */
export function parseEvent(data: string): ServerEvent | null {
  try {
    const v = JSON.parse(data) as { type?: unknown };
    const known = ['hello', 'nodes', 'requests', 'replicas', 'stream', 'upload'];
    return typeof v === 'object' && v !== null && known.includes(String(v.type)) ? (v as ServerEvent) : null;
  } catch {
    return null;
  }
}
