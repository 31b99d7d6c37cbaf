import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRegistered, type RegisterRequest, type User } from '@shopmesh/contracts';
import { Outbox, messageOf } from '@shopmesh/messaging';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation';
import { IDENTITY_CLOCK, systemClock, type Clock } from '../identity.tokens';
import { PasswordHasher } from '../passwords/password-hasher';
import { normalizeEmail } from '../users/email';
import { UserEntity } from '../users/user.entity';
import { toUser } from '../users/user.mapper';

export type RegisterResult = { ok: true; user: User } | { ok: false; reason: 'EMAIL_TAKEN' };

/**
 * Registers a customer. This path never grants another role. The user and its `UserRegistered`
 * event commit together (outbox); a taken email is found by the unique constraint, not a prior
 * read, so two concurrent registrations of one address cannot both succeed.
 */
@Injectable()
export class RegisterService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly passwords: PasswordHasher,
    @Optional() @Inject(IDENTITY_CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  async register(request: RegisterRequest): Promise<RegisterResult> {
    const passwordHash = await this.passwords.hash(request.password); // before the transaction: it is slow
    const now = this.clock();
    const row: UserEntity = {
      id: randomUUID(),
      email: normalizeEmail(request.email),
      name: request.name.trim(),
      passwordHash,
      role: 'customer',
      failedLogins: 0,
      lastFailedLoginAt: null,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(UserEntity, row);
        await this.outbox.record(manager, [
          messageOf(UserRegistered, row.id, { userId: row.id, email: row.email, name: row.name }),
        ]);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_unique')) return { ok: false, reason: 'EMAIL_TAKEN' };
      throw error;
    }
    return { ok: true, user: toUser(row) };
  }
}
