/**
 * When the direct-mode player should give up on its node: the original's client-side failover ("if the
 * video stops, pick another node and seek to where it was"), made automatic. The player reports what
 * its <video> does; this decides, without timers or DOM, so it can be tested as a table.
 */

/** How long the video may wait without its clock moving before the node counts as failed. */
export const STALL_MS = 1500;
/** Before the first frame the wait includes connecting and the first bytes: more patience. */
export const START_MS = 5000;

export type StallVerdict = 'fine' | 'switch';

export class StallWatch {
  private lastTime = -1;
  private lastProgressAtMs = 0;
  private waitingSinceMs: number | null = null;

  constructor(
    private readonly stallMs = STALL_MS,
    private readonly startMs = START_MS,
  ) {}

  /** A new source: nothing has stalled yet. */
  reset(nowMs: number): void {
    this.lastTime = -1;
    this.lastProgressAtMs = nowMs;
    this.waitingSinceMs = null;
  }

  /** The video said `waiting` or `stalled`. */
  waiting(nowMs: number): void {
    this.waitingSinceMs ??= nowMs;
  }

  /** The video plays again (`playing`). */
  playing(): void {
    this.waitingSinceMs = null;
  }

  /**
   * Called often (every 250 ms or so) with the video's currentTime. `switch` once the video has been
   * waiting and its clock has not moved for longer than `stallMs`.
   */
  check(nowMs: number, currentTime: number, paused: boolean): StallVerdict {
    if (this.lastTime < 0) {
      // The first look after a new source: the clock's start, not progress (the wait counts from reset).
      this.lastTime = currentTime;
      return 'fine';
    }
    if (currentTime !== this.lastTime) {
      this.lastTime = currentTime;
      this.lastProgressAtMs = nowMs;
      // Time moves: whatever `waiting` said is over.
      if (currentTime > 0) this.waitingSinceMs = null;
      return 'fine';
    }
    if (paused && this.waitingSinceMs === null) return 'fine';
    if (this.waitingSinceMs === null) return 'fine';
    const since = Math.max(this.lastProgressAtMs, this.waitingSinceMs);
    const limit = this.lastTime > 0 ? this.stallMs : this.startMs;
    return nowMs - since > limit ? 'switch' : 'fine';
  }
}
