/**
 * V8 tuning for the long-running servers that stream bodies (`dsm node`): no incremental marking.
 *
 * Why: with it on, a node taking an upload ran a full mark-compact every ~30 MB of body (36 per GiB,
 * `--trace-gc`), and they cost about a fifth of its CPU (perf: V8 marking and sweeping ~11% of all
 * samples of a 1 GiB replication to 3 nodes). Its live heap barely changes (10.7 → 11 MB), so those
 * collections find almost nothing. V8 starts incremental marking after a scavenge once the old
 * generation is near its limit (`Heap::StartIncrementalMarkingIfAllocationLimitIsReached`, V8 11.3),
 * and a streaming server keeps it there: every body piece is a new ArrayBuffer (node:http copies each
 * one out of the parser), the scavenges that external memory forces promote the pieces still in
 * flight, and V8 grows a heap that collects this cheaply by the minimum factor (1.1, "mu=0.97" in
 * `--trace-gc-verbose`). Seen with gdb: the marking was started after scavenges and by inline-cache
 * handlers allocated in old space. A bare node:http server with 4 MB of heap never gets there.
 *
 * Without incremental marking V8 collects the old generation only when it really reaches its limit,
 * in one pause: ~10 ms for this heap (the incremental runs also ended in 5–16 ms pauses). Measured on
 * one node taking 1 GiB: 30–32 mark-compacts → 0–1, user CPU 2.7–3.1 s → 2.2–2.3 s (start-up
 * included). `--initial-old-space-size=64` did the same but can only be given on node's command line,
 * which `dsm node` does not own (npm's shims, Windows); this flag V8 reads on every collection, so it
 * can be set from inside the process (node:v8 `setFlagsFromString`).
 */
import { setFlagsFromString } from 'node:v8';

export function tuneV8ForStreaming(): void {
  setFlagsFromString('--no-incremental-marking');
}
