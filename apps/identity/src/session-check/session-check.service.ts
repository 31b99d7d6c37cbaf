import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid } from '../database/is-uuid';

/**
 * Whether an access token's session still stands: its user exists and its refresh-token family
 * (`sid`) belongs to that user and is not revoked. The gateway asks on each request (and may cache
 * the answer for a few seconds), so it is one query on two primary keys.
 */
@Injectable()
export class SessionCheckService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isSessionActive(userId: string, sessionId: string): Promise<boolean> {
    if (!isUuid(userId) || !isUuid(sessionId)) return false;
    const [row] = await this.dataSource.query<Array<{ active: boolean }>>(
      `SELECT EXISTS (
         SELECT 1 FROM refresh_token_families f JOIN users u ON u.id = f.user_id
          WHERE f.id = $2 AND f.user_id = $1 AND f.revoked_at IS NULL
       ) AS active`,
      [userId, sessionId],
    );
    return row?.active === true;
  }
}
