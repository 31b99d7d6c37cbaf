import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AccessTokenIssuer } from '@shopmesh/auth';
import type { Role, TokenPair } from '@shopmesh/contracts';
import type { EntityManager } from 'typeorm';
import { IDENTITY_CLOCK, REFRESH_TOKEN_TTL_SECONDS, systemClock, type Clock } from '../identity.tokens';
import { hashRefreshToken, newRefreshToken } from './opaque-refresh-token';
import { RefreshTokenFamilyEntity } from './refresh-token-family.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Who a token pair is for. */
export interface TokenHolder {
  id: string;
  role: Role;
}

/**
 * Issues token pairs: a signed access token naming the session (`sid`) and an opaque refresh token
 * stored as its hash. Runs in the caller's transaction, so a pair exists only if the change commits.
 */
@Injectable()
export class TokenPairIssuer {
  constructor(
    private readonly accessTokens: AccessTokenIssuer,
    @Optional() @Inject(REFRESH_TOKEN_TTL_SECONDS) private readonly refreshTtlSeconds = DEFAULT_REFRESH_TOKEN_TTL_SECONDS,
    @Optional() @Inject(IDENTITY_CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  /** Starts a new session (refresh-token family) and answers its first pair. */
  async startSession(manager: EntityManager, holder: TokenHolder): Promise<TokenPair> {
    const familyId = randomUUID();
    await manager.insert(RefreshTokenFamilyEntity, { id: familyId, userId: holder.id, createdAt: this.clock(), revokedAt: null });
    return this.continueSession(manager, holder, familyId);
  }

  /** The next pair of a session, after its previous refresh token was used. */
  async continueSession(manager: EntityManager, holder: TokenHolder, familyId: string): Promise<TokenPair> {
    const refreshToken = newRefreshToken();
    const now = this.clock();
    await manager.insert(RefreshTokenEntity, {
      id: randomUUID(),
      familyId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: new Date(now.getTime() + this.refreshTtlSeconds * 1000),
      usedAt: null,
      createdAt: now,
    });
    const access = await this.accessTokens.issue({ userId: holder.id, role: holder.role, sessionId: familyId });
    return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn };
  }
}
