import { loadDotEnv } from '@shopmesh/config';
import { migrateMain, runServiceMigrations } from '@shopmesh/database';
import { loadOrdersConfig } from '../orders.config';
import { ordersSchema } from './orders.data-source';

/** Applies orders' pending migrations. */
export const migrateOrders = (source?: Record<string, string | undefined>): Promise<string[]> =>
  runServiceMigrations(loadOrdersConfig(source).postgres, ordersSchema);

if (require.main === module) {
  loadDotEnv();
  migrateMain('orders', () => migrateOrders());
}
