import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IDENTITY_CLOCK, LOCKOUT_POLICY_OPTIONS, systemClock, type Clock } from '../identity.tokens';
import type { UserEntity } from '../users/user.entity';
import { DEFAULT_LOCKOUT_POLICY, LockoutPolicy, type LockoutPolicyOptions, type LoginFailures } from './lockout-policy';

/**
 * Applies {@link LockoutPolicy} to accounts, keeping the state in columns of `users`, not in Redis:
 * login reads that row anyway, so checking costs nothing extra, and a failure is one short
 * transaction on it (`FOR UPDATE` orders concurrent failures; none is lost). A Redis store would put a
 * second dependency on the login path with only bad answers when it is down: fail open (whoever can
 * slow Redis guesses without limit) or fail closed (nobody logs in). Unknown emails have no row and
 * need no state: they get the same answer as a wrong password or a locked account.
 */
@Injectable()
export class LoginLockout {
  private readonly policy: LockoutPolicy;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(LOCKOUT_POLICY_OPTIONS) options: LockoutPolicyOptions = DEFAULT_LOCKOUT_POLICY,
    @Optional() @Inject(IDENTITY_CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.policy = new LockoutPolicy(options);
  }

  isLocked(user: UserEntity): boolean {
    return this.policy.isLocked(failuresOf(user), this.clock());
  }

  /** Counts a failed attempt; an attempt that raced with the one that locked the account is not counted. */
  async recordFailure(userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<FailureRow[]>(
        `SELECT failed_logins, last_failed_login_at, locked_until FROM users WHERE id = $1 FOR UPDATE`,
        [userId],
      );
      if (!row) return;
      const now = this.clock();
      const current = { count: row.failed_logins, lastFailedAt: row.last_failed_login_at, lockedUntil: row.locked_until };
      if (this.policy.isLocked(current, now)) return;
      const next = this.policy.afterFailure(current, now);
      await manager.query(`UPDATE users SET failed_logins = $2, last_failed_login_at = $3, locked_until = $4 WHERE id = $1`, [
        userId,
        next.count,
        next.lastFailedAt,
        next.lockedUntil,
      ]);
    });
  }

  /** A successful login starts the count over (no write when there was nothing to forget). */
  async recordSuccess(userId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE users SET failed_logins = 0, last_failed_login_at = NULL, locked_until = NULL
        WHERE id = $1 AND (failed_logins > 0 OR locked_until IS NOT NULL)`,
      [userId],
    );
  }
}

interface FailureRow {
  failed_logins: number;
  last_failed_login_at: Date | null;
  locked_until: Date | null;
}

const failuresOf = (user: UserEntity): LoginFailures => ({
  count: user.failedLogins,
  lastFailedAt: user.lastFailedLoginAt,
  lockedUntil: user.lockedUntil,
});
