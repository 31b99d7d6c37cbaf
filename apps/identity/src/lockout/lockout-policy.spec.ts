import { LockoutPolicy, NO_FAILURES, type LoginFailures } from './lockout-policy';

describe(LockoutPolicy.name, () => {
  const sut = new LockoutPolicy({ threshold: 5, baseSeconds: 1, maxSeconds: 900, forgetAfterSeconds: 86_400 });
  const t0 = new Date('2026-11-22T10:00:00.000Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

  const failTimes = (n: number, start: LoginFailures = NO_FAILURES, now = t0): LoginFailures =>
    Array.from({ length: n }).reduce<LoginFailures>((state) => sut.afterFailure(state, now), start);

  it('does not lock before the threshold', () => {
    const state = failTimes(4);
    expect(state.count).toBe(4);
    expect(state.lockedUntil).toBeNull();
    expect(sut.isLocked(state, t0)).toBe(false);
  });

  it('locks at the threshold for the base time, then until the lock ends', () => {
    const state = failTimes(5);
    expect(state.lockedUntil).toEqual(at(1));
    expect(sut.isLocked(state, at(0.999))).toBe(true);
    expect(sut.isLocked(state, at(1))).toBe(false);
  });

  it('doubles each further failure: 1, 2, 4, 8 … seconds', () => {
    expect([5, 6, 7, 8, 9, 10].map((n) => sut.lockSeconds(n))).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('never locks longer than the cap, however many failures', () => {
    expect(sut.lockSeconds(15)).toBe(900);
    expect(sut.lockSeconds(1_000_000)).toBe(900);
    const state = failTimes(10_000);
    expect(state.count).toBeLessThanOrEqual(5 + 64);
    expect(state.lockedUntil).toEqual(at(900));
    expect(sut.isLocked(state, at(900))).toBe(false);
  });

  it('forgets a streak after a day without failures', () => {
    const old = failTimes(4);
    expect(sut.afterFailure(old, at(86_400)).count).toBe(5);
    expect(sut.afterFailure(old, at(86_401))).toEqual({ count: 1, lastFailedAt: at(86_401), lockedUntil: null });
  });

  it('refuses a policy that could lock forever or never', () => {
    expect(() => new LockoutPolicy({ threshold: 0, baseSeconds: 1, maxSeconds: 900, forgetAfterSeconds: 1 })).toThrow();
    expect(() => new LockoutPolicy({ threshold: 5, baseSeconds: 10, maxSeconds: 1, forgetAfterSeconds: 1 })).toThrow();
    expect(() => new LockoutPolicy({ threshold: 5, baseSeconds: 1, maxSeconds: Infinity, forgetAfterSeconds: 1 })).toThrow();
  });
});
