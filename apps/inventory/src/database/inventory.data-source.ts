import { serviceDataSourceOptions, type DatabaseSchema } from '@shopmesh/database';
import type { DataSourceOptions } from 'typeorm';
import type { InventoryConfig } from '../inventory.config';
import { CreateMessagingTables1764200000000 } from './migrations/1764200000000-create-messaging-tables';
import { CreateStock1764200001000 } from './migrations/1764200001000-create-stock';
import { CreateOpsAudit1765000000000 } from './migrations/1765000000000-create-ops-audit';

/** Inventory's own database and its migrations (no entities: the stores speak SQL). */
export const inventorySchema: DatabaseSchema = {
  entities: [],
  migrations: [CreateMessagingTables1764200000000, CreateStock1764200001000, CreateOpsAudit1765000000000],
};

/** TypeORM options of inventory's database (scripts: seed). */
export const inventoryDataSourceOptions = (config: InventoryConfig): DataSourceOptions =>
  serviceDataSourceOptions(config.postgres, inventorySchema);
