/**
 * The `hang` fault: the request is accepted and never answered, like a node stuck in a long pause. The
 * chain holds it until the faults change (or the client leaves, or the node's idle timeout closes the
 * socket); a request released that way runs the chain again, as if it had just arrived: with the hang
 * gone it is served normally, so clearing a hang answers everything that waited and leaks nothing.
 */
import type { Decision, Stage } from './fault.js';

const HANG: Decision = { kind: 'hang' };

export function hangStage(): Stage {
  return { type: 'hang', beforeResponse: () => HANG };
}
