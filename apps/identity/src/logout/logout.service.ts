import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hashRefreshToken, isRefreshTokenShaped } from '../refresh-tokens/opaque-refresh-token';

/**
 * Ends the caller's session: revokes the family of the given refresh token (used or not), which
 * also kills its access tokens at the gateway's session check. A token that is unknown, already
 * revoked or another user's changes nothing, and the answer is the same, so it reveals nothing.
 */
@Injectable()
export class LogoutService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async logout(userId: string, refreshToken: string): Promise<void> {
    if (!isRefreshTokenShaped(refreshToken)) return;
    await this.dataSource.query(
      `UPDATE refresh_token_families f SET revoked_at = now()
         FROM refresh_tokens t
        WHERE t.token_hash = $1 AND f.id = t.family_id AND f.user_id = $2 AND f.revoked_at IS NULL`,
      [hashRefreshToken(refreshToken), userId],
    );
  }
}
