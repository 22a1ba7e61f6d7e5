/**
 * What `dsm cluster` does when a node exits without being asked to: report it, and only with
 * `--restart` start it again, waiting longer after each quick crash in a row (exponential backoff, as
 * systemd's `RestartSec` with a burst limit) so that a node that cannot start does not spin the CPU.
 *
 * | enabled | quickCrashes (before this one) | upForMs | decision                                  |
 * |---------|--------------------------------|---------|-------------------------------------------|
 * | false   | any                            | any     | report                                    |
 * | true    | 0                              | 2 000   | restart after 500 ms, attempt 1           |
 * | true    | 2                              | 2 000   | restart after 2 000 ms, attempt 3         |
 * | true    | 2                              | 60 000  | restart after 500 ms, attempt 1 (it had been healthy) |
 * | true    | 4                              | 2 000   | restart after 8 000 ms, attempt 5         |
 * | true    | 5                              | 2 000   | give up after 5 attempts                  |
 *
 * (with the defaults: 500 ms doubling up to 10 s, healthy after 30 s, at most 5 attempts)
 */
import { DEFAULTS } from '../shared/defaults.js';

export interface RestartPolicy {
  enabled: boolean;
  delayMs: number;
  maxDelayMs: number;
  /** A run at least this long was healthy: the crash count starts again. */
  stableMs: number;
  /** Restarts in a row without a healthy run before giving up. */
  maxAttempts: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  enabled: false,
  delayMs: DEFAULTS.restartDelayMs,
  maxDelayMs: DEFAULTS.restartMaxDelayMs,
  stableMs: DEFAULTS.restartStableMs,
  maxAttempts: DEFAULTS.restartMaxAttempts,
};

export interface Crash {
  /** Crashes in a row, each soon after its start, before this one. */
  quickCrashes: number;
  /** How long the process ran before this crash. */
  upForMs: number;
}

export type RestartDecision =
  | { action: 'report' }
  | { action: 'restart'; delayMs: number; attempt: number }
  | { action: 'give-up'; attempts: number };

export function decideRestart(policy: RestartPolicy, crash: Crash): RestartDecision {
  if (!policy.enabled) return { action: 'report' };
  const before = crash.upForMs >= policy.stableMs ? 0 : crash.quickCrashes;
  const attempt = before + 1;
  if (attempt > policy.maxAttempts) return { action: 'give-up', attempts: before };
  const delayMs = Math.min(policy.maxDelayMs, policy.delayMs * 2 ** (attempt - 1));
  return { action: 'restart', delayMs, attempt };
}
