/** Tuning of the per-account lockout. */
export interface LockoutPolicyOptions {
  /** Consecutive failures before the first lock. */
  threshold: number;
  /** Length of the first lock; each further failure doubles it. */
  baseSeconds: number;
  /** No lock is ever longer than this. */
  maxSeconds: number;
  /** A failure streak older than this starts over. */
  forgetAfterSeconds: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicyOptions = {
  threshold: 5,
  baseSeconds: 1,
  maxSeconds: 15 * 60,
  forgetAfterSeconds: 24 * 60 * 60,
};

/** The failed-login state of one account. */
export interface LoginFailures {
  count: number;
  lastFailedAt: Date | null;
  lockedUntil: Date | null;
}

export const NO_FAILURES: LoginFailures = { count: 0, lastFailedAt: null, lockedUntil: null };

/**
 * Progressive lockout: from the `threshold`-th consecutive failure on, the account is locked for
 * base × 2^(failures − threshold) seconds, never more than `maxSeconds`. Attempts while locked are
 * refused without counting, so nobody can push a lock past `maxSeconds` from the failure that caused
 * it, and every lock ends. A success (or `forgetAfterSeconds` without failures) starts over.
 */
export class LockoutPolicy {
  constructor(private readonly options: LockoutPolicyOptions = DEFAULT_LOCKOUT_POLICY) {
    const { threshold, baseSeconds, maxSeconds, forgetAfterSeconds } = options;
    const bounded = Number.isFinite(maxSeconds) && maxSeconds >= baseSeconds && baseSeconds > 0;
    if (!(Number.isInteger(threshold) && threshold >= 1 && bounded && forgetAfterSeconds > 0)) {
      throw new Error('invalid lockout policy: needs threshold >= 1 and 0 < baseSeconds <= maxSeconds < Infinity');
    }
  }

  isLocked(state: LoginFailures, now: Date): boolean {
    return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
  }

  /** The state after one more failed attempt (on an account that is not locked). */
  afterFailure(state: LoginFailures, now: Date): LoginFailures {
    const stale =
      state.lastFailedAt === null || now.getTime() - state.lastFailedAt.getTime() > this.options.forgetAfterSeconds * 1000;
    // bounded so the counter cannot overflow; past this the lock is at its maximum anyway
    const count = Math.min((stale ? 0 : state.count) + 1, this.options.threshold + 64);
    return { count, lastFailedAt: now, lockedUntil: this.lockUntil(count, now) };
  }

  /** How long the lock after `failures` consecutive failures lasts, in seconds (0: none). */
  lockSeconds(failures: number): number {
    if (failures < this.options.threshold) return 0;
    const exponent = Math.min(failures - this.options.threshold, 64);
    return Math.min(this.options.baseSeconds * 2 ** exponent, this.options.maxSeconds);
  }

  private lockUntil(failures: number, now: Date): Date | null {
    const seconds = this.lockSeconds(failures);
    return seconds === 0 ? null : new Date(now.getTime() + seconds * 1000);
  }
}
