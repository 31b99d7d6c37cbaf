import type { DatabaseSchema } from '@shopmesh/database';
import { CreateMessagingTables1764400000000 } from './migrations/1764400000000-create-messaging-tables';

/** Payments' own database: its entities and migrations. */
export const paymentsSchema: DatabaseSchema = {
  entities: [],
  migrations: [CreateMessagingTables1764400000000],
};
