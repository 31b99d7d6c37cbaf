import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Role, TokenPair } from '@shopmesh/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { IDENTITY_CLOCK, systemClock, type Clock } from '../identity.tokens';
import { hashRefreshToken, isRefreshTokenShaped } from '../refresh-tokens/opaque-refresh-token';
import { TokenPairIssuer } from '../refresh-tokens/token-pair-issuer.service';

export type RefreshResult = { ok: true; tokens: TokenPair } | { ok: false; reason: 'INVALID_REFRESH_TOKEN' };

const INVALID: RefreshResult = { ok: false, reason: 'INVALID_REFRESH_TOKEN' };

interface ClaimedToken {
  family_id: string;
  user_id: string;
  role: Role;
  expires_at: Date;
}

/**
 * Rotates refresh tokens. A token is claimed by one conditional UPDATE, so of two concurrent
 * refreshes with one token exactly one wins. Presenting a used token (a replay: the token was
 * stolen, or the loser of such a race) or an expired one revokes its whole session.
 */
@Injectable()
export class RefreshService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenPairIssuer,
    @Optional() @Inject(IDENTITY_CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  async refresh(refreshToken: string): Promise<RefreshResult> {
    if (!isRefreshTokenShaped(refreshToken)) return INVALID;
    const tokenHash = hashRefreshToken(refreshToken);
    return this.dataSource.transaction(async (manager) => {
      const claimed = await this.claim(manager, tokenHash);
      if (!claimed) {
        await this.revokeFamilyOf(manager, tokenHash);
        return INVALID;
      }
      if (claimed.expires_at.getTime() <= this.clock().getTime()) {
        await revokeFamily(manager, claimed.family_id);
        return INVALID;
      }
      const holder = { id: claimed.user_id, role: claimed.role };
      return { ok: true, tokens: await this.tokens.continueSession(manager, holder, claimed.family_id) };
    });
  }

  /** Marks the token used if it is unused and its session alive; answers it, or undefined. */
  private async claim(manager: EntityManager, tokenHash: string): Promise<ClaimedToken | undefined> {
    const [rows] = await manager.query<[ClaimedToken[], number]>(
      `UPDATE refresh_tokens t SET used_at = now()
         FROM refresh_token_families f JOIN users u ON u.id = f.user_id
        WHERE t.token_hash = $1 AND t.used_at IS NULL AND f.id = t.family_id AND f.revoked_at IS NULL
        RETURNING t.family_id, f.user_id, u.role, t.expires_at`,
      [tokenHash],
    );
    return rows[0];
  }

  private async revokeFamilyOf(manager: EntityManager, tokenHash: string): Promise<void> {
    const [known] = await manager.query<Array<{ family_id: string }>>(
      `SELECT family_id FROM refresh_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    if (known) await revokeFamily(manager, known.family_id);
  }
}

const revokeFamily = (manager: EntityManager, familyId: string): Promise<unknown> =>
  manager.query(`UPDATE refresh_token_families SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [familyId]);
