import {
  DEFAULT_SUPERVISION_POLICY,
  LivenessCounter,
  failuresInRowAfter,
  restartDelayMs,
  supervisionPolicyFrom,
} from './supervision-policy';

describe('supervision policy', () => {
  const policy = DEFAULT_SUPERVISION_POLICY;

  it('waits 1 s before the first restart, doubling with each failure in a row up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => restartDelayMs(policy, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('starts the backoff over once an instance has run for a stable minute', () => {
    expect(failuresInRowAfter(policy, 0, 500)).toBe(1);
    expect(failuresInRowAfter(policy, 4, 59_999)).toBe(5);
    expect(failuresInRowAfter(policy, 4, 60_000)).toBe(1);
    // a crash loop: each start fails within seconds, the delay grows to the cap and stays there
    let inRow = 0;
    const delays = Array.from({ length: 8 }, () => restartDelayMs(policy, (inRow = failuresInRowAfter(policy, inRow, 2000))));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('declares an instance dead after 3 failed liveness checks in a row, a success in between resets the count', () => {
    const liveness = new LivenessCounter(policy);
    expect([false, false, true, false, false].map((live) => liveness.record(live))).toEqual([
      'failing',
      'failing',
      'live',
      'failing',
      'failing',
    ]);
    expect(liveness.record(false)).toBe('dead');
    expect(liveness.failuresInRow).toBe(3);
    liveness.reset();
    expect(liveness.record(false)).toBe('failing');
  });

  it('reads SUPERVISOR_* variables, refusing what is not a positive integer', () => {
    expect(supervisionPolicyFrom({ SUPERVISOR_RESTART_DELAY_MS: '20000', SUPERVISOR_LIVENESS_FAILURES: '5' })).toEqual({
      ...policy,
      restartDelayMs: 20_000,
      livenessFailures: 5,
    });
    expect(supervisionPolicyFrom({ SUPERVISOR_LIVENESS_FAILURES: '' })).toEqual(policy);
    expect(() => supervisionPolicyFrom({ SUPERVISOR_LIVENESS_INTERVAL_MS: '2s' })).toThrow(
      "SUPERVISOR_LIVENESS_INTERVAL_MS must be a positive integer (got '2s')",
    );
    expect(() => supervisionPolicyFrom({ SUPERVISOR_RESTART_DELAY_MS: '40000' })).toThrow(/MAX_RESTART_DELAY_MS/);
  });
});
