import type { DatabaseSchema } from '@shopmesh/database';
import { RefreshTokenFamilyEntity } from '../refresh-tokens/refresh-token-family.entity';
import { RefreshTokenEntity } from '../refresh-tokens/refresh-token.entity';
import { UserEntity } from '../users/user.entity';
import { CreateUsers1764100000000 } from './migrations/1764100000000-create-users';
import { CreateRefreshTokens1764100001000 } from './migrations/1764100001000-create-refresh-tokens';
import { CreateMessagingTables1764100002000 } from './migrations/1764100002000-create-messaging-tables';
import { CreateOpsAudit1765000000000 } from './migrations/1765000000000-create-ops-audit';

/** Identity's own database: its entities and migrations. */
export const identitySchema: DatabaseSchema = {
  entities: [UserEntity, RefreshTokenFamilyEntity, RefreshTokenEntity],
  migrations: [
    CreateUsers1764100000000,
    CreateRefreshTokens1764100001000,
    CreateMessagingTables1764100002000,
    CreateOpsAudit1765000000000,
  ],
};
