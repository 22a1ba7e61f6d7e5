/**
 * The `down` fault: the process stays up, but every request is met with a reset connection and not a
 * byte of answer, as from a node that has gone away. Only the fault API (`/_dsm/faults`) still answers,
 * so that the fault can be cleared: closing the listening socket would give a true "connection
 * refused", but then nothing could reach the node to bring it back (toxiproxy keeps its API on another
 * port for the same reason). Clients see ECONNRESET / "socket hang up"; keep-alive ones too.
 */
import type { Decision, Stage } from './fault.js';

const DROP: Decision = { kind: 'drop' };

export function downStage(): Stage {
  return { type: 'down', beforeResponse: () => DROP };
}
