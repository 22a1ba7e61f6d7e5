/**
 * What the node does with the fault chain's decision for one request (the chain decides and waits;
 * this acts on the socket). Only called when the chain has request stages, so a node without faults
 * pays nothing here: not even the AbortController that notices a client leaving during a wait.
 *
 * | chain outcome      | here                                                                   |
 * |--------------------|------------------------------------------------------------------------|
 * | continue           | `serve`: the real answer follows                                       |
 * | respond 503 / 500  | the catalog error (DSM_FAULT_UNAVAILABLE / DSM_FAULT_ERROR), written   |
 * | drop               | the connection reset without a byte (`down`)                           |
 * | gone               | nothing: the client left while waiting                                 |
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultChain } from '../faults/fault-chain.js';
import type { FaultType } from '../faults/fault-schema.js';
import { DsmError } from '../shared/errors.js';
import { errorResponse, type Headers, type NodeResponse } from './response.js';
import type { WriteResult } from './write-response.js';

export type RequestFaultResult =
  | { kind: 'serve'; delayMs: number; fault: FaultType | undefined }
  | {
      kind: 'handled';
      delayMs: number;
      fault: FaultType | undefined;
      status: number;
      bytes: number;
      aborted: boolean;
    };

export async function applyRequestFaults(
  faults: FaultChain,
  req: IncomingMessage,
  res: ServerResponse,
  arrivedAtMs: number,
  node: string,
  write: (r: NodeResponse) => Promise<WriteResult>,
): Promise<RequestFaultResult> {
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.once('close', onClose);
  const out = await faults.beforeResponse(arrivedAtMs, gone.signal);
  res.off('close', onClose);
  const hang: FaultType | undefined = 'hung' in out && out.hung ? 'hang' : undefined;
  switch (out.kind) {
    case 'continue':
      return { kind: 'serve', delayMs: out.delayMs, fault: hang };
    case 'gone':
      return { kind: 'handled', delayMs: out.delayMs, fault: hang, status: 0, bytes: 0, aborted: true };
    case 'drop':
      // An RST rather than a FIN: to the client this looks like a node that went away.
      req.socket.resetAndDestroy();
      return { kind: 'handled', delayMs: out.delayMs, fault: out.fault, status: 0, bytes: 0, aborted: true };
    case 'respond': {
      const err = new DsmError(out.status === 503 ? 'DSM_FAULT_UNAVAILABLE' : 'DSM_FAULT_ERROR', { node });
      // An upload's body is not read: close rather than read it for nothing.
      const method = req.method ?? 'GET';
      const close: Headers = method === 'GET' || method === 'HEAD' ? {} : { Connection: 'close' };
      const result = await write(errorResponse(err, close));
      return { kind: 'handled', delayMs: out.delayMs, fault: out.fault, status: out.status, ...result };
    }
  }
}
