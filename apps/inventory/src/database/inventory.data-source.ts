import type { DatabaseSchema } from '@shopmesh/database';
import { CreateMessagingTables1764200000000 } from './migrations/1764200000000-create-messaging-tables';

/** Inventory's own database: its entities and migrations. */
export const inventorySchema: DatabaseSchema = {
  entities: [],
  migrations: [CreateMessagingTables1764200000000],
};
