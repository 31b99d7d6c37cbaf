import type { User } from '@shopmesh/contracts';
import type { UserEntity } from './user.entity';

/** The user as the API shows it: never the password hash or the lockout state. */
export const toUser = (row: UserEntity): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: row.createdAt.toISOString(),
});
