import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RESTART_POLICY, decideRestart } from './restart-policy.js';

const on = { ...DEFAULT_RESTART_POLICY, enabled: true };

describe('decideRestart', () => {
  it('only reports a crash when restarting is off', () => {
    assert.deepEqual(decideRestart(DEFAULT_RESTART_POLICY, { quickCrashes: 0, upForMs: 2000 }), {
      action: 'report',
    });
  });

  it('restarts after the base delay the first time', () => {
    assert.deepEqual(decideRestart(on, { quickCrashes: 0, upForMs: 2000 }), {
      action: 'restart',
      delayMs: 500,
      attempt: 1,
    });
  });

  it('doubles the delay on each quick crash in a row', () => {
    assert.deepEqual(decideRestart(on, { quickCrashes: 2, upForMs: 2000 }), {
      action: 'restart',
      delayMs: 2000,
      attempt: 3,
    });
    assert.deepEqual(decideRestart(on, { quickCrashes: 4, upForMs: 2000 }), {
      action: 'restart',
      delayMs: 8000,
      attempt: 5,
    });
  });

  it('caps the delay', () => {
    const many = { ...on, maxAttempts: 100 };
    assert.deepEqual(decideRestart(many, { quickCrashes: 20, upForMs: 0 }), {
      action: 'restart',
      delayMs: 10_000,
      attempt: 21,
    });
  });

  it('starts counting again after a healthy run', () => {
    assert.deepEqual(decideRestart(on, { quickCrashes: 2, upForMs: 60_000 }), {
      action: 'restart',
      delayMs: 500,
      attempt: 1,
    });
  });

  it('gives up after the last attempt', () => {
    assert.deepEqual(decideRestart(on, { quickCrashes: 5, upForMs: 2000 }), {
      action: 'give-up',
      attempts: 5,
    });
  });
});
