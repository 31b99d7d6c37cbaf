import { createTestDatabase, dropTestDatabase, pgConnectionOf } from '@shopmesh/testing';
import { migrateInventory } from '../../apps/inventory/src/database/migrate';
import { migrateOrders } from '../../apps/orders/src/database/migrate';
import { migratePayments } from '../../apps/payments/src/database/migrate';

const MIGRATIONS = {
  inventory: { variable: 'INVENTORY_DB_NAME', migrate: migrateInventory },
  orders: { variable: 'ORDERS_DB_NAME', migrate: migrateOrders },
  payments: { variable: 'PAYMENTS_DB_NAME', migrate: migratePayments },
} as const;

export type CheckoutService = keyof typeof MIGRATIONS;

/** Applies a service's migrations to the database its variables name. */
export type MigrateDatabase = (env: Record<string, string>) => Promise<unknown>;

/**
 * A fresh, migrated test database of inventory, orders or payments for one suite; `migrate`
 * instead of the service's current migrations (those of an earlier release, say).
 */
export async function prepareServiceDatabase(
  service: CheckoutService,
  suite: string,
  env: Record<string, string>,
  migrate: MigrateDatabase = MIGRATIONS[service].migrate,
): Promise<{ database: string; drop: () => Promise<void> }> {
  const { variable } = MIGRATIONS[service];
  const database = await createTestDatabase(pgConnectionOf(env), `shopmesh_${service}`, suite);
  try {
    await migrate({ ...env, [variable]: database });
  } catch (error) {
    await dropTestDatabase(pgConnectionOf(env), database);
    throw error;
  }
  return { database, drop: () => dropTestDatabase(pgConnectionOf(env), database) };
}
