import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { User } from '@shopmesh/contracts';
import { DataSource } from 'typeorm';
import { isUuid } from '../database/is-uuid';
import { UserEntity } from '../users/user.entity';
import { toUser } from '../users/user.mapper';

export type ProfileResult = { ok: true; user: User } | { ok: false; reason: 'USER_NOT_FOUND' };

/** The calling user's profile (`GET /v1/me`); a deleted user is not found. */
@Injectable()
export class MeService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async profile(userId: string): Promise<ProfileResult> {
    const row = isUuid(userId) ? await this.dataSource.manager.findOneBy(UserEntity, { id: userId }) : null;
    return row ? { ok: true, user: toUser(row) } : { ok: false, reason: 'USER_NOT_FOUND' };
  }
}
