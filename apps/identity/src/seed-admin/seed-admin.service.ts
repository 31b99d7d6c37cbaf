import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PASSWORD_MIN_LENGTH } from '@shopmesh/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { PasswordHasher } from '../passwords/password-hasher';
import { normalizeEmail } from '../users/email';
import { UserEntity } from '../users/user.entity';

/** The administrator account of `ADMIN_EMAIL` / `ADMIN_PASSWORD`. */
export interface AdminAccount {
  email: string;
  password: string;
  name?: string;
}

export type SeedAdminResult = 'created' | 'updated' | 'unchanged';

/**
 * Makes sure the administrator exists with the configured password and role `admin` (at start-up;
 * idempotent, safe when several instances start at once). If the account changes (a new password, or a
 * customer who had registered that email), its sessions are revoked: they were opened under the old terms.
 */
@Injectable()
export class SeedAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordHasher,
  ) {}

  async seed(admin: AdminAccount): Promise<SeedAdminResult> {
    if (Array.from(admin.password).length < PASSWORD_MIN_LENGTH) {
      throw new Error(`the admin password must have at least ${PASSWORD_MIN_LENGTH} characters`);
    }
    const email = normalizeEmail(admin.email);
    const passwordHash = await this.passwords.hash(admin.password);
    return this.dataSource.transaction(async (manager) => {
      const [inserted] = await manager.query<Array<{ id: string }>>(
        `INSERT INTO users (id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, 'admin')
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [randomUUID(), email, admin.name ?? 'Administrator', passwordHash],
      );
      if (inserted) return 'created';
      return this.bringUpToDate(manager, email, admin.password, passwordHash);
    });
  }

  private async bringUpToDate(
    manager: EntityManager,
    email: string,
    password: string,
    passwordHash: string,
  ): Promise<SeedAdminResult> {
    const existing = await manager.findOne(UserEntity, { where: { email }, lock: { mode: 'pessimistic_write' } });
    if (!existing) throw new Error('the admin account vanished while it was seeded');
    const current =
      existing.role === 'admin' &&
      !this.passwords.needsRehash(existing.passwordHash) &&
      (await this.passwords.verify(existing.passwordHash, password));
    if (current) return 'unchanged';
    await manager.query(
      `UPDATE users SET password_hash = $2, role = 'admin', failed_logins = 0, last_failed_login_at = NULL,
              locked_until = NULL, updated_at = now() WHERE id = $1`,
      [existing.id, passwordHash],
    );
    await manager.query(`UPDATE refresh_token_families SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [
      existing.id,
    ]);
    return 'updated';
  }
}
