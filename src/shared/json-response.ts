/**
 * JSON answers of the project's HTTP servers other than the nodes (supervisor, gateway, dashboard API):
 * one place for their headers, and for the error body `{"error":{"code","message","params"}}` from which
 * a client rebuilds the coded error and words it in its own language (control-client.ts).
 */
import type { ServerResponse } from 'node:http';
import type { DsmError } from './errors.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, err: DsmError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { error: { code: err.code, message: err.message, params: err.params } }, headers);
}
