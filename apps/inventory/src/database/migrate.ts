import { loadDotEnv } from '@shopmesh/config';
import { migrateMain, runServiceMigrations } from '@shopmesh/database';
import { loadInventoryConfig } from '../inventory.config';
import { inventorySchema } from './inventory.data-source';

/** Applies inventory's pending migrations. */
export const migrateInventory = (source?: Record<string, string | undefined>): Promise<string[]> =>
  runServiceMigrations(loadInventoryConfig(source).postgres, inventorySchema);

if (require.main === module) {
  loadDotEnv();
  migrateMain('inventory', () => migrateInventory());
}
