/**
 * V8 tuning for the long-running servers that stream bodies (`dsm node`): no incremental marking.
 *
 * Why: with it on, a node taking an upload ran a full mark-compact every ~30 MB of body (36 per GiB,
 * `--trace-gc`), and they cost about a fifth of its CPU (perf: V8 marking and sweeping ~11% of all
 * samples of a 1 GiB replication to 3 nodes), while its live heap stayed at 10.7–11 MB: they found
 * nothing to free. What we saw (2026-11-26, Node 20 / V8 11.3): `--trace-incremental-marking` gave
 * "Start (allocation limit)" with the old generation at 10 MB of a 19 MB limit; V8 had set that limit
 * with its smallest growing factor (1.1, "mu=0.97" in `--trace-gc-verbose`: collections looked cheap);
 * gdb caught the marking being started right after scavenges (which node:http's body buffers force,
 * every piece being a new ArrayBuffer) and by inline-cache handlers allocated in old space. A bare
 * node:http server taking the same body never started it. We did not pin down the exact rule that
 * fires; turning the marking off removes the symptom at its root.
 *
 * Without incremental marking V8 collects the old generation only when it really reaches its limit,
 * in one pause: ~10–16 ms for this heap (the incremental runs also ended in 5–16 ms pauses). Measured
 * on one node taking 1 GiB: 30–32 mark-compacts → 0–1, user CPU 2.7–3.1 s → 2.2–2.3 s (start-up
 * included); serving (wrk, ranges and a small file) unchanged, no mark-compact either way.
 * `--initial-old-space-size=64` also helped but can only be given on node's command line, which
 * `dsm node` does not own (npm's shims, Windows); this flag V8 reads on every collection, so it can be
 * set from inside the process (node:v8 `setFlagsFromString`).
 */
import { setFlagsFromString } from 'node:v8';

export function tuneV8ForStreaming(): void {
  setFlagsFromString('--no-incremental-marking');
}
