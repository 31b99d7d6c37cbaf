import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { LoginRequest, TokenPair } from '@shopmesh/contracts';
import { DataSource } from 'typeorm';
import { LoginLockout } from '../lockout/login-lockout.service';
import { PasswordHasher } from '../passwords/password-hasher';
import { TokenPairIssuer } from '../refresh-tokens/token-pair-issuer.service';
import { normalizeEmail } from '../users/email';
import { UserEntity } from '../users/user.entity';

export type LoginResult = { ok: true; tokens: TokenPair } | { ok: false; reason: 'INVALID_CREDENTIALS' };

const INVALID_CREDENTIALS: LoginResult = { ok: false, reason: 'INVALID_CREDENTIALS' };

/**
 * Logs a user in, starting a new session. An unknown email, a wrong password and a locked account
 * get the same answer after the same work (one Argon2 verification), so none of them reveals
 * whether the account exists.
 */
@Injectable()
export class LoginService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordHasher,
    private readonly lockout: LoginLockout,
    private readonly tokens: TokenPairIssuer,
  ) {}

  async login(request: LoginRequest): Promise<LoginResult> {
    const user = await this.dataSource.manager.findOneBy(UserEntity, { email: normalizeEmail(request.email) });
    if (!user || this.lockout.isLocked(user)) {
      await this.passwords.verifyNothing(request.password);
      return INVALID_CREDENTIALS;
    }
    if (!(await this.passwords.verify(user.passwordHash, request.password))) {
      await this.lockout.recordFailure(user.id);
      return INVALID_CREDENTIALS;
    }
    await this.lockout.recordSuccess(user.id);
    if (this.passwords.needsRehash(user.passwordHash)) await this.rehash(user.id, request.password);
    const tokens = await this.dataSource.transaction((manager) => this.tokens.startSession(manager, user));
    return { ok: true, tokens };
  }

  private async rehash(userId: string, password: string): Promise<void> {
    const passwordHash = await this.passwords.hash(password);
    await this.dataSource.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [userId, passwordHash]);
  }
}
